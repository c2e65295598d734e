// The writes of a routing's rows: its row, offers and conversation, with the reps' events and webhook deliveries they
// cause. Called only by RoutingRows (activities/routing-rows.ts), the one writer the routing activities and the API
// share; the import check (.dependency-cruiser.cjs) holds every other module to that.
import type { StageSource } from '../domain/routing';
import type { RoutingRow } from '../domain/routing-row';
import { type WebhookEventType, webhookEventTypes } from '../domain/webhook-events';
import type { StageCheckRep } from '../domain/what-if';
import { rowChunks, slices } from './batching';
import type { Db } from './database';
import { countMissedOffers } from './missed-offers';
import type { AppliedRoutingChange, OfferClosure, RoutingProjectionChange } from './projection';
import { appendRepEvents, type NewRepEvent } from './rep-events';
import { recordFirstOffers, routingDelays, writeRoutingFacts } from './report-facts';
import { recordWebhookDeliveries, type WebhookEvent } from './webhooks';

const isFinal = (status: string) => status !== 'routing';

/** When a routing's first offer and accept were, kept on its row (the routing search shows them), and its delays. */
function reportColumns(routing: RoutingRow) {
  return {
    first_offer_at: routing.firstOfferAt ?? null,
    first_offer_eligible: routing.firstOfferEligible ?? null,
    accepted_at: routing.acceptedAt ?? null,
    ...routingDelays(routing),
    // Left as it is by a writer that does not know it.
    ...(routing.ruleSetVersion !== undefined && { rule_set_version: routing.ruleSetVersion }),
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
  /** The routing's check of the stage this change offers, recorded in the same transaction (one commit, not two). */
  stageCheck?: StageCheck,
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
      await writeRoutingFacts(tx, change.routingId, routing);
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
    if (change.routing) await recordFirstOffers(tx, change.routingId, change.routing, change.created);
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
    events.push(...(await countMissedOffers(tx, [...closedNow])));
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
    const webhookEvents: WebhookEvent[] = events.filter(isWebhookEvent).map((event) => ({
      type: event.type,
      routingId: event.routingId,
      data: { repId: event.repId, ...event.data },
    }));
    if (applied.finished) {
      const {
        firstOfferAt: _f,
        firstOfferEligible: _e,
        acceptedAt: _a,
        ruleSetVersion: _v,
        ...data
      } = applied.finished;
      webhookEvents.push({
        type: 'routing.finished',
        routingId: change.routingId,
        data: { routingId: change.routingId, ...data },
      });
    }
    const deliveryIds = await recordWebhookDeliveries(tx, webhookEvents);
    if (stageCheck) await recordStageCheck(tx, stageCheck);
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

/** Rep events webhooks carry too (all a routing's changes cause; not `conversation.ended`, a rep's own). */
const isWebhookEvent = (event: NewRepEvent): event is NewRepEvent & { type: WebhookEventType } =>
  (webhookEventTypes as readonly string[]).includes(event.type);

/** Why a conversation ended: someone said so (`POST /v1/routings/:id/end`), or its rule's idle time ran out. */
export type ConversationEndReason = 'requested' | 'idle';

/**
 * Ends a connected conversation, freeing its rep's capacity, and tells the rep's event stream why
 * (`conversation.ended`). Returns false when none was open.
 */
export async function endConversation(
  db: Db,
  routingId: string,
  endedAt: string,
  reason: ConversationEndReason,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const ended = await tx
      .updateTable('conversations')
      .set({ ended_at: endedAt })
      .where('routing_id', '=', routingId)
      .where('ended_at', 'is', null)
      .returning('rep_id')
      .executeTakeFirst();
    if (!ended) return false;
    await appendRepEvents(tx, [
      { repId: ended.rep_id, routingId, type: 'conversation.ended', data: { routingId, endedAt, reason } },
    ]);
    return true;
  });
}

/** One routing's check of one of its stages: whom it found and what the directory said of them then. */
export interface StageCheck {
  routingId: string;
  stage: string;
  source: StageSource;
  reps: StageCheckRep[];
  checkedAt: string;
}

/** Records a stage check; a retried activity's later check replaces the earlier one, as the routing used it. */
export async function recordStageCheck(db: Db, check: StageCheck): Promise<void> {
  const row = {
    source: JSON.stringify(check.source),
    reps: JSON.stringify(check.reps),
    checked_at: check.checkedAt,
  };
  await db
    .insertInto('routing_stage_checks')
    .values({ routing_id: check.routingId, stage: check.stage, ...row })
    .onConflict((oc) => oc.columns(['routing_id', 'stage']).doUpdateSet(row))
    .execute();
}
