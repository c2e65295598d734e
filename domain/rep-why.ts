// Why a routing offered a rep its visitor, or why not, told from that routing's own recorded state (the one
// GET /v1/routings/{id} explains from) and nothing else, and holding nothing about any other rep.
import type { OfferResult, RoutingState, RoutingStatus } from './routing';
import type { Visitor } from './visitor';

/**
 * `offered`: the rep had an offer (its latest is `offer`). Otherwise the reason the stage that last named them
 * recorded: an eligibility reason as the workflow wrote it (`away`, `at_capacity`, `already_tried`, ... and any a
 * newer workflow adds), or `eligible_not_offered` (they were eligible, but the offer went to others first: a
 * rotation's turn, or someone accepted before their turn). Not named at all: `no_rule_matched`, or `not_named` (the
 * visitor's rule, `rule`, named them in none of the stages it reached, e.g. another rule caught the visitor).
 */
export type RepWhyCode = 'offered' | 'eligible_not_offered' | 'no_rule_matched' | 'not_named' | (string & {});

export interface RepWhy {
  code: RepWhyCode;
  /** The stage whose decision this is: the offer's stage, or the last stage that named the rep. */
  stage?: string;
  offer?: { result: OfferResult; offeredAt: string; expiresAt: string; endedAt: string | null };
}

/** What a rep is shown of a routing: its visitor by the facts they would recognise, never whom else it reached. */
export interface RepRoutingView {
  routingId: string;
  type: RoutingState['type'];
  /** The outcome says that someone connected, never who: `why` says whether it was this rep. */
  status: RoutingStatus;
  startedAt: string;
  endedAt: string | null;
  rule: { id: string; name: string } | null;
  /** Only these facts: the rest of a visitor may name other reps (an outbound email's sender). */
  visitor: Pick<Visitor, 'id' | 'name' | 'email' | 'company'>;
  why: RepWhy;
}

export function whyForRep(state: RoutingState, repId: string): RepWhy {
  // The latest is what the rep last saw: an offer of a later stage after one of an earlier stage.
  const offer = [...state.offers].reverse().find((candidate) => candidate.repId === repId);
  if (offer) {
    const { result, offeredAt, expiresAt, endedAt, stage } = offer;
    return { code: 'offered', stage, offer: { result, offeredAt, expiresAt, endedAt } };
  }
  const named = [...state.stages]
    .reverse()
    .find((stage) => stage.candidates.some((candidate) => candidate.userId === repId));
  const candidate = named?.candidates.find((each) => each.userId === repId);
  if (named && candidate) {
    return {
      code: candidate.eligible ? 'eligible_not_offered' : (candidate.reason ?? 'ineligible'),
      stage: named.name,
    };
  }
  return { code: state.rule === null ? 'no_rule_matched' : 'not_named' };
}

type RoutingFacts = Pick<RoutingState, 'routingId' | 'type' | 'status' | 'startedAt' | 'endedAt' | 'visitor'>;

function factsView({ routingId, type, status, startedAt, endedAt, visitor }: RoutingFacts) {
  const { id, name, email, company } = visitor;
  return {
    routingId,
    type,
    status,
    startedAt,
    endedAt,
    visitor: {
      id,
      ...(name !== undefined && { name }),
      ...(email !== undefined && { email }),
      ...(company !== undefined && { company }),
    },
  };
}

export function repRoutingView(state: RoutingState, repId: string): RepRoutingView {
  return {
    ...factsView(state),
    rule: state.rule && { id: state.rule.id, name: state.rule.name },
    why: whyForRep(state, repId),
  };
}

/** A routing whose recorded explanation is gone (Temporal keeps closed histories for its retention): its row only. */
export function unexplainedRoutingView(routing: RoutingFacts): RepRoutingView {
  return { ...factsView(routing), rule: null, why: { code: 'not_recorded' } };
}
