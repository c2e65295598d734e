// Projection of routing workflows into tables: routings, their live offers and connected conversations.
// Written only through RoutingRows (activities/routing-rows.ts), by the routing activities and the API; read by the
// API and by other routings.
import type { OfferRecord } from '../domain/offers';
import type { RoutingRow } from '../domain/routing-row';
import type { Visitor } from '../domain/visitor';
import { rowChunks, slices } from './batching';
import { byteOrder, type Db } from './database';
import { appendRepEvents, type NewRepEvent } from './rep-events';
import { recordWebhookDeliveries, type WebhookEvent } from './webhooks';

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

const isFinal = (status: string) => status !== 'routing';

/** What reports read from a routing's row (store/reports.ts): its delays are kept in whole ms from its start. */
function reportColumns(routing: RoutingRow) {
  const since = (at: string | null | undefined) =>
    at ? Math.round(Date.parse(at) - Date.parse(routing.startedAt)) : null;
  return {
    first_offer_at: routing.firstOfferAt ?? null,
    first_offer_ms: since(routing.firstOfferAt),
    first_offer_eligible: routing.firstOfferEligible ?? null,
    accepted_at: routing.acceptedAt ?? null,
    accept_ms: since(routing.acceptedAt),
  };
}

async function routingStatus(db: Db, routingId: string): Promise<string | undefined> {
  const row = await db.selectFrom('routings').select('status').where('routing_id', '=', routingId).executeTakeFirst();
  return row?.status;
}

/**
 * Applies one routing's new offers, closed offers and connection in a single transaction, with the rep events and
 * webhook deliveries they cause. Idempotent: a write repeating what is already there changes nothing and owes no
 * event. Returns the new webhook deliveries, for the caller to start, and what changed.
 */
export async function applyRoutingProjection(
  db: Db,
  change: RoutingProjectionChange,
): Promise<{ webhookDeliveryIds: string[]; applied: AppliedRoutingChange }> {
  if (
    change.routing &&
    isFinal(change.routing.status) &&
    (await routingStatus(db, change.routingId)) === change.routing.status
  ) {
    // An outcome is written whole in one transaction, so it is all there already: the API and the workflow both
    // write it, and the second need not queue for the write lock to change nothing.
    return { webhookDeliveryIds: [], applied: { offersMade: 0, offersClosed: [] } };
  }
  const { webhookDeliveryIds, applied } = await db.transaction().execute(async (tx) => {
    // Reps' stream events for what this change really altered, so a repeated write adds no duplicates.
    const events: NewRepEvent[] = [];
    const applied: AppliedRoutingChange = { offersMade: 0, offersClosed: [] };
    if (change.routing) {
      const { routing } = change;
      const row = {
        status: routing.status,
        rule_id: routing.ruleId,
        rep_id: routing.repId,
        ended_at: routing.endedAt,
        ...reportColumns(routing),
      };
      // Conditional writes rather than read-then-write: of two concurrent writers of one outcome, exactly one sees
      // its write change the status (PostgreSQL re-checks the condition once the other's row lock is released).
      const inserted = await tx
        .insertInto('routings')
        .values({
          routing_id: change.routingId,
          type: routing.type,
          visitor_id: routing.visitorId,
          visitor: change.visitor ? JSON.stringify(change.visitor) : null,
          visitor_email: change.visitor?.email?.toLowerCase() ?? null,
          started_at: routing.startedAt,
          ...row,
        })
        .onConflict((oc) => oc.column('routing_id').doNothing())
        .returning('routing_id')
        .execute();
      let statusChanged = inserted.length > 0;
      if (!statusChanged) {
        const moved = await tx
          .updateTable('routings')
          .set(row)
          .where('routing_id', '=', change.routingId)
          .where('status', '!=', routing.status)
          .returning('routing_id')
          .execute();
        statusChanged = moved.length > 0;
        if (!statusChanged) {
          await tx.updateTable('routings').set(row).where('routing_id', '=', change.routingId).execute();
        }
      }
      if (statusChanged && isFinal(routing.status)) applied.finished = routing;
    }
    const insertedReps = new Set<string>();
    const rows = change.created.map((offer) => ({
      routing_id: offer.routingId,
      rep_id: offer.repId,
      routing_type: offer.routingType,
      rule_id: offer.ruleId,
      stage: offer.stage,
      offered_at: offer.offeredAt,
      expires_at: offer.expiresAt,
      ended_at: null,
      result: 'pending',
    }));
    for (const chunk of rowChunks(rows)) {
      const inserted = await tx
        .insertInto('offers')
        .values(chunk)
        .onConflict((oc) => oc.columns(['routing_id', 'rep_id']).doNothing())
        .returning('rep_id')
        .execute();
      for (const row of inserted) insertedReps.add(row.rep_id);
    }
    for (const offer of change.created) {
      if (!insertedReps.has(offer.repId)) continue;
      const { repId, routingType, ...rest } = offer;
      // Without the visitor: readers of the stream join it from the routing's row (rep-events.ts).
      events.push({ repId, routingId: change.routingId, type: 'offer.created', data: { ...rest, type: routingType } });
      applied.offersMade++;
    }
    const closed = [...change.closed];
    if (change.liveRepIds) {
      const live = new Set([...change.liveRepIds, ...change.closed.map((closure) => closure.repId)]);
      const stale = await tx
        .selectFrom('offers')
        .select('rep_id')
        .where('routing_id', '=', change.routingId)
        .where('result', '=', 'pending')
        .execute();
      const endedAt = new Date().toISOString();
      for (const { rep_id } of stale) {
        if (!live.has(rep_id)) closed.push({ repId: rep_id, result: 'withdrawn', endedAt });
      }
    }
    const closedNow = await closeOffers(tx, change.routingId, closed);
    for (const closure of closed) {
      if (!closedNow.has(closure)) continue;
      applied.offersClosed.push(closure.result);
      events.push(
        closure.result === 'accepted'
          ? {
              repId: closure.repId,
              routingId: change.routingId,
              type: 'routing.connected',
              data: { routingId: change.routingId },
            }
          : {
              repId: closure.repId,
              routingId: change.routingId,
              type: 'offer.withdrawn',
              data: { routingId: change.routingId, result: closure.result, endedAt: closure.endedAt },
            },
      );
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
    // Stored without the visitor too: each offer.created delivery is sent with it (store/webhooks.ts deliveryToSend).
    const webhookEvents: WebhookEvent[] = events.map((event) => ({
      type: event.type,
      routingId: change.routingId,
      data: { repId: event.repId, ...event.data },
    }));
    if (applied.finished) {
      const { firstOfferAt: _f, firstOfferEligible: _e, acceptedAt: _a, ...data } = applied.finished;
      webhookEvents.push({
        type: 'routing.finished',
        routingId: change.routingId,
        data: { routingId: change.routingId, ...data },
      });
    }
    const deliveryIds = await recordWebhookDeliveries(tx, webhookEvents);
    // Last: on PostgreSQL it takes the lock that orders event ids, held until commit.
    await appendRepEvents(tx, events);
    return { webhookDeliveryIds: deliveryIds, applied };
  });
  return { webhookDeliveryIds, applied };
}

/**
 * Closes offers in as few statements as the closures allow (those sharing a result and time go together, so a
 * stage of 10,000 reps timing out is a handful of updates). Returns the closures that changed an offer.
 */
async function closeOffers(tx: Db, routingId: string, closures: readonly OfferClosure[]): Promise<Set<OfferClosure>> {
  const changed = new Set<OfferClosure>();
  const groups = new Map<string, OfferClosure[]>();
  for (const closure of closures) {
    const key = `${closure.result}\n${closure.endedAt}`;
    const group = groups.get(key);
    if (group) group.push(closure);
    else groups.set(key, [closure]);
  }
  for (const group of groups.values()) {
    const { result, endedAt } = group[0] as OfferClosure;
    const byRep = new Map(group.map((closure) => [closure.repId, closure]));
    for (const slice of slices([...byRep.keys()])) {
      const updated = await tx
        .updateTable('offers')
        .set({ result, ended_at: endedAt })
        .where('routing_id', '=', routingId)
        .where('rep_id', 'in', slice)
        .where('result', '!=', result)
        .returning('rep_id')
        .execute();
      for (const row of updated) changed.add(byRep.get(row.rep_id) as OfferClosure);
    }
  }
  return changed;
}

/** The visitor a routing was started with, from its row; rows written before it was stored hold only its id. */
function visitorOf(row: { visitor: string | null; visitor_id: string }): Visitor {
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
  const routings = deleted(await db.deleteFrom('routings').where('routing_id', 'in', routingIds).executeTakeFirst());
  return { offers, conversations, routings };
}
