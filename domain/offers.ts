// Pure offer rules shared by the workflow and the activity that shows a routing's first offers, so both make the
// same offers to the same reps with the same times.

import type { Candidate, RoutingType } from './routing';
import type { Rule } from './rules';

/** One offer as stored: the visitor is not repeated in it, it is stored once on the routing's row. */
export interface OfferRecord {
  routingId: string;
  repId: string;
  routingType: string;
  ruleId: string;
  stage: string;
  offeredAt: string;
  expiresAt: string;
}

/** How long a rule's offers stand, in milliseconds (at least one). */
export function offerTimeoutMs(rule: Pick<Rule, 'offerTimeoutSeconds'>): number {
  return Math.max(1, Math.round(rule.offerTimeoutSeconds * 1000));
}

/** Whom a stage offers at once: every eligible candidate. */
export function eligibleRepIds(candidates: readonly Candidate[]): string[] {
  return candidates.filter((candidate) => candidate.eligible).map((candidate) => candidate.userId);
}

/** The stored form of one offer. */
export function offerRecord(
  routing: { routingId: string; type: RoutingType; ruleId: string },
  offer: { repId: string; stage: string; offeredAt: string; expiresAt: string },
): OfferRecord {
  return {
    routingId: routing.routingId,
    repId: offer.repId,
    routingType: routing.type,
    ruleId: routing.ruleId,
    stage: offer.stage,
    offeredAt: offer.offeredAt,
    expiresAt: offer.expiresAt,
  };
}
