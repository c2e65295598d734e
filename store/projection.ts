// Projection of routing workflows into tables: routings, their live offers and connected conversations. The shape of
// a write is here and the reads; the writes are in routing-writes.ts, called only by RoutingRows
// (activities/routing-rows.ts), the one writer the routing activities and the API share.
import type { OfferRecord } from '../domain/offers';
import type { RoutingRow } from '../domain/routing-row';
import type { Visitor } from '../domain/visitor';
import { slices } from './batching';
import { byteOrder, type Db } from './database';
import { deleteReportFacts } from './report-facts';

export interface OfferClosure {
  repId: string;
  result: 'accepted' | 'declined' | 'timed_out' | 'withdrawn';
  endedAt: string;
}

export interface RoutingProjectionChange {
  routingId: string;
  routing?: RoutingRow;
  /** The routing's visitor, sent with the write that may create its row: stored once there, never updated. */
  visitor?: Visitor;
  created: readonly OfferRecord[];
  closed: readonly OfferClosure[];
  /**
   * Every offer of the routing still pending, when the writer knows them all: any other pending offer in the table
   * was shown by a workflow task that never completed (its worker died) and the routing no longer makes it.
   */
  liveRepIds?: readonly string[];
  connection?: { repId: string; startedAt: string };
}

/** What a write really changed: a repeated write (a retry, or the API and the worker writing one outcome) none. */
export interface AppliedRoutingChange {
  offersMade: number;
  offersClosed: OfferClosure['result'][];
  /** Set when this write moved the routing to its outcome. */
  finished?: RoutingRow;
}

/** The visitor a routing was started with, from its row; rows written before it was stored hold only its id. */
export function visitorOf(row: { visitor: string | null; visitor_id: string }): Visitor {
  return row.visitor === null ? { id: row.visitor_id } : (JSON.parse(row.visitor) as Visitor);
}

export interface LiveOffer {
  routingId: string;
  type: string;
  visitor: Visitor;
  ruleId: string;
  stage: string;
  offeredAt: string;
  expiresAt: string;
}

export async function liveOffersForRep(db: Db, repId: string): Promise<LiveOffer[]> {
  const rows = await db
    .selectFrom('offers')
    .innerJoin('routings', 'routings.routing_id', 'offers.routing_id')
    .selectAll('offers')
    .select(['routings.visitor', 'routings.visitor_id'])
    .where('offers.rep_id', '=', repId)
    .where('offers.result', '=', 'pending')
    .orderBy(byteOrder(db, 'offers.offered_at'))
    .orderBy(byteOrder(db, 'offers.routing_id'))
    .execute();
  return rows.map((row) => ({
    routingId: row.routing_id,
    type: row.routing_type,
    visitor: visitorOf(row),
    ruleId: row.rule_id,
    stage: row.stage,
    offeredAt: row.offered_at,
    expiresAt: row.expires_at,
  }));
}

export interface OpenConversation {
  routingId: string;
  type: string;
  visitor: Visitor;
  startedAt: string;
}

/** A rep's open conversations, oldest first: what the rep console lists as active, each with its routing's visitor. */
export async function openConversationsForRep(db: Db, repId: string): Promise<OpenConversation[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('offers', (join) =>
      join
        .onRef('offers.routing_id', '=', 'conversations.routing_id')
        .onRef('offers.rep_id', '=', 'conversations.rep_id'),
    )
    .innerJoin('routings', 'routings.routing_id', 'conversations.routing_id')
    .select([
      'conversations.routing_id',
      'conversations.started_at',
      'offers.routing_type',
      'routings.visitor',
      'routings.visitor_id',
    ])
    .where('conversations.rep_id', '=', repId)
    .where('conversations.ended_at', 'is', null)
    .orderBy(byteOrder(db, 'conversations.started_at'))
    .orderBy(byteOrder(db, 'conversations.routing_id'))
    .execute();
  return rows.map((row) => ({
    routingId: row.routing_id,
    type: row.routing_type,
    visitor: visitorOf(row),
    startedAt: row.started_at,
  }));
}

export async function activeConversation(db: Db, routingId: string) {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('routing_id', '=', routingId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
}

/** Open conversations per rep, for capacity checks. */
export async function activeConversationCounts(db: Db, repIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const slice of slices(repIds)) {
    const rows = await db
      .selectFrom('conversations')
      // A bigint on PostgreSQL, which the driver returns as a string: Number() for both.
      .select(['rep_id', (eb) => eb.fn.countAll<number | string>().as('open')])
      .where('rep_id', 'in', slice)
      .where('ended_at', 'is', null)
      .groupBy('rep_id')
      .execute();
    for (const row of rows) counts.set(row.rep_id, Number(row.open));
  }
  return counts;
}

/** When each rep's latest conversation started or ended (ISO times order as text), for who has been idle longest. */
export async function lastConversationTimes(db: Db, repIds: readonly string[]): Promise<Map<string, string>> {
  const times = new Map<string, string>();
  for (const slice of slices(repIds)) {
    const rows = await db
      .selectFrom('conversations')
      .select(['rep_id', (eb) => eb.fn.max('started_at').as('started'), (eb) => eb.fn.max('ended_at').as('ended')])
      .where('rep_id', 'in', slice)
      .groupBy('rep_id')
      .execute();
    for (const row of rows) {
      const { started, ended } = row as { started: string; ended: string | null };
      times.set(row.rep_id, ended !== null && ended > started ? ended : started);
    }
  }
  return times;
}

/** Conversations each rep started at or after their own instant in `sinceByRep`: what daily caps count. */
export async function conversationsStartedSince(
  db: Db,
  sinceByRep: ReadonlyMap<string, string>,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [repId, since] of sinceByRep) {
    const row = await db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number | string>().as('started'))
      .where('rep_id', '=', repId)
      .where('started_at', '>=', since)
      .executeTakeFirstOrThrow();
    counts.set(repId, Number(row.started));
  }
  return counts;
}

/** The visitor's pounce routings still routing, other than `exceptRoutingId`: an inbound routing supersedes them. */
export async function openPounceRoutingIds(db: Db, visitorId: string, exceptRoutingId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('routings')
    .select('routing_id')
    .where('visitor_id', '=', visitorId)
    .where('type', '=', 'pounce')
    .where('status', '=', 'routing')
    .where('routing_id', '!=', exceptRoutingId)
    .orderBy(byteOrder(db, 'routing_id'))
    .execute();
  return rows.map((row) => row.routing_id);
}

/**
 * Deletes routings' rows: their offers, conversation and round-robin turns, then the routings themselves (as many ids
 * as one statement may bind). Shared by retention and visitor erasure; returns what went, per table.
 */
export async function deleteRoutingRows(db: Db, routingIds: readonly string[]) {
  const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
  const offers = deleted(await db.deleteFrom('offers').where('routing_id', 'in', routingIds).executeTakeFirst());
  const conversations = deleted(
    await db.deleteFrom('conversations').where('routing_id', 'in', routingIds).executeTakeFirst(),
  );
  await db.deleteFrom('round_robin_turns').where('routing_id', 'in', routingIds).execute();
  await db.deleteFrom('routing_stage_checks').where('routing_id', 'in', routingIds).execute();
  await deleteReportFacts(db, routingIds);
  const routings = deleted(await db.deleteFrom('routings').where('routing_id', 'in', routingIds).executeTakeFirst());
  return { offers, conversations, routings };
}
