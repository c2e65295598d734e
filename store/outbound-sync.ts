// Pages synced from Outreach and Salesloft, written inside the sync page's transaction (store/connection-sync.ts
// `commitSyncPage`): users (owner ids to emails) and prospects (routed on by the outbound stage), and the removal of
// records a full re-sync no longer found at the provider.
import type { Transaction } from 'kysely';
import type { OutboundProvider } from '../domain/integrations';
import { slices } from './batching';
import { recordIdsOwnedBy, type TrackedRecord, unseenRecordIds, untrackRecords } from './connection-sync';
import { type Db, retryOnConflict } from './database';
import { emailsById } from './emails-by-id';
import { removeProspectsBySource, type SyncedProspect, writeProspects } from './integrations';
import type { Database, OutboundUsersTable } from './schema';
import { inKeyOrder, upsertRows } from './upsert-rows';

type Tx = Transaction<Database>;

export interface SyncedUser {
  id: string;
  email: string | null;
}

export interface SyncedProspectRecord {
  id: string;
  email: string | null;
  ownerId: string | null;
}

function storedUserEmails(tx: Tx, provider: OutboundProvider, ids: readonly string[]) {
  return emailsById(ids, (slice) =>
    tx
      .selectFrom('outbound_users')
      .select(['user_id as id', 'email'])
      .where('provider', '=', provider)
      .where('user_id', 'in', slice)
      .execute(),
  );
}

/**
 * Upserts a page of users. A user whose email changed takes their prospects with them (re-pointed through the
 * owner ids the connection tracked); a user without an email is removed, since no rep can be found for them.
 */
export async function writeOutboundUsers(
  tx: Tx,
  page: { connectionId: string; provider: OutboundProvider; prospectsObject: string },
  users: readonly SyncedUser[],
): Promise<TrackedRecord[]> {
  const { provider } = page;
  const now = new Date().toISOString();
  const unique = [...new Map(users.map((user) => [user.id, user])).values()];
  const before = await storedUserEmails(
    tx,
    provider,
    unique.map((user) => user.id),
  );
  // In key order, so the prospects of users whose email changed are re-pointed in the order the users are locked.
  const rows: OutboundUsersTable[] = inKeyOrder(
    unique.flatMap((user) => (user.email ? [{ provider, user_id: user.id, email: user.email, updated_at: now }] : [])),
    (row) => row.user_id,
  );
  const withoutEmail = unique.filter((user) => !user.email).map((user) => user.id);
  for (const ids of slices(withoutEmail)) {
    await tx.deleteFrom('outbound_users').where('provider', '=', provider).where('user_id', 'in', ids).execute();
  }
  await upsertRows(tx, 'outbound_users', rows, {
    conflict: ['provider', 'user_id'],
    update: ['email', 'updated_at'],
    key: (row) => row.user_id,
  });
  for (const row of rows) {
    const previous = before.get(row.user_id);
    if (previous === undefined || previous === row.email) continue;
    const owned = await recordIdsOwnedBy(tx, page.connectionId, page.prospectsObject, [row.user_id]);
    for (const ids of slices(owned)) {
      await tx
        .updateTable('outbound_prospects')
        .set({ owner_email: row.email, updated_at: now })
        .where('provider', '=', provider)
        .where('source_id', 'in', ids)
        .execute();
    }
  }
  return unique.map((user) => ({ id: user.id }));
}

/**
 * Upserts a page of prospects with their owner's email (from the users synced before them). One without an email
 * or without an owner with an email cannot route anyone: any row it had is removed. All are tracked as seen.
 */
export async function writeOutboundProspects(
  tx: Tx,
  provider: OutboundProvider,
  records: readonly SyncedProspectRecord[],
): Promise<{ tracked: TrackedRecord[]; stored: number; removed: number }> {
  const owners = await storedUserEmails(
    tx,
    provider,
    records.flatMap((record) => (record.ownerId ? [record.ownerId] : [])),
  );
  const routable: SyncedProspect[] = [];
  const unroutable: string[] = [];
  for (const record of records) {
    const ownerEmail = record.ownerId ? owners.get(record.ownerId) : undefined;
    if (record.email && ownerEmail) routable.push({ sourceId: record.id, email: record.email, ownerEmail });
    else unroutable.push(record.id);
  }
  const removed = await removeProspectsBySource(tx, provider, unroutable);
  const stored = await writeProspects(tx, provider, routable);
  const tracked = records.map((record) => ({ id: record.id, ...(record.ownerId && { ownerId: record.ownerId }) }));
  return { tracked, stored, removed };
}

export interface OutboundObjectOf {
  connectionId: string;
  provider: OutboundProvider;
  object: string;
  isUsers: boolean;
}

/** Removes users or prospects the connection synced, with their rows, in the caller's transaction. */
export async function removeOutboundRecords(tx: Tx, page: OutboundObjectOf, ids: readonly string[]): Promise<void> {
  await untrackRecords(tx, page.connectionId, page.object, ids);
  if (!page.isUsers) {
    await removeProspectsBySource(tx, page.provider, ids);
    return;
  }
  for (const slice of slices(ids)) {
    await tx.deleteFrom('outbound_users').where('provider', '=', page.provider).where('user_id', 'in', slice).execute();
  }
}

/** After a full re-sync: removes the users or prospects the run `runId` did not see (gone at the provider). */
export async function removeUnseenOutboundRecords(db: Db, page: OutboundObjectOf & { runId: string }): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await unseenRecordIds(db, page.connectionId, page.object, page.runId, 500);
    if (ids.length === 0) return total;
    await retryOnConflict(() => db.transaction().execute((tx) => removeOutboundRecords(tx, page, ids)));
    total += ids.length;
  }
}
