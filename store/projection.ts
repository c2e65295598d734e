// Projection of routing workflows into tables: routings, their live offers and connected conversations.
// Written by routing activities, read by the API and by other routings.
import type { Visitor } from '../api/schemas/visitor';
import type { Db } from './database';

export interface OfferRecord {
  routingId: string;
  repId: string;
  routingType: string;
  visitor: Visitor;
  ruleId: string;
  stage: string;
  offeredAt: string;
  expiresAt: string;
}

export interface OfferClosure {
  repId: string;
  result: 'accepted' | 'declined' | 'timed_out' | 'withdrawn';
  endedAt: string;
}

/** The routing row as its workflow last described it. */
export interface RoutingRecord {
  type: string;
  visitorId: string;
  status: string;
  ruleId: string | null;
  repId: string | null;
  startedAt: string;
  endedAt: string | null;
}

export interface RoutingProjectionChange {
  routingId: string;
  routing?: RoutingRecord;
  created: readonly OfferRecord[];
  closed: readonly OfferClosure[];
  connection?: { repId: string; startedAt: string };
}

/**
 * Applies one routing's new offers, closed offers and connection in a single transaction.
 * Idempotent: a retried activity re-inserting the same offers or connection changes nothing.
 */
export async function applyRoutingProjection(db: Db, change: RoutingProjectionChange): Promise<void> {
  await db.transaction().execute(async (tx) => {
    if (change.routing) {
      const { routing } = change;
      const row = {
        status: routing.status,
        rule_id: routing.ruleId,
        rep_id: routing.repId,
        ended_at: routing.endedAt,
      };
      await tx
        .insertInto('routings')
        .values({
          routing_id: change.routingId,
          type: routing.type,
          visitor_id: routing.visitorId,
          started_at: routing.startedAt,
          ...row,
        })
        .onConflict((oc) => oc.column('routing_id').doUpdateSet(row))
        .execute();
    }
    if (change.created.length > 0) {
      await tx
        .insertInto('offers')
        .values(
          change.created.map((offer) => ({
            routing_id: offer.routingId,
            rep_id: offer.repId,
            routing_type: offer.routingType,
            visitor: JSON.stringify(offer.visitor),
            rule_id: offer.ruleId,
            stage: offer.stage,
            offered_at: offer.offeredAt,
            expires_at: offer.expiresAt,
            ended_at: null,
            result: 'pending',
          })),
        )
        .onConflict((oc) => oc.columns(['routing_id', 'rep_id']).doNothing())
        .execute();
    }
    for (const closure of change.closed) {
      await tx
        .updateTable('offers')
        .set({ result: closure.result, ended_at: closure.endedAt })
        .where('routing_id', '=', change.routingId)
        .where('rep_id', '=', closure.repId)
        .execute();
    }
    if (change.connection) {
      await tx
        .insertInto('conversations')
        .values({
          routing_id: change.routingId,
          rep_id: change.connection.repId,
          started_at: change.connection.startedAt,
          ended_at: null,
        })
        .onConflict((oc) => oc.column('routing_id').doNothing())
        .execute();
    }
  });
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
    .selectAll()
    .where('rep_id', '=', repId)
    .where('result', '=', 'pending')
    .orderBy('offered_at')
    .execute();
  return rows.map((row) => ({
    routingId: row.routing_id,
    type: row.routing_type,
    visitor: JSON.parse(row.visitor) as Visitor,
    ruleId: row.rule_id,
    stage: row.stage,
    offeredAt: row.offered_at,
    expiresAt: row.expires_at,
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

/** Ends a connected conversation, freeing its rep's capacity. Returns false when none was open. */
export async function endConversation(db: Db, routingId: string, endedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('conversations')
    .set({ ended_at: endedAt })
    .where('routing_id', '=', routingId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Open conversations per rep, for capacity checks. */
export async function activeConversationCounts(db: Db, repIds: readonly string[]): Promise<Map<string, number>> {
  if (repIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('conversations')
    .select(['rep_id', (eb) => eb.fn.countAll<number>().as('open')])
    .where('rep_id', 'in', repIds)
    .where('ended_at', 'is', null)
    .groupBy('rep_id')
    .execute();
  return new Map(rows.map((row) => [row.rep_id, Number(row.open)]));
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
    .execute();
  return rows.map((row) => row.routing_id);
}
