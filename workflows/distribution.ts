// Offering a stage's reps: all at once (first available) or one at a time (round robin).
import { condition, patched } from '@temporalio/workflow';
import { routingActivities } from './activities';
import { DURABLE_OUTCOME_WRITE } from './patches';
import type { Persist } from './projection';
import type { RoutingRecord } from './routing/record';
import { rotationKey, rotationOrder } from './routing/rotation';
import type { Candidate } from './routing/types';
import { showOffers } from './visibility';

export interface StageOffering {
  record: RoutingRecord;
  persist: Persist;
  /** Reps already offered in this routing: never offered again. */
  tried: Set<string>;
  ruleId: string;
  stage: string;
  offerTimeoutMs: number;
}

/** Offers `repIds` now and waits until one accepts, all decline, the routing ends, or the timeout passes. */
async function offerAndWait(context: StageOffering, repIds: readonly string[]): Promise<void> {
  const { record, persist } = context;
  for (const repId of repIds) context.tried.add(repId);
  const offers = record.offer(context.stage, repIds, context.offerTimeoutMs);
  showOffers(record);
  const settled = () => !record.isOpen() || offers.every((offer) => offer.result !== 'pending');
  // The timer starts with the offer. Reps see the offer only once it is durable: the write that shows it is a
  // regular activity, which the server dispatches only after this workflow task is recorded. Shown any earlier, a
  // worker crash could leave a rep holding an offer the restarted routing never made (and refuses to accept).
  await Promise.all([persist({ afterDurable: true }), condition(settled, context.offerTimeoutMs)]);
  if (record.isOpen() && offers.some((offer) => offer.result === 'pending')) {
    for (const offer of offers) record.closeOffer(offer, 'timed_out');
    record.trace('offers.timed_out', { stage: context.stage, repIds: [...repIds] });
  }
  // Declines and timeouts are written now; an accept or a cancel is left to the routing's final, durable write.
  // Routings started before that change wrote it here at once, and replay the same way.
  if (!record.endedByUpdate() || !patched(DURABLE_OUTCOME_WRITE)) await persist();
}

/** First available: every eligible rep at once; the first accept wins and the accept withdraws the rest. */
export function offerAllAtOnce(context: StageOffering, eligible: readonly string[]): Promise<void> {
  return offerAndWait(context, eligible);
}

/**
 * Round robin: one rep at a time, starting where this rule and stage's rotation has got to. The rotation runs over
 * everyone in the stage so positions stay stable; those ineligible at the start of the stage are passed over, and
 * eligibility is checked again just before each offer.
 */
export async function offerInTurn(context: StageOffering, candidates: readonly Candidate[]): Promise<void> {
  const { record } = context;
  const turn = await routingActivities.takeRoundRobinTurn({
    rotationKey: rotationKey(context.ruleId, context.stage),
    routingId: record.state.routingId,
  });
  record.trace('round_robin.turn', { stage: context.stage, turn });
  for (const candidate of rotationOrder(candidates, turn)) {
    if (!record.isOpen()) return;
    if (!candidate.eligible || context.tried.has(candidate.userId)) continue;
    const [now] = await routingActivities.resolveStage({
      target: { users: [candidate.userId], groups: [], allUsers: false },
      alreadyTried: [...context.tried],
    });
    if (!record.isOpen()) return;
    if (!now?.eligible) {
      record.trace('offer.skipped', { stage: context.stage, repId: candidate.userId, reason: now?.reason });
      continue;
    }
    await offerAndWait(context, [candidate.userId]);
  }
}
