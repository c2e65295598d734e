// Which offers a routing shows at its very start, and with what times. beginRouting shows them (activities/routing.ts)
// so a rep sees them in the routing's first local activity, and hands the workflow whom it showed
// (`RoutingStart.firstStage.shown`); the workflow then records those offers as made at the routing's start
// (workflows/distribution.ts).

import { eligibleRepIds, offerTimeoutMs } from './offers';
import type { Candidate } from './routing';
import type { Distribution, Rule } from './rules';

/**
 * Whom a mode's first stage offers from the routing's start. First available offers everyone eligible at once;
 * round robin the rep its rotation's turn puts first, the turn being taken in the same local activity; least busy
 * first weighs the reps' loads, which is the workflow's to do. A map, so a new mode does not compile until it says.
 */
const shownAtStart: Record<Distribution, 'everyone' | 'first_in_turn' | 'nobody'> = {
  first_available: 'everyone',
  round_robin: 'first_in_turn',
  least_busy: 'nobody',
};

/** Whether the routing's start takes the first stage's rotation turn, to show that turn's first offer. */
export function takesTurnAtStart(rule: Pick<Rule, 'distribution'>): boolean {
  return shownAtStart[rule.distribution] === 'first_in_turn';
}

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
 * resolved then): every eligible one when the rule offers everyone at once, the first of `turnOrder` (the turn taken
 * at the start) when it offers in turn, else none. Made at the start and expiring one offer timeout after it.
 */
export function firstOffersShownAtStart(
  rule: Pick<Rule, 'distribution' | 'offerTimeoutSeconds'>,
  stage: { name: string; candidates: readonly Candidate[] },
  startedAt: string,
  turnOrder: readonly string[] = [],
): FirstOffer[] {
  const shown = {
    everyone: () => eligibleRepIds(stage.candidates),
    first_in_turn: () => turnOrder.slice(0, 1),
    nobody: () => [],
  }[shownAtStart[rule.distribution]]();
  const expiresAt = offerExpiresAt(startedAt, offerTimeoutMs(rule));
  return shown.map((repId) => ({
    repId,
    stage: stage.name,
    offeredAt: startedAt,
    expiresAt,
  }));
}
