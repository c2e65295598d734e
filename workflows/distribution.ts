// Offering a stage's reps, one strategy per distribution mode: all at once (first available), or one at a time in
// the weighted rotation (round robin) or least busy first. `distributionStrategies` is keyed by every mode, so a new
// mode does not compile without one.
import { CancellationScope, condition, patched, sleep } from '@temporalio/workflow';
import { offerExpiresAt } from '../domain/first-offers';
import { type RotationPeriod, type RotationTurn, rotationKey, rotationOrder } from '../domain/rotation';
import type { Candidate } from '../domain/routing';
import type { Distribution } from '../domain/rules';
import { routingActivities } from './activities';
import { offerInTurnAtOncePatch, rotationAtStartPatch, weightedRotationPatch } from './patches';
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
  distribution: Distribution;
  /** Round robin: the stage's weights by rep (absent: 1), and when the rotation's counts start again. */
  weights: Readonly<Record<string, number>>;
  rotationResets: RotationPeriod;
}

/** The stage's people as its own check found them. */
export interface StageToOffer {
  candidates: readonly Candidate[];
  /** The candidates who may be offered now, in order. */
  eligible: readonly string[];
  /**
   * beginRouting showed this stage's first offers already, made at the routing's start: to `eligible` (first
   * available), or to the first rep of `turnTaken` (round robin).
   */
  alreadyShown: boolean;
  /** Round robin: the rotation turn beginRouting took for the routing's first stage. */
  turnTaken?: RotationTurn;
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

/** How `offerAndWait` shows its offers and writes their outcome. */
interface Showing {
  /** An activity wrote the offers already, made at this instant: beginRouting (the routing's start) or the next turn. */
  shownAt?: string;
  /**
   * Asked once the offers closed with the routing still open (a decline or timeout): true leaves that outcome for
   * the next offer's write to carry.
   */
  outcomeWrittenLater?: () => boolean;
}

/** Offers `repIds` now (or as shown already) and waits until one accepts, all decline, the routing ends, or the timeout passes. */
async function offerAndWait(
  context: StageOffering,
  repIds: readonly string[],
  { shownAt, outcomeWrittenLater }: Showing = {},
): Promise<void> {
  const { record, projection } = context;
  for (const repId of repIds) context.tried.add(repId);
  // Offers an activity showed were made when it showed them, which is when they expire from.
  const offeredAt = shownAt ?? record.now();
  const offers = record.offer(
    { stage: context.stage, decidedBy: context.distribution },
    repIds,
    context.offerTimeoutMs,
    offeredAt,
  );
  const window = startOfferWindow(Math.max(1, Date.parse(offeredAt) + context.offerTimeoutMs - Date.now()));
  // Shown at once, by a local activity inside this workflow task. Should the task never complete (its worker
  // died), its retry decides the offers afresh and its write withdraws any it no longer makes; an accept is only
  // ever taken against offers the recorded history made.
  if (shownAt !== undefined) projection.markWritten();
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
  if (record.isOpen() && outcomeWrittenLater?.()) return;
  // Declines and timeouts are written now; an accept or a cancel is written by the API and the routing's final,
  // durable write.
  if (!record.endedByUpdate()) await projection.persist();
}

/** First available: every eligible rep at once; the first accept wins and the accept withdraws the rest. */
function offerAllAtOnce(context: StageOffering, { eligible, alreadyShown }: StageToOffer): Promise<void> {
  return offerAndWait(context, eligible, alreadyShown ? { shownAt: context.record.state.startedAt } : {});
}

/**
 * Offers `order`'s reps one at a time until one accepts or the routing ends: decline or timeout moves to the next.
 * The first follows the stage's own check at once (`firstShown`: beginRouting showed it already); each after it is
 * checked again just before its offer. Since patch `offer-in-turn-at-once`, that check, the offer and the last
 * offer's outcome are one local activity (`offerNextInTurn`); before, each was one of its own.
 */
async function offerOneAtATime(context: StageOffering, order: readonly string[], firstShown = false): Promise<void> {
  const { record, projection } = context;
  let atOnce = false;
  // Asked only once an offer closed with the routing open, so routings that connect at once carry no patch marker.
  const outcomeWrittenLater = () => {
    atOnce ||= patched(offerInTurnAtOncePatch);
    return atOnce;
  };
  let offered = false;
  for (let next = 0; next < order.length; next++) {
    const repId = order[next] as string;
    if (!record.isOpen()) break;
    if (context.tried.has(repId)) continue;
    if (offered && atOnce) {
      const shown = await offerNextInTurn(context, order.slice(next));
      if (!record.isOpen() || shown === undefined) break;
      next = order.indexOf(shown.repId);
      await offerAndWait(context, [shown.repId], { shownAt: shown.at, outcomeWrittenLater });
      continue;
    }
    if (offered) {
      const [now] = await routingActivities.resolveStage({
        target: { users: [repId], groups: [], allUsers: false },
        alreadyTried: [...context.tried],
        at: record.now(),
      });
      if (!record.isOpen()) break;
      if (!now?.eligible) {
        record.trace('offer.skipped', { stage: context.stage, repId, reason: now?.reason });
        continue;
      }
    }
    const shownAt = firstShown && !offered ? record.state.startedAt : undefined;
    offered = true;
    await offerAndWait(context, [repId], { ...(shownAt !== undefined && { shownAt }), outcomeWrittenLater });
  }
  // The last offer's outcome, left for a next offer there was none of.
  if (atOnce && !record.endedByUpdate()) await projection.persist();
}

/**
 * The first of `order` (untried reps, in turn) still eligible, offered with the last offer's outcome in one write;
 * those passed over are traced. Undefined when nobody was.
 */
async function offerNextInTurn(
  context: StageOffering,
  order: readonly string[],
): Promise<{ repId: string; at: string } | undefined> {
  const { record, projection } = context;
  const at = record.now();
  const repIds = order.filter((repId) => !context.tried.has(repId));
  const { passedOver, offered } = await projection.persistWith((unwritten) =>
    routingActivities.offerNextInTurn({
      unwritten,
      repIds,
      alreadyTried: [...context.tried],
      offer: {
        type: record.state.type,
        ruleId: context.ruleId,
        stage: context.stage,
        offeredAt: at,
        expiresAt: offerExpiresAt(at, context.offerTimeoutMs),
      },
    }),
  );
  for (const { userId, reason } of passedOver) {
    record.trace('offer.skipped', { stage: context.stage, repId: userId, reason });
  }
  return offered === undefined ? undefined : { repId: offered, at };
}

/**
 * Round robin: one rep at a time, first the one the weighted rotation of this rule and stage owes most
 * (domain/rotation.ts), then the others in the order they are owed. Only the first offer counts in the rotation.
 */
async function offerInTurn(context: StageOffering, stage: StageToOffer): Promise<void> {
  if (!patched(weightedRotationPatch)) return offerInPlainTurn(context, stage);
  const { record } = context;
  // The routing's first stage: beginRouting took the turn and showed its first offer. Routings started before it
  // did have no turn here, and take it now.
  const taken = stage.turnTaken && patched(rotationAtStartPatch) ? stage.turnTaken : undefined;
  const turn =
    taken ??
    (await routingActivities.takeWeightedTurn({
      rotationKey: rotationKey(context.ruleId, context.stage),
      routingId: record.state.routingId,
      period: context.rotationResets,
      at: record.now(),
      eligible: stage.eligible.map((repId) => ({ repId, weight: context.weights[repId] ?? 1 })),
    }));
  record.trace('round_robin.turn', {
    stage: context.stage,
    turn: turn.turn,
    resets: context.rotationResets,
    order: turn.order,
    shares: turn.shares,
  });
  await offerOneAtATime(context, turn.order, taken !== undefined && stage.alreadyShown);
}

/**
 * The plain rotation of routings started before weighted rotation: starting where the rotation has got to, over
 * everyone in the stage so positions stay stable, passing over those ineligible at the start of the stage.
 */
async function offerInPlainTurn(context: StageOffering, { candidates }: StageToOffer): Promise<void> {
  const { record } = context;
  const turn = await routingActivities.takeRoundRobinTurn({
    rotationKey: rotationKey(context.ruleId, context.stage),
    routingId: record.state.routingId,
  });
  record.trace('round_robin.turn', { stage: context.stage, turn });
  const order = rotationOrder(candidates, turn).filter((candidate) => candidate.eligible);
  await offerOneAtATime(
    context,
    order.map((candidate) => candidate.userId),
  );
}

/**
 * Least busy: one rep at a time, each time the eligible rep with the fewest open conversations for their capacity,
 * ties to the one idle longest (domain/rotation.ts), weighed again before every offer as loads change.
 */
async function offerLeastBusyFirst(context: StageOffering, { eligible }: StageToOffer): Promise<void> {
  const { record } = context;
  /** Reps the last ranking found no longer eligible: passed over in this stage, as round robin does. */
  const passedOver = new Set<string>();
  for (;;) {
    const untried = eligible.filter((repId) => !context.tried.has(repId) && !passedOver.has(repId));
    if (!record.isOpen() || untried.length === 0) return;
    const { candidates, order } = await routingActivities.rankLeastBusy({
      repIds: untried,
      alreadyTried: [...context.tried],
      at: record.now(),
    });
    if (!record.isOpen()) return;
    const skipped = candidates.filter((candidate) => !candidate.eligible);
    for (const candidate of skipped) passedOver.add(candidate.userId);
    record.trace('least_busy.ranked', {
      stage: context.stage,
      order,
      ...(skipped.length > 0 && { skipped: skipped.map(({ userId, reason }) => ({ repId: userId, reason })) }),
    });
    const next = order[0];
    if (!next) return;
    await offerAndWait(context, [next.repId]);
  }
}

export const distributionStrategies: Record<Distribution, DistributionStrategy> = {
  first_available: offerAllAtOnce,
  round_robin: offerInTurn,
  least_busy: offerLeastBusyFirst,
};
