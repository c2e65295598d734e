// Reps' live event streams, kept in the database so any API process can serve any rep, and a reconnecting client
// can resume from the last event id it saw.
import { PostgresAdapter, sql } from 'kysely';
import type { Visitor } from '../domain/visitor';
import { rowChunks, slices } from './batching';
import type { Db } from './database';
import { REP_EVENTS_CHANNEL } from './rep-event-signal';

export type RepEventType =
  | 'offer.created'
  | 'offer.withdrawn'
  | 'routing.connected'
  | 'conversation.ended'
  | 'presence.changed';

export interface NewRepEvent {
  repId: string;
  /** The routing the event is about; an offer.created event is read back with that routing's visitor. */
  routingId?: string;
  type: RepEventType;
  data: Record<string, unknown>;
}

export interface RepEvent extends NewRepEvent {
  id: number;
  createdAt: string;
}

type Writer = Pick<Db, 'insertInto' | 'getExecutor'>;

/** Any constant: the advisory lock that orders event appends on PostgreSQL. */
const EVENT_ORDER_LOCK = 7_311_001;

export async function appendRepEvents(db: Writer, events: readonly NewRepEvent[]): Promise<void> {
  if (events.length === 0) return;
  // PostgreSQL hands out ids before commit, so two transactions could commit ids out of order and a stream that
  // has read the later one would never see the earlier. Holding this lock until commit makes id order commit order.
  // (SQLite runs one writer at a time already.) Callers append events last, so the lock is held only briefly.
  // The notification wakes every process's streams (rep-event-signal.ts); PostgreSQL sends it only on commit.
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK}), pg_notify(${REP_EVENTS_CHANNEL}, '')`.execute(
      db as Db,
    );
  }
  const createdAt = new Date().toISOString();
  const rows = events.map((event) => ({
    rep_id: event.repId,
    type: event.type,
    data: JSON.stringify(event.data),
    routing_id: event.routingId ?? null,
    created_at: createdAt,
  }));
  for (const chunk of rowChunks(rows)) await db.insertInto('rep_events').values(chunk).execute();
}

/** Every rep's events, for the admins' live panel (api/routes/live.ts). A symbol: any string may be a rep's id. */
export const ALL_REPS: unique symbol = Symbol('all reps');
export type RepScope = readonly string[] | typeof ALL_REPS;

/** Events for `repIds` (or every rep's) after `afterId`, oldest first. */
export async function repEventsAfter(db: Db, repIds: RepScope, afterId: number, limit = 500): Promise<RepEvent[]> {
  if (repIds !== ALL_REPS && repIds.length === 0) return [];
  const eventsAfter = () =>
    db
      .selectFrom('rep_events')
      // The visitor is stored once per routing: offer events carry it only as read.
      .leftJoin('routings', (join) =>
        join.onRef('routings.routing_id', '=', 'rep_events.routing_id').on('rep_events.type', '=', 'offer.created'),
      )
      .selectAll('rep_events')
      .select(['routings.visitor', 'routings.visitor_id'])
      .where('rep_events.id', '>', afterId)
      .orderBy('rep_events.id')
      .limit(limit);
  const rows = [];
  if (repIds === ALL_REPS) rows.push(...(await eventsAfter().execute()));
  // Each slice's first `limit` events hold the first `limit` of all of them.
  else
    for (const slice of slices(repIds))
      rows.push(...(await eventsAfter().where('rep_events.rep_id', 'in', slice).execute()));
  if (rows.length > limit) rows.sort((a, b) => Number(a.id) - Number(b.id)).splice(limit);
  return rows.map((row) => ({
    id: Number(row.id),
    repId: row.rep_id,
    type: row.type as RepEventType,
    data: withVisitor(JSON.parse(row.data) as Record<string, unknown>, row),
    createdAt: row.created_at,
  }));
}

/** An offer event's data with its routing's visitor, in the place it had when each event stored its own copy. */
function withVisitor(
  data: Record<string, unknown>,
  routing: { visitor: string | null; visitor_id: string | null },
): Record<string, unknown> {
  if (routing.visitor_id === null || 'visitor' in data) return data;
  const visitor: Visitor = routing.visitor === null ? { id: routing.visitor_id } : JSON.parse(routing.visitor);
  const { routingId, ...rest } = data;
  return { routingId, visitor, ...rest };
}

/** The newest event id overall: a new stream starts after it. */
export async function latestRepEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('rep_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/**
 * What a stream that last saw event `afterId` has missed of `repId`'s events (or every rep's): whether that event is
 * still stored (retention removes old ones, and an id from elsewhere names none), and the times of the first `limit`
 * missed.
 */
export async function missedRepEvents(
  db: Db,
  repId: string | typeof ALL_REPS,
  afterId: number,
  limit: number,
): Promise<{ cursorStored: boolean; missedAt: string[] }> {
  const cursor = await db.selectFrom('rep_events').select('id').where('id', '=', afterId).executeTakeFirst();
  let query = db.selectFrom('rep_events').select('created_at').where('id', '>', afterId);
  if (repId !== ALL_REPS) query = query.where('rep_id', '=', repId);
  const missed = await query.orderBy('id').limit(limit).execute();
  return { cursorStored: cursor !== undefined, missedAt: missed.map((row) => row.created_at) };
}
