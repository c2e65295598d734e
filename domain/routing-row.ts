// A routing's row as stored (store/projection.ts), built by one function from the routing's state: for its first
// write, by beginRouting, and for every write of its workflow's projection.

import type { RoutingState } from './routing';

/** The routing row as its workflow last described it. */
export interface RoutingRow {
  type: string;
  visitorId: string;
  status: string;
  ruleId: string | null;
  repId: string | null;
  startedAt: string;
  endedAt: string | null;
  /** When the first offer was made. */
  firstOfferAt?: string | null;
  /** How many reps were eligible in the first offer's stage when it was made (fair shares of first offers). */
  firstOfferEligible?: number | null;
  /** When a rep accepted. */
  acceptedAt?: string | null;
  /** The rule-set version the routing matched against (what-if replays compare with it). */
  ruleSetVersion?: number | null;
}

/** A stage's eligible people, as its check found them. */
const eligibleCount = (stage: { readonly candidates: readonly { readonly eligible: boolean }[] }) =>
  stage.candidates.filter((candidate) => candidate.eligible).length;

export function routingRow(
  routing: Pick<RoutingState, 'type' | 'visitor' | 'status' | 'repId' | 'startedAt' | 'endedAt' | 'ruleSetVersion'> & {
    rule: { id: string } | null;
    offers: readonly { offeredAt: string; stage: string; result?: string; endedAt?: string | null }[];
    /** The stages as checked so far; without them (the offers shown at the start) everyone eligible was offered. */
    stages?: readonly { readonly name: string; readonly candidates: readonly { readonly eligible: boolean }[] }[];
  },
): RoutingRow {
  const first = routing.offers[0];
  const firstStage = first && routing.stages?.find((stage) => stage.name === first.stage);
  const firstOffered = first
    ? routing.offers.filter((offer) => offer.stage === first.stage && offer.offeredAt === first.offeredAt).length
    : 0;
  return {
    type: routing.type,
    visitorId: routing.visitor.id,
    status: routing.status,
    ruleId: routing.rule?.id ?? null,
    repId: routing.repId,
    startedAt: routing.startedAt,
    endedAt: routing.endedAt,
    firstOfferAt: first?.offeredAt ?? null,
    firstOfferEligible: first ? (firstStage ? eligibleCount(firstStage) : firstOffered) : null,
    acceptedAt: routing.offers.find((offer) => offer.result === 'accepted')?.endedAt ?? null,
    ruleSetVersion: routing.ruleSetVersion,
  };
}
