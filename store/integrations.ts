// Records synced in from Salesforce and the outbound tools: all-or-nothing bulk upserts, and the indexed lookups
// the owner stages make. Emails are matched on lower-cased key columns, accounts on normalised domains and names.
import type { Selectable, Transaction } from 'kysely';
import type {
  AccountTeamMember,
  OutboundProvider,
  Prospect,
  ProspectSync,
  SalesforceAccount,
  SalesforceContact,
  SalesforceLead,
  SalesforceRemovals,
  SalesforceSync,
} from '../domain/integrations';
import { normaliseCompanyName, normaliseDomain } from '../domain/owners';
import { rowChunks, slices } from './batching';
import { byteOrder, type Db, retryOnConflict } from './database';
import type {
  AccountDomainsTable,
  AccountTeamMembersTable,
  Database,
  OutboundProspectsTable,
  SalesforceAccountsTable,
  SalesforceContactsTable,
  SalesforceLeadsTable,
} from './schema';
import { inKeyOrder, upsertRows } from './upsert-rows';

/**
 * One row per key, the last occurrence's values at the first occurrence's place. PostgreSQL refuses an upsert that
 * touches one row twice, and a request may well repeat a record.
 */
function lastPerKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) byKey.set(key(row), row);
  return [...byKey.values()];
}

type Tx = Transaction<Database>;

export interface SalesforceCounts {
  contacts: number;
  leads: number;
  accounts: number;
  accountTeamMembers: number;
  /** Rows the request's `remove` deleted; present when it had one. */
  removed?: number;
}

/** Deletes what `remove` names (an account's domains go with it); returns how many rows went. */
async function removeSalesforceRecords(tx: Tx, remove: SalesforceRemovals): Promise<number> {
  let removed = 0;
  const count = (result: { numDeletedRows: bigint }) => {
    removed += Number(result.numDeletedRows);
  };
  for (const [table, ids] of [
    ['salesforce_contacts', remove.contactIds],
    ['salesforce_leads', remove.leadIds],
    ['salesforce_accounts', remove.accountIds],
  ] as const) {
    for (const slice of slices([...new Set(ids ?? [])])) {
      count(await tx.deleteFrom(table).where('id', 'in', slice).executeTakeFirst());
    }
  }
  for (const member of remove.accountTeamMembers ?? []) {
    count(
      await tx
        .deleteFrom('salesforce_account_team_members')
        .where('account_id', '=', member.accountId)
        .where('user_email_key', '=', member.userEmail.toLowerCase())
        .executeTakeFirst(),
    );
  }
  return removed;
}

async function upsertContacts(tx: Tx, contacts: readonly SalesforceContact[], now: string): Promise<number> {
  const rows: SalesforceContactsTable[] = lastPerKey(contacts, (c) => c.id).map((contact) => ({
    id: contact.id,
    email: contact.email,
    email_key: contact.email.toLowerCase(),
    owner_email: contact.ownerEmail,
    account_id: contact.accountId ?? null,
    updated_at: now,
  }));
  await upsertRows(tx, 'salesforce_contacts', rows, {
    conflict: ['id'],
    update: ['email', 'email_key', 'owner_email', 'account_id', 'updated_at'],
    key: (row) => row.id,
  });
  return rows.length;
}

async function upsertLeads(tx: Tx, leads: readonly SalesforceLead[], now: string): Promise<number> {
  const rows: SalesforceLeadsTable[] = lastPerKey(leads, (l) => l.id).map((lead) => ({
    id: lead.id,
    email: lead.email,
    email_key: lead.email.toLowerCase(),
    owner_email: lead.ownerEmail,
    company: lead.company ?? null,
    updated_at: now,
  }));
  await upsertRows(tx, 'salesforce_leads', rows, {
    conflict: ['id'],
    update: ['email', 'email_key', 'owner_email', 'company', 'updated_at'],
    key: (row) => row.id,
  });
  return rows.length;
}

/** Accounts, and their normalised domains replaced in the lookup table. */
async function upsertAccounts(tx: Tx, accounts: readonly SalesforceAccount[], now: string): Promise<number> {
  const unique = lastPerKey(accounts, (a) => a.id);
  const rows: SalesforceAccountsTable[] = unique.map((account) => ({
    id: account.id,
    name: account.name,
    name_key: normaliseCompanyName(account.name),
    domains: JSON.stringify(account.domains),
    owner_email: account.ownerEmail,
    updated_at: now,
  }));
  await upsertRows(
    tx,
    'salesforce_accounts',
    rows,
    { conflict: ['id'], update: ['name', 'name_key', 'domains', 'owner_email', 'updated_at'], key: (row) => row.id },
    async (chunk) => {
      const ids = chunk.map((row) => row.id);
      await tx.deleteFrom('salesforce_account_domains').where('account_id', 'in', ids).execute();
    },
  );
  const domainRows: AccountDomainsTable[] = unique.flatMap((account) => {
    const domains = account.domains.map(normaliseDomain).filter((domain): domain is string => domain !== undefined);
    return [...new Set(domains)].map((domain) => ({ account_id: account.id, domain }));
  });
  for (const chunk of rowChunks(inKeyOrder(domainRows, (row) => `${row.account_id}\n${row.domain}`))) {
    await tx.insertInto('salesforce_account_domains').values(chunk).execute();
  }
  return rows.length;
}

/** Members keep the place they were first inserted at, so a team lists in a stable order; the role is replaced. */
async function upsertTeamMembers(tx: Tx, members: readonly AccountTeamMember[], now: string): Promise<number> {
  const unique = lastPerKey(members, (m) => `${m.accountId}\n${m.userEmail.toLowerCase()}`);
  const last = await tx
    .selectFrom('salesforce_account_team_members')
    .select((eb) => eb.fn.max('position').as('position'))
    .executeTakeFirst();
  const base = (last?.position ?? -1) + 1;
  const rows: AccountTeamMembersTable[] = unique.map((member, index) => ({
    account_id: member.accountId,
    user_email: member.userEmail,
    user_email_key: member.userEmail.toLowerCase(),
    role: member.role,
    position: base + index,
    updated_at: now,
  }));
  await upsertRows(tx, 'salesforce_account_team_members', rows, {
    conflict: ['account_id', 'user_email_key'],
    update: ['user_email', 'role', 'updated_at'],
    key: (row) => `${row.account_id}\n${row.user_email_key}`,
  });
  return rows.length;
}

/**
 * Upserts every record of the request in one transaction: all of it is stored, or (on any failure) none.
 * Concurrent syncs of the same records can deadlock on PostgreSQL, or both insert an account's domains afresh: the
 * loser runs again after the winner.
 */
export async function upsertSalesforce(db: Db, sync: SalesforceSync): Promise<SalesforceCounts> {
  const now = new Date().toISOString();
  return retryOnConflict(() => db.transaction().execute((tx) => upsertSalesforceIn(tx, sync, now)));
}

/** The same upserts inside the caller's transaction: a connector's sync commits them with its cursor. */
export async function upsertSalesforceIn(tx: Tx, sync: SalesforceSync, now: string): Promise<SalesforceCounts> {
  const removed = sync.remove && (await removeSalesforceRecords(tx, sync.remove));
  return {
    ...(removed !== undefined && { removed }),
    contacts: await upsertContacts(tx, sync.contacts ?? [], now),
    leads: await upsertLeads(tx, sync.leads ?? [], now),
    accounts: await upsertAccounts(tx, sync.accounts ?? [], now),
    accountTeamMembers: await upsertTeamMembers(tx, sync.accountTeamMembers ?? [], now),
  };
}

/** A prospect as a connector syncs it: with its id at the provider, so an email change replaces the old row. */
export interface SyncedProspect extends Prospect {
  sourceId: string;
}

/**
 * Writes prospects inside `tx`, keyed by provider and lower-cased email. Synced ones (with a `sourceId`) first
 * replace any row of theirs under another email.
 */
export async function writeProspects(
  tx: Tx,
  provider: OutboundProvider,
  prospects: readonly (Prospect | SyncedProspect)[],
): Promise<number> {
  const now = new Date().toISOString();
  const rows: OutboundProspectsTable[] = lastPerKey(prospects, (p) => p.email.toLowerCase()).map((p) => ({
    provider,
    email: p.email,
    email_key: p.email.toLowerCase(),
    owner_email: p.ownerEmail,
    last_sender_email: p.lastSenderEmail ?? null,
    updated_at: now,
    source_id: 'sourceId' in p ? p.sourceId : null,
  }));
  const sourceIds = rows.flatMap((row) => (row.source_id === null ? [] : [row.source_id]));
  for (const ids of slices(sourceIds)) {
    await tx.deleteFrom('outbound_prospects').where('provider', '=', provider).where('source_id', 'in', ids).execute();
  }
  await upsertRows(tx, 'outbound_prospects', rows, {
    conflict: ['provider', 'email_key'],
    update: ['email', 'owner_email', 'last_sender_email', 'updated_at', 'source_id'],
    key: (row) => row.email_key,
  });
  return rows.length;
}

/** Upserts one provider's prospects in one transaction, keyed by lower-cased email. */
export async function upsertProspects(
  db: Db,
  provider: OutboundProvider,
  sync: ProspectSync,
): Promise<{ prospects: number }> {
  const prospects = await retryOnConflict(() =>
    db.transaction().execute((tx) => writeProspects(tx, provider, sync.prospects)),
  );
  return { prospects };
}

/**
 * Removes the provider's synced prospects whose id is among `sourceIds` (gone at the provider, or no longer
 * routable: no email or no owner), inside `tx`.
 */
export async function removeProspectsBySource(
  tx: Tx,
  provider: OutboundProvider,
  sourceIds: readonly string[],
): Promise<number> {
  let removed = 0;
  for (const ids of slices(sourceIds)) {
    const result = await tx
      .deleteFrom('outbound_prospects')
      .where('provider', '=', provider)
      .where('source_id', 'in', ids)
      .executeTakeFirst();
    removed += Number(result.numDeletedRows);
  }
  return removed;
}

// --- Lookups ---------------------------------------------------------------------------------------------------

const lower = (values: readonly string[]) => [...new Set(values.map((value) => value.toLowerCase()))];

function toContact(row: SalesforceContactsTable): SalesforceContact {
  return {
    id: row.id,
    email: row.email,
    ownerEmail: row.owner_email,
    ...(row.account_id !== null && { accountId: row.account_id }),
  };
}

function toLead(row: SalesforceLeadsTable): SalesforceLead {
  return {
    id: row.id,
    email: row.email,
    ownerEmail: row.owner_email,
    ...(row.company !== null && { company: row.company }),
  };
}

function toAccount(row: SalesforceAccountsTable): SalesforceAccount {
  return { id: row.id, name: row.name, domains: JSON.parse(row.domains) as string[], ownerEmail: row.owner_email };
}

export async function prospectByEmail(
  db: Db,
  provider: OutboundProvider,
  email: string,
): Promise<Prospect | undefined> {
  const row = await db
    .selectFrom('outbound_prospects')
    .selectAll()
    .where('provider', '=', provider)
    .where('email_key', '=', email.toLowerCase())
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    email: row.email,
    ownerEmail: row.owner_email,
    ...(row.last_sender_email !== null && { lastSenderEmail: row.last_sender_email }),
  };
}

type SyncedRecordTable = 'salesforce_contacts' | 'salesforce_leads' | 'salesforce_accounts';

/** The table's rows whose `column` is one of `values`, in byte order of id; none for no values. */
async function rowsWhereIn<T extends SyncedRecordTable>(
  db: Db,
  table: T,
  column: 'id' | 'email_key' | 'name_key',
  values: readonly string[],
): Promise<Selectable<Database[T]>[]> {
  if (values.length === 0) return [];
  const rows = await db
    .selectFrom(table as SyncedRecordTable)
    .selectAll()
    .where(column as 'id', 'in', [...values])
    .orderBy(byteOrder(db, 'id'))
    .execute();
  return rows as Selectable<Database[T]>[];
}

export const contactsById = async (db: Db, ids: readonly string[]): Promise<SalesforceContact[]> =>
  (await rowsWhereIn(db, 'salesforce_contacts', 'id', ids)).map(toContact);

export const contactsByEmail = async (db: Db, emails: readonly string[]): Promise<SalesforceContact[]> =>
  (await rowsWhereIn(db, 'salesforce_contacts', 'email_key', lower(emails))).map(toContact);

export const leadsById = async (db: Db, ids: readonly string[]): Promise<SalesforceLead[]> =>
  (await rowsWhereIn(db, 'salesforce_leads', 'id', ids)).map(toLead);

export const leadsByEmail = async (db: Db, emails: readonly string[]): Promise<SalesforceLead[]> =>
  (await rowsWhereIn(db, 'salesforce_leads', 'email_key', lower(emails))).map(toLead);

export const accountsById = async (db: Db, ids: readonly string[]): Promise<SalesforceAccount[]> =>
  (await rowsWhereIn(db, 'salesforce_accounts', 'id', ids)).map(toAccount);

/** Accounts listing any of `domains` (already normalised with `normaliseDomain`). */
export async function accountsByDomain(db: Db, domains: readonly string[]): Promise<SalesforceAccount[]> {
  if (domains.length === 0) return [];
  const rows = await db
    .selectFrom('salesforce_accounts')
    .selectAll()
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('salesforce_account_domains')
        .select('account_id')
        .where('domain', 'in', [...domains]),
    )
    .orderBy(byteOrder(db, 'id'))
    .execute();
  return rows.map(toAccount);
}

/** Accounts whose name normalises to one of `nameKeys` (already normalised with `normaliseCompanyName`). */
export const accountsByName = async (db: Db, nameKeys: readonly string[]): Promise<SalesforceAccount[]> =>
  (await rowsWhereIn(db, 'salesforce_accounts', 'name_key', nameKeys)).map(toAccount);

/** The account's team in the order members were first stored. */
export async function accountTeam(db: Db, accountId: string): Promise<AccountTeamMember[]> {
  const rows = await db
    .selectFrom('salesforce_account_team_members')
    .select(['account_id', 'user_email', 'role'])
    .where('account_id', '=', accountId)
    .orderBy('position')
    .orderBy(byteOrder(db, 'user_email_key'))
    .execute();
  return rows.map((row) => ({ accountId: row.account_id, userEmail: row.user_email, role: row.role }));
}
