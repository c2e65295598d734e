// Pure: what a routing ends as when every stage has passed without an accept.
import type { Candidate, Outcome, RoutingType } from './routing';

export interface Unanswered {
  type: RoutingType;
  meetingBookerEnabled: boolean;
  /** People of the first planned stage (known users, eligible or not): who the booker offers meetings with. */
  firstStageUserIds: readonly string[];
  anyOfferMade: boolean;
}

export function outcomeWithoutAccept(routing: Unanswered): { outcome: Outcome; meetingBookerUserIds?: string[] } {
  if (routing.type === 'pounce') return { outcome: routing.anyOfferMade ? 'expired' : 'no_rep' };
  if (routing.meetingBookerEnabled && routing.firstStageUserIds.length > 0) {
    return { outcome: 'meeting_booker', meetingBookerUserIds: [...routing.firstStageUserIds] };
  }
  return { outcome: 'no_rep' };
}

/**
 * Who a meeting booker lists from a stage's candidates: known users who have working hours at all (a rep with none
 * configured counts as always working).
 */
export function bookableUserIds(candidates: readonly Candidate[]): string[] {
  return candidates
    .filter((candidate) => candidate.reason !== 'unknown_user' && candidate.reason !== 'no_working_hours')
    .map((candidate) => candidate.userId);
}
