// A rep as the domain's decisions see them: available for chat with no capacity, hours or caps, unless a test says
// otherwise; as a [id, user] entry for a DirectoryView's users map.
import type { User } from '../../domain/users';

export function directoryEntry(id: string, overrides: Partial<User> = {}): [string, User] {
  return [
    id,
    {
      id,
      name: id,
      email: `${id}@x.test`,
      chatUser: true,
      capacity: null,
      status: 'available',
      workingHours: null,
      dailyAcceptCap: null,
      awayAfterMissedOffers: null,
      ...overrides,
    },
  ];
}
