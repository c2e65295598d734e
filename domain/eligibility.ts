// Pure eligibility: given the people a stage names and what the directory says about them, who may be offered.

import type { Candidate } from './routing';
import type { User } from './users';

export interface DirectoryView {
  users: ReadonlyMap<string, User>;
  /** Open conversations per rep; absent means none. */
  activeConversations: ReadonlyMap<string, number>;
}

/** A rep is eligible when a chat user, available, under capacity, and not already tried in this routing. */
export function assessCandidate(
  userId: string,
  directory: DirectoryView,
  alreadyTried: ReadonlySet<string>,
): Candidate {
  const user = directory.users.get(userId);
  const reason = !user
    ? 'unknown_user'
    : !user.chatUser
      ? 'not_chat_user'
      : alreadyTried.has(userId)
        ? 'already_tried'
        : user.status === 'away'
          ? 'away'
          : user.status === 'offline'
            ? 'offline'
            : user.capacity !== null && (directory.activeConversations.get(userId) ?? 0) >= user.capacity
              ? 'at_capacity'
              : undefined;
  return reason ? { userId, eligible: false, reason } : { userId, eligible: true };
}

export function assessCandidates(
  userIds: readonly string[],
  directory: DirectoryView,
  alreadyTried: ReadonlySet<string>,
): Candidate[] {
  return userIds.map((userId) => assessCandidate(userId, directory, alreadyTried));
}
