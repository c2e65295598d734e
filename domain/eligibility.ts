// Pure eligibility: given the people a stage names and what the directory says about them, who may be offered.

import type { Candidate, IneligibleReason } from './routing';
import type { User } from './users';
import { availabilityAt, type HoursAvailability, type WorkingHours } from './working-hours';

/** What eligibility reads of a user: a what-if replays it as a routing recorded it (domain/what-if.ts). */
export type Presence = Pick<User, 'chatUser' | 'status' | 'capacity' | 'dailyAcceptCap'>;

export interface DirectoryView {
  users: ReadonlyMap<string, Presence>;
  /** Open conversations per rep; absent means none. */
  activeConversations: ReadonlyMap<string, number>;
  /** The working hours that apply to each rep (their own, else their groups'); absent or empty means always. */
  workingHours: ReadonlyMap<string, readonly WorkingHours[]>;
  /** Offers each rep with a daily cap accepted since their local day began; absent means none. */
  acceptedToday: ReadonlyMap<string, number>;
  /** The instant eligibility is judged at: the routing workflow's clock. */
  at: string;
  /**
   * Reps whose standing against their working hours at `at` is already known, instead of judging `workingHours`:
   * a what-if replays what a routing's stage check recorded (domain/what-if.ts).
   */
  hoursAt?: ReadonlyMap<string, HoursAvailability>;
}

/**
 * A rep is eligible when a chat user with working hours at all, not already tried in this routing, available,
 * within working hours, under capacity and under their daily cap. The first reason that applies is the one given.
 */
export function assessCandidate(
  userId: string,
  directory: DirectoryView,
  alreadyTried: ReadonlySet<string>,
): Candidate {
  const reason = ineligibility(userId, directory, alreadyTried);
  return reason ? { userId, eligible: false, reason } : { userId, eligible: true };
}

function ineligibility(
  userId: string,
  directory: DirectoryView,
  alreadyTried: ReadonlySet<string>,
): IneligibleReason | undefined {
  const user = directory.users.get(userId);
  if (!user) return 'unknown_user';
  if (!user.chatUser) return 'not_chat_user';
  // Before the passing states, so that the meeting booker can leave out reps who never work (meetingBookerUserIds).
  const hours =
    directory.hoursAt?.get(userId) ?? availabilityAt(directory.workingHours.get(userId) ?? [], directory.at);
  if (hours === 'no_working_hours') return hours;
  if (alreadyTried.has(userId)) return 'already_tried';
  if (user.status !== 'available') return user.status;
  if (hours === 'outside_hours') return hours;
  if (user.capacity !== null && (directory.activeConversations.get(userId) ?? 0) >= user.capacity) return 'at_capacity';
  if (user.dailyAcceptCap !== null && (directory.acceptedToday.get(userId) ?? 0) >= user.dailyAcceptCap) {
    return 'at_daily_cap';
  }
  return undefined;
}

export function assessCandidates(
  userIds: readonly string[],
  directory: DirectoryView,
  alreadyTried: ReadonlySet<string>,
): Candidate[] {
  return userIds.map((userId) => assessCandidate(userId, directory, alreadyTried));
}
