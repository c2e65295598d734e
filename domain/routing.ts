// The shapes a routing is described in: workflow input, live state (returned by the query and as the result),
// and the pieces activities hand back. Types only, shared by workflow, activities and API.
import type { Distribution, Rule, Target } from './rules';
import type { Visitor } from './visitor';

export type RoutingType = 'pounce' | 'inbound';

export type Outcome = 'connected' | 'meeting_booker' | 'no_rep' | 'no_match' | 'cancelled' | 'expired' | 'superseded';
export type RoutingStatus = 'routing' | Outcome;

/** Why a candidate may not be offered now, in the order they are checked (domain/eligibility.ts). */
export const ineligibleReasons = [
  'unknown_user',
  'not_chat_user',
  'no_working_hours',
  'already_tried',
  'away',
  'offline',
  'outside_hours',
  'at_capacity',
  'at_daily_cap',
] as const;
export type IneligibleReason = (typeof ineligibleReasons)[number];

export type OfferResult = 'pending' | 'accepted' | 'declined' | 'timed_out' | 'withdrawn';

export interface RoutingInput {
  routingId: string;
  type: RoutingType;
  experienceId?: string;
  visitor: Visitor;
}

/** Where a stage's people come from. */
export type StageSource =
  | { kind: 'outbound'; routeTo: Rule['outbound']['routeTo'] }
  | { kind: 'salesforce'; target: Rule['salesforce']['target']; teamRoles?: string[] }
  | { kind: 'users'; target: Target };

/** One stage of a rule's plan, before anyone is looked up. */
export interface PlannedStage {
  /** Stable label shown in offers and traces: `outbound`, `salesforce`, `route_to`, `fallback_1`, ... */
  name: string;
  source: StageSource;
}

export interface Candidate {
  /** The user's id; for a CRM or outbound person who is no user, their email. */
  userId: string;
  /** Set when the person came from an owner lookup by email. */
  email?: string;
  eligible: boolean;
  reason?: IneligibleReason;
}

export interface StageReport {
  name: string;
  startedAt: string;
  candidates: Candidate[];
  /** How an owner stage identified its people (`contact_email`, `account_domain`, `prospect`, ...). */
  identifiedBy?: string;
  /** Why nobody was offered in this stage, when nobody was. */
  skipped?: 'nobody_eligible';
}

export interface OfferReport {
  repId: string;
  stage: string;
  /** The distribution that chose this rep: the trace's `round_robin.turn` or `least_busy.ranked` says why. */
  decidedBy: Distribution;
  offeredAt: string;
  expiresAt: string;
  endedAt: string | null;
  result: OfferResult;
}

export interface TraceEntry {
  at: string;
  event: string;
  detail?: Record<string, unknown>;
}

export interface RoutingState {
  routingId: string;
  type: RoutingType;
  experienceId?: string;
  visitor: Visitor;
  status: RoutingStatus;
  startedAt: string;
  endedAt: string | null;
  rule: { id: string; name: string } | null;
  ruleSetVersion: number | null;
  stages: StageReport[];
  offers: OfferReport[];
  repId: string | null;
  meetingBooker: { userIds: string[] } | null;
  trace: TraceEntry[];
}

export interface RuleMatch {
  ruleSetVersion: number;
  rule: Rule | null;
}
