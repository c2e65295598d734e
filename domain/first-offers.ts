// Which offers a routing shows at its very start, and with what times. beginRouting shows them (activities/routing.ts)
// so a rep sees them one local activity sooner, and hands the workflow whom it showed (`RoutingStart.firstStage.shown`);
// the workflow then records those offers as made at the routing's start (workflows/distribution.ts).

import { eligibleRepIds, offerTimeoutMs } from './offers';
import type { Candidate } from './routing';
import type { Distribution, Rule } from './rules';

/**
 * Whether a mode's first stage is offered from the routing's start. First available offers everyone eligible at
 * once, so nothing is left to decide; round robin first takes its rotation's turn and least busy first weighs the
 * reps' loads, which are the workflow's to do. A map, so a new mode does not compile until it says.
 */
const shownAtStart: Record<Distribution, boolean> = { first_available: true, round_robin: false, least_busy: false };

export interface FirstOffer {
  repId: string;
  stage: string;
  offeredAt: string;
  expiresAt: string;
}

/** When an offer made at `offeredAt`, standing for `timeoutMs`, expires. */
export function offerExpiresAt(offeredAt: string, timeoutMs: number): string {
  return new Date(Date.parse(offeredAt) + timeoutMs).toISOString();
}

/**
 * The offers shown at the routing's start, `startedAt`, to the candidates of its first stage (one that names users,
 * resolved then): every eligible one when the rule offers everyone at once, else none. Made at the start and
 * expiring one offer timeout after it.
 */
export function firstOffersShownAtStart(
  rule: Pick<Rule, 'distribution' | 'offerTimeoutSeconds'>,
  stage: { name: string; candidates: readonly Candidate[] },
  startedAt: string,
): FirstOffer[] {
  if (!shownAtStart[rule.distribution]) return [];
  const expiresAt = offerExpiresAt(startedAt, offerTimeoutMs(rule));
  return eligibleRepIds(stage.candidates).map((repId) => ({
    repId,
    stage: stage.name,
    offeredAt: startedAt,
    expiresAt,
  }));
}
