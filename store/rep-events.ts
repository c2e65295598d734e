// Reps' live event streams, kept in the database so any API process can serve any rep, and a reconnecting client
// can resume from the last event id it saw.
import { PostgresAdapter, sql } from 'kysely';
import type { Db } from './database';
import { REP_EVENTS_CHANNEL } from './rep-event-signal';

export type RepEventType = 'offer.created' | 'offer.withdrawn' | 'routing.connected' | 'presence.changed';

export interface NewRepEvent {
  repId: string;
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
  await db
    .insertInto('rep_events')
    .values(
      events.map((event) => ({
        rep_id: event.repId,
        type: event.type,
        data: JSON.stringify(event.data),
        created_at: createdAt,
      })),
    )
    .execute();
}

/** Events for `repIds` after `afterId`, oldest first. */
export async function repEventsAfter(
  db: Db,
  repIds: readonly string[],
  afterId: number,
  limit = 500,
): Promise<RepEvent[]> {
  if (repIds.length === 0) return [];
  const rows = await db
    .selectFrom('rep_events')
    .selectAll()
    .where('rep_id', 'in', repIds)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    repId: row.rep_id,
    type: row.type as RepEventType,
    data: JSON.parse(row.data) as Record<string, unknown>,
    createdAt: row.created_at,
  }));
}

/** The newest event id overall: a new stream starts after it. */
export async function latestRepEventId(db: Db): Promise<number> {
  const row = await db
    .selectFrom('rep_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
