// Offering a stage's reps, one strategy per distribution mode: all at once (first available) or one at a time
// (round robin). `distributionStrategies` is keyed by every mode, so a new mode does not compile without one.
import { CancellationScope, condition, sleep } from '@temporalio/workflow';
import { rotationKey, rotationOrder } from '../domain/rotation';
import type { Candidate } from '../domain/routing';
import type { Distribution } from '../domain/rules';
import { routingActivities } from './activities';
import type { Projection } from './projection';
import type { RoutingRecord } from './routing-record';

export interface StageOffering {
  record: RoutingRecord;
  projection: Projection;
  /** Reps already offered in this routing: never offered again. */
  tried: Set<string>;
  ruleId: string;
  stage: string;
  offerTimeoutMs: number;
}

/** The stage's people as its own check found them. */
export interface StageToOffer {
  candidates: readonly Candidate[];
  /** The candidates who may be offered now, in order. */
  eligible: readonly string[];
  /** beginRouting showed offers to `eligible` already, made at the routing's start. */
  alreadyShown: boolean;
}

/** Offers a stage's reps and returns once one accepted, the routing ended, or the stage is done with. */
export type DistributionStrategy = (context: StageOffering, stage: StageToOffer) => Promise<void>;

/**
 * The offer's durable timer. Left running when the routing ends: a workflow that completes drops it, which costs
 * no history event, where cancelling it costs one. Closed only when the routing goes on (everyone declined), so it
 * cannot wake a later stage.
 */
function startOfferWindow(timeoutMs: number) {
  const scope = new CancellationScope();
  const window = { expired: false, close: () => scope.cancel() };
  void scope
    .run(() => sleep(timeoutMs))
    .then(
      () => {
        window.expired = true;
      },
      () => undefined, // closed
    );
  return window;
}

/**
 * Offers `repIds` now and waits until one accepts, all decline, the routing ends, or the timeout passes.
 * `alreadyShown`: beginRouting wrote these offers already, made at the routing's start.
 */
async function offerAndWait(context: StageOffering, repIds: readonly string[], alreadyShown = false): Promise<void> {
  const { record, projection } = context;
  for (const repId of repIds) context.tried.add(repId);
  // Offers beginRouting showed were made at the routing's start, which is when they expire from.
  const offeredAt = alreadyShown ? record.state.startedAt : record.now();
  const offers = record.offer(context.stage, repIds, context.offerTimeoutMs, offeredAt);
  const window = startOfferWindow(Math.max(1, Date.parse(offeredAt) + context.offerTimeoutMs - Date.now()));
  // Shown at once, by a local activity inside this workflow task. Should the task never complete (its worker
  // died), its retry decides the offers afresh and its write withdraws any it no longer makes; an accept is only
  // ever taken against offers the recorded history made.
  if (alreadyShown) projection.markWritten();
  else await projection.persist();
  const settled = () => offers.every((offer) => offer.result !== 'pending');
  record.beginAwaitingAnswers();
  await condition(() => !record.isOpen() || settled() || window.expired);
  record.endAwaitingAnswers();
  if (record.isOpen() && !settled()) {
    for (const offer of offers) record.closeOffer(offer.repId, 'timed_out');
    record.trace('offers.timed_out', { stage: context.stage, repIds: [...repIds] });
  } else if (record.isOpen()) {
    window.close();
  }
  // Declines and timeouts are written now; an accept or a cancel is written by the API and the routing's final,
  // durable write.
  if (!record.endedByUpdate()) await projection.persist();
}

/** First available: every eligible rep at once; the first accept wins and the accept withdraws the rest. */
function offerAllAtOnce(context: StageOffering, { eligible, alreadyShown }: StageToOffer): Promise<void> {
  return offerAndWait(context, eligible, alreadyShown);
}

/**
 * Round robin: one rep at a time, starting where this rule and stage's rotation has got to. The rotation runs over
 * everyone in the stage so positions stay stable; those ineligible at the start of the stage are passed over, and
 * eligibility is checked again before each offer after the first (the first follows the stage's own check at once).
 */
async function offerInTurn(context: StageOffering, { candidates }: StageToOffer): Promise<void> {
  const { record } = context;
  const turn = await routingActivities.takeRoundRobinTurn({
    rotationKey: rotationKey(context.ruleId, context.stage),
    routingId: record.state.routingId,
  });
  record.trace('round_robin.turn', { stage: context.stage, turn });
  let offered = false;
  for (const candidate of rotationOrder(candidates, turn)) {
    if (!record.isOpen()) return;
    if (!candidate.eligible || context.tried.has(candidate.userId)) continue;
    if (offered) {
      const [now] = await routingActivities.resolveStage({
        target: { users: [candidate.userId], groups: [], allUsers: false },
        alreadyTried: [...context.tried],
      });
      if (!record.isOpen()) return;
      if (!now?.eligible) {
        record.trace('offer.skipped', { stage: context.stage, repId: candidate.userId, reason: now?.reason });
        continue;
      }
    }
    offered = true;
    await offerAndWait(context, [candidate.userId]);
  }
}

export const distributionStrategies: Record<Distribution, DistributionStrategy> = {
  first_available: offerAllAtOnce,
  round_robin: offerInTurn,
};
