// Reps and groups: who can be offered a conversation, and how they are grouped.
import type { Selectable } from 'kysely';
import type { Target } from '../domain/rules';
import type { Group, GroupInput, PresenceStatus, User, UserInput } from '../domain/users';
import type { WorkingHours } from '../domain/working-hours';
import { rowChunks, slices } from './batching';
import { byteOrder, type Db, isPostgres, retryOnConflict } from './database';
import { ConflictError, UnknownReferenceError } from './errors';
import { appendRepEvents } from './rep-events';
import type { UsersTable } from './schema';
import { recordWebhookDeliveries } from './webhooks';

const parseHours = (json: string | null): WorkingHours | null => (json === null ? null : JSON.parse(json));
const hoursColumn = (hours: WorkingHours | null) => (hours === null ? null : JSON.stringify(hours));

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    chatUser: row.chat_user === 1,
    capacity: row.capacity,
    status: row.status as PresenceStatus,
    workingHours: parseHours(row.working_hours),
    dailyAcceptCap: row.daily_accept_cap,
    awayAfterMissedOffers: row.away_after_missed_offers,
  };
}

/** Creates or replaces a user. Refuses an email that another user already has. */
export async function putUser(db: Db, id: string, input: UserInput): Promise<{ user: User; created: boolean }> {
  const emailKey = input.email.toLowerCase();
  // A concurrent write of the same id or email makes the insert fail; run again, it sees that write and updates the
  // user or refuses the email.
  return retryOnConflict(() =>
    db.transaction().execute(async (tx) => {
      const holder = await tx.selectFrom('users').select('id').where('email_key', '=', emailKey).executeTakeFirst();
      if (holder && holder.id !== id) {
        throw new ConflictError('duplicate_email', `email ${input.email} already belongs to user ${holder.id}`);
      }
      const existing = await tx.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
      const row = {
        id,
        name: input.name,
        email: input.email,
        email_key: emailKey,
        chat_user: input.chatUser ? 1 : 0,
        capacity: input.capacity,
        status: input.status,
        updated_at: new Date().toISOString(),
        working_hours: hoursColumn(input.workingHours),
        daily_accept_cap: input.dailyAcceptCap,
        away_after_missed_offers: input.awayAfterMissedOffers,
        // A replaced rep starts counting missed offers afresh.
        missed_offers_in_row: 0,
      };
      if (existing) await tx.updateTable('users').set(row).where('id', '=', id).execute();
      else await tx.insertInto('users').values(row).execute();
      return { user: toUser(row), created: !existing };
    }),
  );
}

export async function getUser(db: Db, id: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy(byteOrder(db, 'id')).execute();
  return rows.map(toUser);
}

/** Deletes the user, takes them out of every group and revokes their tokens. Returns false when there was no such user. */
export async function deleteUser(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    // The user first: on PostgreSQL this waits for a putGroup that has locked the user as a member, so the next
    // statement sees (and removes) the membership it added.
    const result = await tx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    await tx.deleteFrom('group_members').where('user_id', '=', id).execute();
    await tx.deleteFrom('rep_tokens').where('user_id', '=', id).execute();
    return result.numDeletedRows > 0n;
  });
}

/**
 * Sets the rep's availability and tells their event stream and subscribed webhooks, in one transaction. Returns the
 * new webhook deliveries, for the caller to start.
 */
export async function setPresence(
  db: Db,
  id: string,
  status: PresenceStatus,
): Promise<{ user: User; webhookDeliveryIds: string[] } | undefined> {
  const webhookDeliveryIds = await db.transaction().execute(async (tx) => {
    const result = await tx
      .updateTable('users')
      // Whatever the rep now says, they start counting missed offers afresh (store/missed-offers.ts).
      .set({ status, updated_at: new Date().toISOString(), missed_offers_in_row: 0 })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) return undefined;
    const deliveryIds = await recordWebhookDeliveries(tx, [{ type: 'presence.changed', data: { repId: id, status } }]);
    await appendRepEvents(tx, [{ repId: id, type: 'presence.changed', data: { status } }]);
    return deliveryIds;
  });
  if (webhookDeliveryIds === undefined) return undefined;
  const user = await getUser(db, id);
  return user && { user, webhookDeliveryIds };
}

/** Creates or replaces a group; every member must be an existing user. */
export async function putGroup(db: Db, id: string, input: GroupInput): Promise<{ group: Group; created: boolean }> {
  const members = [...new Set(input.members)];
  return retryOnConflict(() =>
    db.transaction().execute(async (tx) => {
      // On PostgreSQL, lock the members against deletion until this commits: a concurrent deleteUser would otherwise
      // miss the rows inserted below and leave them naming no user. SQLite runs the two one after the other.
      const knownIds = new Set<string>();
      for (const slice of slices(members)) {
        const known = await tx
          .selectFrom('users')
          .select('id')
          .where('id', 'in', slice)
          .$if(isPostgres(tx), (query) => query.forKeyShare())
          .execute();
        for (const row of known) knownIds.add(row.id);
      }
      const unknown = members.filter((member) => !knownIds.has(member));
      if (unknown.length > 0) throw new UnknownReferenceError('members', unknown);
      const existing = await tx.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst();
      const columns = { name: input.name, working_hours: hoursColumn(input.workingHours) };
      if (existing) {
        await tx.updateTable('groups').set(columns).where('id', '=', id).execute();
        await tx.deleteFrom('group_members').where('group_id', '=', id).execute();
      } else {
        await tx
          .insertInto('groups')
          .values({ id, ...columns })
          .execute();
      }
      const rows = members.map((userId, position) => ({ group_id: id, user_id: userId, position }));
      for (const chunk of rowChunks(rows)) await tx.insertInto('group_members').values(chunk).execute();
      return { group: { id, name: input.name, members, workingHours: input.workingHours }, created: !existing };
    }),
  );
}

export async function getGroup(db: Db, id: string): Promise<Group | undefined> {
  const group = await db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!group) return undefined;
  const members = await db
    .selectFrom('group_members')
    .select('user_id')
    .where('group_id', '=', id)
    .orderBy('position')
    .execute();
  return {
    id: group.id,
    name: group.name,
    members: members.map((row) => row.user_id),
    workingHours: parseHours(group.working_hours),
  };
}

export async function listGroups(db: Db): Promise<Group[]> {
  const groups = await db.selectFrom('groups').selectAll().orderBy(byteOrder(db, 'id')).execute();
  const members = await db.selectFrom('group_members').selectAll().orderBy('position').execute();
  return groups.map((group) => ({
    id: group.id,
    name: group.name,
    members: members.filter((row) => row.group_id === group.id).map((row) => row.user_id),
    workingHours: parseHours(group.working_hours),
  }));
}

export async function deleteGroup(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('groups').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ids of the groups that exist among `ids`. */
export async function existingGroupIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const slice of slices(ids)) {
    for (const row of await db.selectFrom('groups').select('id').where('id', 'in', slice).execute()) found.add(row.id);
  }
  return found;
}

/** Ids of the users that exist among `ids`. */
export async function existingUserIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const slice of slices(ids)) {
    for (const row of await db.selectFrom('users').select('id').where('id', 'in', slice).execute()) found.add(row.id);
  }
  return found;
}

/** Everyone a target names, in order and once each: its users, then its groups' members, then every chat user. */
export async function targetUserIds(db: Db, target: Target): Promise<string[]> {
  const ids = [...target.users];
  for (const groups of slices(target.groups)) {
    const members = await db
      .selectFrom('group_members')
      .select(['group_id', 'user_id'])
      .where('group_id', 'in', groups)
      .orderBy('position')
      .execute();
    for (const groupId of groups) {
      for (const row of members) if (row.group_id === groupId) ids.push(row.user_id);
    }
  }
  if (target.allUsers) {
    const everyone = await db
      .selectFrom('users')
      .select('id')
      .where('chat_user', '=', 1)
      .orderBy(byteOrder(db, 'id'))
      .execute();
    ids.push(...everyone.map((row) => row.id));
  }
  return [...new Set(ids)];
}

/** User ids keyed by lower-cased email, for people named by CRM and outbound records. */
export async function userIdsByEmail(db: Db, emails: readonly string[]): Promise<Map<string, string>> {
  const keys = [...new Set(emails.map((email) => email.toLowerCase()))];
  const found = new Map<string, string>();
  for (const slice of slices(keys)) {
    const rows = await db.selectFrom('users').select(['id', 'email_key']).where('email_key', 'in', slice).execute();
    for (const row of rows) found.set(row.email_key, row.id);
  }
  return found;
}

export async function usersByIds(db: Db, ids: readonly string[]): Promise<Map<string, User>> {
  const found = new Map<string, User>();
  for (const slice of slices(ids)) {
    for (const row of await db.selectFrom('users').selectAll().where('id', 'in', slice).execute()) {
      found.set(row.id, toUser(row));
    }
  }
  return found;
}

/**
 * The working hours that apply to each of `users`: their own, else those of every group of theirs that has hours.
 * A rep with neither is absent (always available).
 */
export async function workingHoursByUser(
  db: Db,
  users: ReadonlyMap<string, User>,
): Promise<Map<string, WorkingHours[]>> {
  const found = new Map<string, WorkingHours[]>();
  const withoutOwn: string[] = [];
  for (const user of users.values()) {
    if (user.workingHours) found.set(user.id, [user.workingHours]);
    else withoutOwn.push(user.id);
  }
  for (const slice of slices(withoutOwn)) {
    const rows = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.working_hours'])
      .where('group_members.user_id', 'in', slice)
      .where('groups.working_hours', 'is not', null)
      .orderBy('groups.id')
      .execute();
    for (const row of rows) {
      const hours = parseHours(row.working_hours);
      if (hours) found.set(row.user_id, [...(found.get(row.user_id) ?? []), hours]);
    }
  }
  return found;
}
