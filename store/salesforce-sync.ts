// A Salesforce connection's pages, written to the tables the owner stages read (store/integrations.ts): owner and
// team-member ids become emails through the org's synced users, deletions remove rows, and each page commits with
// its cursor (store/connection-sync.ts).
import type { AccountTeamMember, SalesforceSync } from '../domain/integrations';
import type { SalesforcePage } from '../domain/salesforce-records';
import { slices } from './batching';
import {
  commitSyncPage,
  recordIdsOwnedBy,
  type SyncCursor,
  type TrackedRecord,
  type Tx,
  unseenRecordIds,
  untrackRecords,
} from './connection-sync';
import type { Db } from './database';
import { emailsById } from './emails-by-id';
import { upsertSalesforceIn } from './integrations';
import type { ConnectionRecordsTable } from './schema';

type SalesforceObject = SalesforcePage['object'];

const teamMemberKey = (accountId: string, email: string) => `${accountId}\n${email.toLowerCase()}`;

/** The emails of the org's synced users among `ids`: owner and team-member ids to the emails reps are matched by. */
export async function userEmails(
  tx: Db | Tx,
  connectionId: string,
  ids: Iterable<string | null>,
): Promise<Map<string, string>> {
  return emailsById(ids, (slice) =>
    tx
      .selectFrom('salesforce_users')
      .select(['id', 'email'])
      .where('connection_id', '=', connectionId)
      .where('id', 'in', slice)
      .execute(),
  );
}

/** Removes the stored rows of records that left routing: by id, or for team members by their store key. */
async function deleteStoredRows(
  tx: Tx,
  object: SalesforceObject,
  ids: readonly string[],
  storeKeys: readonly string[],
) {
  const table =
    object === 'Contact'
      ? 'salesforce_contacts'
      : object === 'Lead'
        ? 'salesforce_leads'
        : object === 'Account'
          ? 'salesforce_accounts'
          : undefined;
  // An account's domains go with it (foreign key, on delete cascade).
  if (table) for (const slice of slices(ids)) await tx.deleteFrom(table).where('id', 'in', slice).execute();
  if (object !== 'AccountTeamMember') return;
  for (const key of storeKeys) {
    const [accountId, emailKey] = key.split('\n');
    if (accountId === undefined || emailKey === undefined) continue;
    await tx
      .deleteFrom('salesforce_account_team_members')
      .where('account_id', '=', accountId)
      .where('user_email_key', '=', emailKey)
      .execute();
  }
}

const storedRowsOf = (tx: Tx, object: SalesforceObject, rows: readonly ConnectionRecordsTable[]) =>
  deleteStoredRows(
    tx,
    object,
    rows.map((row) => row.record_id),
    rows.flatMap((row) => (row.store_key === null ? [] : [row.store_key])),
  );

/** Users: their emails stored, and the records of a user whose email changed re-pointed at the new one. */
async function applyUsers(tx: Tx, connectionId: string, users: Extract<SalesforcePage, { object: 'User' }>['records']) {
  const now = new Date().toISOString();
  const withEmail = users.filter((user): user is { id: string; email: string } => user.email !== null);
  const before = await userEmails(
    tx,
    connectionId,
    withEmail.map((user) => user.id),
  );
  for (const user of withEmail) {
    await tx
      .insertInto('salesforce_users')
      .values({ connection_id: connectionId, id: user.id, email: user.email, updated_at: now })
      .onConflict((oc) => oc.columns(['connection_id', 'id']).doUpdateSet({ email: user.email, updated_at: now }))
      .execute();
  }
  const changed = withEmail.filter((user) => before.has(user.id) && before.get(user.id) !== user.email);
  for (const user of changed) {
    for (const [object, table] of [
      ['Contact', 'salesforce_contacts'],
      ['Lead', 'salesforce_leads'],
      ['Account', 'salesforce_accounts'],
    ] as const) {
      for (const slice of slices(await recordIdsOwnedBy(tx, connectionId, object, [user.id]))) {
        await tx
          .updateTable(table)
          .set({ owner_email: user.email, updated_at: now })
          .where('id', 'in', slice)
          .execute();
      }
    }
  }
}

/**
 * The page's records as routing stores them, and the ids of records it read that cannot route (no email, or an
 * owner that is a queue or an unsynced user): their rows, if any, are removed.
 */
async function routable(
  tx: Tx,
  connectionId: string,
  page: Exclude<SalesforcePage, { object: 'User' }>,
): Promise<{ sync: SalesforceSync; unroutable: string[] }> {
  const unroutable: string[] = [];
  switch (page.object) {
    case 'Contact': {
      const owners = await userEmails(
        tx,
        connectionId,
        page.records.map((record) => record.ownerId),
      );
      const contacts: NonNullable<SalesforceSync['contacts']> = [];
      for (const record of page.records) {
        const ownerEmail = record.ownerId === null ? undefined : owners.get(record.ownerId);
        if (record.email === null || ownerEmail === undefined) unroutable.push(record.id);
        else
          contacts.push({
            id: record.id,
            email: record.email,
            ownerEmail,
            ...(record.accountId !== null && { accountId: record.accountId }),
          });
      }
      return { sync: { contacts }, unroutable };
    }
    case 'Lead': {
      const owners = await userEmails(
        tx,
        connectionId,
        page.records.map((record) => record.ownerId),
      );
      const leads: NonNullable<SalesforceSync['leads']> = [];
      for (const record of page.records) {
        const ownerEmail = record.ownerId === null ? undefined : owners.get(record.ownerId);
        if (record.email === null || ownerEmail === undefined) unroutable.push(record.id);
        else
          leads.push({
            id: record.id,
            email: record.email,
            ownerEmail,
            ...(record.company !== null && { company: record.company }),
          });
      }
      return { sync: { leads }, unroutable };
    }
    case 'Account': {
      const owners = await userEmails(
        tx,
        connectionId,
        page.records.map((record) => record.ownerId),
      );
      const accounts: NonNullable<SalesforceSync['accounts']> = [];
      for (const record of page.records) {
        const ownerEmail = record.ownerId === null ? undefined : owners.get(record.ownerId);
        if (ownerEmail === undefined) unroutable.push(record.id);
        else accounts.push({ id: record.id, name: record.name, domains: record.domains, ownerEmail });
      }
      return { sync: { accounts }, unroutable };
    }
    case 'AccountTeamMember': {
      const members = await userEmails(
        tx,
        connectionId,
        page.records.map((record) => record.userId),
      );
      const accountTeamMembers: AccountTeamMember[] = [];
      for (const record of page.records) {
        const userEmail = members.get(record.userId);
        if (userEmail === undefined) unroutable.push(record.id);
        else accountTeamMembers.push({ accountId: record.accountId, userEmail, role: record.role });
      }
      return { sync: { accountTeamMembers }, unroutable };
    }
  }
}

/**
 * Commits one page with its cursor: the records upserted where routing reads them, the deleted ones and those that
 * cannot route removed from it, every record read tracked for the connection. Returns what the page stored and
 * removed.
 */
export async function applySalesforcePage(
  db: Db,
  connectionId: string,
  runId: string,
  page: SalesforcePage,
  cursor: SyncCursor,
): Promise<{ stored: number; removed: number }> {
  const now = new Date().toISOString();
  let counts = { stored: 0, removed: 0 };
  await commitSyncPage(
    db,
    { connectionId, object: page.object, runId, cursor, deletedIds: page.deletedIds },
    async (tx, deleted): Promise<TrackedRecord[]> => {
      await storedRowsOf(tx, page.object, deleted);
      if (page.object === 'User') {
        await applyUsers(tx, connectionId, page.records);
        counts = { stored: page.records.length, removed: deleted.length };
        return page.records.map((record) => ({ id: record.id }));
      }
      const { sync, unroutable } = await routable(tx, connectionId, page);
      let seen: TrackedRecord[];
      if (page.object === 'AccountTeamMember') {
        // Stored by account and user email: a member whose user's email changed, or who cannot route any more,
        // leaves a row under its previous key, which goes.
        const emails = await userEmails(
          tx,
          connectionId,
          page.records.map((record) => record.userId),
        );
        seen = page.records.map((record) => {
          const email = emails.get(record.userId);
          return {
            id: record.id,
            ownerId: record.userId,
            ...(email !== undefined && { storeKey: teamMemberKey(record.accountId, email) }),
          };
        });
        const keys = new Set(seen.map((record) => record.storeKey));
        const previous = await untrackRecords(
          tx,
          connectionId,
          page.object,
          page.records.map((record) => record.id),
        );
        await storedRowsOf(
          tx,
          page.object,
          previous.filter((row) => row.store_key !== null && !keys.has(row.store_key)),
        );
      } else {
        await deleteStoredRows(tx, page.object, unroutable, []);
        seen = page.records.map((record) => ({ id: record.id, ownerId: record.ownerId ?? undefined }));
      }
      const written = await upsertSalesforceIn(tx, sync, now);
      counts = {
        stored: written.contacts + written.leads + written.accounts + written.accountTeamMembers,
        removed: deleted.length + unroutable.length,
      };
      return seen;
    },
  );
  return counts;
}
/**
 * Removes records of `object` the connection synced, with their rows where routing reads them, in the caller's
 * transaction.
 */
export async function removeSalesforceRecords(
  tx: Tx,
  connectionId: string,
  object: SalesforceObject,
  ids: readonly string[],
): Promise<void> {
  await storedRowsOf(tx, object, await untrackRecords(tx, connectionId, object, ids));
  if (object !== 'User') return;
  for (const slice of slices(ids)) {
    await tx
      .deleteFrom('salesforce_users')
      .where('connection_id', '=', connectionId)
      .where('id', 'in', slice)
      .execute();
  }
}

/**
 * After a full re-sync read every record of `object`: removes, a batch per transaction, the records it did not see
 * (deleted in Salesforce while nothing was syncing, or past the recycle bin). Returns how many went.
 */
export async function removeUnseenSalesforceRecords(
  db: Db,
  connectionId: string,
  object: SalesforceObject,
  runId: string,
): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await unseenRecordIds(db, connectionId, object, runId, 500);
    if (ids.length === 0) return total;
    await db.transaction().execute((tx) => removeSalesforceRecords(tx, connectionId, object, ids));
    total += ids.length;
  }
}
