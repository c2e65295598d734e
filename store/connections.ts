// Connections to Salesforce, Outreach and Salesloft: their settings, status and sync figures, and their secrets,
// sealed at rest (store/secret-box.ts) and only ever opened by the connectors (connectors/sessions.ts, the OAuth
// callback). What the API returns, `Connection`, holds no secret.
import { createHash, randomUUID } from 'node:crypto';
import type { ApiBudget, ConnectionProvider, ConnectionStatus } from '../domain/connections';
import type { Db } from './database';
import type { ConnectionsTable } from './schema';
import type { SecretBox } from './secret-box';

export type ConnectionAuthType = 'oauth' | 'jwt';

/** Nothing secret: returned by the API as it is. */
export interface ConnectionSettings {
  clientId: string;
  /** Salesforce JWT bearer: the user the assertion is for. */
  username?: string;
  /** Salesforce: where to log in (https://login.salesforce.com, https://test.salesforce.com, or a test server). */
  loginUrl?: string;
  /** Outreach and Salesloft: the REST API's base, and the OAuth token endpoint. */
  apiBaseUrl?: string;
  tokenUrl?: string;
  /** The callback the authorization code was issued for: the token endpoint wants it again. */
  redirectUri?: string;
  /** Salesforce: the org's API host, from the last token response. */
  instanceUrl?: string;
}

export interface ConnectionSecrets {
  clientSecret?: string;
  privateKey?: string;
  refreshToken?: string;
  accessToken?: string;
}

export interface Connection {
  id: string;
  provider: ConnectionProvider;
  auth: { type: ConnectionAuthType; clientId: string; username?: string };
  loginUrl?: string;
  apiBaseUrl?: string;
  tokenUrl?: string;
  instanceUrl?: string;
  status: ConnectionStatus;
  /** Why the status is `error`, in the provider's words when it gave them (e.g. OAuth's `error_description`). */
  statusReason?: string;
  lastSyncAt?: string;
  /** Records held per synced object after the last successful sync. */
  records: Record<string, number>;
  /** API budget used, as the provider reported it on the last sync. */
  apiBudget?: ApiBudget;
  createdAt: string;
  updatedAt: string;
}

/** What the connectors need to talk to the provider: settings and opened secrets. */
export interface ConnectionCredentials {
  id: string;
  provider: ConnectionProvider;
  authType: ConnectionAuthType;
  status: ConnectionStatus;
  settings: ConnectionSettings;
  secrets: ConnectionSecrets;
  accessTokenExpiresAt?: string;
}

export interface NewConnection {
  provider: ConnectionProvider;
  authType: ConnectionAuthType;
  settings: ConnectionSettings;
  secrets: ConnectionSecrets;
}

/** The context a connection's secrets are sealed in: a sealed blob opens only on its own row. */
const secretsContext = (id: string) => `connection:${id}:secrets`;
const verifierContext = (id: string) => `connection:${id}:code_verifier`;

function toConnection(row: ConnectionsTable): Connection {
  const settings = JSON.parse(row.settings) as ConnectionSettings;
  const { clientId, username, loginUrl, apiBaseUrl, tokenUrl, instanceUrl } = settings;
  return {
    id: row.id,
    provider: row.provider as ConnectionProvider,
    auth: { type: row.auth_type as ConnectionAuthType, clientId, ...(username !== undefined && { username }) },
    ...(loginUrl !== undefined && { loginUrl }),
    ...(apiBaseUrl !== undefined && { apiBaseUrl }),
    ...(tokenUrl !== undefined && { tokenUrl }),
    ...(instanceUrl !== undefined && { instanceUrl }),
    status: row.status as ConnectionStatus,
    ...(row.status_reason !== null && { statusReason: row.status_reason }),
    ...(row.last_sync_at !== null && { lastSyncAt: row.last_sync_at }),
    records: JSON.parse(row.records) as Record<string, number>,
    ...(row.budget_used !== null &&
      row.budget_limit !== null && { apiBudget: { used: row.budget_used, limit: row.budget_limit } }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function createConnection(db: Db, box: SecretBox, input: NewConnection): Promise<Connection> {
  const now = new Date().toISOString();
  const id = `conn_${randomUUID()}`;
  const row: ConnectionsTable = {
    id,
    provider: input.provider,
    auth_type: input.authType,
    settings: JSON.stringify(input.settings),
    secrets: box.seal(JSON.stringify(input.secrets), secretsContext(id)),
    access_token_expires_at: null,
    status: 'pending_authorization',
    status_reason: null,
    last_sync_at: null,
    records: '{}',
    budget_used: null,
    budget_limit: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await db.insertInto('connections').values(row).execute();
  return toConnection(row);
}

export async function listConnections(db: Db): Promise<Connection[]> {
  const rows = await db
    .selectFrom('connections')
    .selectAll()
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toConnection);
}

/** A connection being deleted is no longer found, by anyone: the API, the syncs, the live lookup. */
const liveConnection = (db: Db, id: string) =>
  db.selectFrom('connections').selectAll().where('id', '=', id).where('deleted_at', 'is', null);

export async function getConnection(db: Db, id: string): Promise<Connection | undefined> {
  const row = await liveConnection(db, id).executeTakeFirst();
  return row && toConnection(row);
}

/**
 * Marks the connection deleted: from now on it is not found, and no sync page of it commits (`lockLiveConnection`).
 * Its records and row are removed afterwards (`removeConnectionRow`). Returns its provider, also when it was marked
 * before (a repeated removal); undefined when the row is gone.
 */
export async function markConnectionDeleted(db: Db, id: string): Promise<ConnectionProvider | undefined> {
  await db
    .updateTable('connections')
    .set({ deleted_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
  const row = await db.selectFrom('connections').select('provider').where('id', '=', id).executeTakeFirst();
  return row?.provider as ConnectionProvider | undefined;
}

/**
 * Inside a sync page's transaction: true while the connection is not deleted. It writes the connection's row, so on
 * PostgreSQL a deletion marked meanwhile waits for the page to commit (and then removes it too), or the page sees
 * the mark; SQLite runs one writer at a time anyway.
 */
export async function lockLiveConnection(tx: Db, id: string): Promise<boolean> {
  const result = await tx
    .updateTable('connections')
    .set({ deleted_at: null })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The last step of a deletion: the row with its secrets (and pending authorizations, by cascade). */
export async function removeConnectionRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('connections').where('id', '=', id).execute();
}

/** Settings and opened secrets, for the connectors only. */
export async function getConnectionCredentials(
  db: Db,
  box: SecretBox,
  id: string,
): Promise<ConnectionCredentials | undefined> {
  const row = await liveConnection(db, id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    provider: row.provider as ConnectionProvider,
    authType: row.auth_type as ConnectionAuthType,
    status: row.status as ConnectionStatus,
    settings: JSON.parse(row.settings) as ConnectionSettings,
    secrets: JSON.parse(box.open(row.secrets, secretsContext(row.id))) as ConnectionSecrets,
    ...(row.access_token_expires_at !== null && { accessTokenExpiresAt: row.access_token_expires_at }),
  };
}

export interface GrantedTokens {
  accessToken: string;
  /** Absent when the provider keeps the one it issued before (Salesforce refreshes, JWT bearer). */
  refreshToken?: string;
  accessTokenExpiresAt?: string;
  instanceUrl?: string;
}

/**
 * Stores newly granted tokens and marks the connection connected (unless a sync is running: it stays `syncing`).
 * Returns false when the connection was deleted meanwhile.
 */
export async function saveGrantedTokens(db: Db, box: SecretBox, id: string, tokens: GrantedTokens): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const current = await getConnectionCredentials(trx, box, id);
    if (!current) return false;
    const secrets: ConnectionSecrets = {
      ...current.secrets,
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken !== undefined && { refreshToken: tokens.refreshToken }),
    };
    const settings: ConnectionSettings = {
      ...current.settings,
      ...(tokens.instanceUrl !== undefined && { instanceUrl: tokens.instanceUrl }),
    };
    await trx
      .updateTable('connections')
      .set({
        secrets: box.seal(JSON.stringify(secrets), secretsContext(id)),
        settings: JSON.stringify(settings),
        access_token_expires_at: tokens.accessTokenExpiresAt ?? null,
        status: current.status === 'syncing' ? 'syncing' : 'connected',
        status_reason: null,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    return true;
  });
}

/** For the sync: the connection's sync has begun. */
export async function markSyncing(db: Db, id: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({ status: 'syncing', status_reason: null, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute();
}

export interface SyncResult {
  /** Records held per object after the sync (e.g. `{ Contact: 1200, Lead: 300 }`): replaces the previous counts. */
  records: Record<string, number>;
  budget?: ApiBudget;
  /** When the sync's data was read: the next incremental sync starts from here. */
  syncedAt: string;
}

/** For the sync: it ended well; the connection is `connected` with these figures. */
export async function recordSyncResult(db: Db, id: string, result: SyncResult): Promise<void> {
  await db
    .updateTable('connections')
    .set({
      status: 'connected',
      status_reason: null,
      last_sync_at: result.syncedAt,
      records: JSON.stringify(result.records),
      ...(result.budget && { budget_used: result.budget.used, budget_limit: result.budget.limit }),
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .execute();
}

/** The connection cannot be used until an admin acts: `reason` says why, in the provider's words when it gave them. */
export async function markConnectionError(db: Db, id: string, reason: string): Promise<void> {
  await db
    .updateTable('connections')
    .set({ status: 'error', status_reason: reason.slice(0, 1000), updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute();
}

// OAuth authorization in progress: the `state` sent to the provider names it. Stored hashed, so reading the table
// gives nobody a state to complete someone's authorization with.

const stateHash = (state: string) => createHash('sha256').update(state).digest('base64url');

export interface PendingAuthorization {
  connectionId: string;
  codeVerifier?: string;
  redirectUri: string;
}

export async function savePendingAuthorization(
  db: Db,
  box: SecretBox,
  state: string,
  pending: PendingAuthorization,
  expiresAt: Date,
): Promise<void> {
  await db
    .insertInto('connection_oauth_states')
    .values({
      state_hash: stateHash(state),
      connection_id: pending.connectionId,
      code_verifier:
        pending.codeVerifier === undefined
          ? null
          : box.seal(pending.codeVerifier, verifierContext(pending.connectionId)),
      redirect_uri: pending.redirectUri,
      expires_at: expiresAt.toISOString(),
    })
    .execute();
}

/**
 * The authorization `state` names, consumed: a second call with the same state finds nothing, as does an expired
 * one. Expired states are cleared on the way.
 */
export async function takePendingAuthorization(
  db: Db,
  box: SecretBox,
  state: string,
  now = new Date(),
): Promise<PendingAuthorization | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('connection_oauth_states').where('expires_at', '<=', now.toISOString()).execute();
    const row = await trx
      .selectFrom('connection_oauth_states')
      .selectAll()
      .where('state_hash', '=', stateHash(state))
      .executeTakeFirst();
    if (!row) return undefined;
    const taken = await trx
      .deleteFrom('connection_oauth_states')
      .where('state_hash', '=', row.state_hash)
      .executeTakeFirst();
    if (taken.numDeletedRows === 0n) return undefined; // another request took it first
    return {
      connectionId: row.connection_id,
      ...(row.code_verifier !== null && {
        codeVerifier: box.open(row.code_verifier, verifierContext(row.connection_id)),
      }),
      redirectUri: row.redirect_uri,
    };
  });
}
