// Pages synced from Outreach and Salesloft: users (owner ids to emails) and prospects, each page written in one
// transaction that the caller can extend (to save its cursor with it), so a page is stored whole or not at all.
import type { Transaction } from 'kysely';
import type { OutboundProvider } from '../domain/integrations';
import { rowChunks, slices } from './batching';
import { removeProspectsBySource, type SyncedProspect, writeProspects } from './integrations';
import type { Database, OutboundUsersTable } from './schema';

type Tx = Transaction<Database>;

export interface SyncedUser {
  id: string;
  email: string | null;
}

/** Upserts users; a user without an email is kept out (and removed), since no rep can be found for them. */
export async function writeOutboundUsers(tx: Tx, provider: OutboundProvider, users: readonly SyncedUser[]) {
  const now = new Date().toISOString();
  const byId = new Map(users.map((user) => [user.id, user]));
  const rows: OutboundUsersTable[] = [...byId.values()].flatMap((user) =>
    user.email ? [{ provider, user_id: user.id, email: user.email, updated_at: now }] : [],
  );
  const without = [...byId.values()].filter((user) => !user.email).map((user) => user.id);
  for (const ids of slices(without)) {
    await tx.deleteFrom('outbound_users').where('provider', '=', provider).where('user_id', 'in', ids).execute();
  }
  for (const chunk of rowChunks(rows.sort((a, b) => (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0)))) {
    await tx
      .insertInto('outbound_users')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['provider', 'user_id']).doUpdateSet((eb) => ({
          email: eb.ref('excluded.email'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
  return rows.length;
}

async function userEmails(tx: Tx, provider: OutboundProvider, ids: readonly string[]): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for (const slice of slices([...new Set(ids)])) {
    const rows = await tx
      .selectFrom('outbound_users')
      .select(['user_id', 'email'])
      .where('provider', '=', provider)
      .where('user_id', 'in', slice)
      .execute();
    for (const row of rows) emails.set(row.user_id, row.email);
  }
  return emails;
}

export interface SyncedProspectRecord {
  id: string;
  email: string | null;
  ownerId: string | null;
}

/**
 * Upserts a page of prospects with their owner's email (from the users synced before them). One without an email
 * or an owner with an email cannot route anyone: any row it had is removed instead.
 */
export async function writeOutboundProspects(
  tx: Tx,
  provider: OutboundProvider,
  records: readonly SyncedProspectRecord[],
  syncRun?: string,
): Promise<{ written: number; removed: number }> {
  const owners = await userEmails(
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
  const written = await writeProspects(tx, provider, routable, syncRun);
  return { written, removed };
}
