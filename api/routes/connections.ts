// Admins' connections to Salesforce, Outreach and Salesloft (SPEC.md, "Connections"): create one (OAuth: answer
// with the URL to grant access at; Salesforce JWT bearer: get a token at once), list and read them (never their
// secrets), delete one, start a sync. The OAuth callback is `connectionOAuthCallback`: the provider redirects the
// admin's browser there without our credentials, so it lives outside /v1 (where every operation takes one).
import type { Request } from 'express';
import { z } from 'zod';
import { startAuthorization } from '../../connectors/authorization';
import { ConnectionAuthError, type ConnectionSessions, reasonOf } from '../../connectors/sessions';
import { rsaPrivateKey } from '../../connectors/token-endpoint';
import { idSchema } from '../../domain/users';
import type { OutboundPolicy } from '../../outbound/destination-policy';
import {
  createConnection,
  getConnection,
  listConnections,
  markConnectionDeleted,
  markConnectionError,
  type NewConnection,
  takePendingAuthorization,
} from '../../store/connections';
import type { SecretBox } from '../../store/secret-box';
import { connectionSyncWorkflowId } from '../../workflows/sync-connection';
import { admin, publicAccess } from '../access';
import type { ConnectionSyncs } from '../connection-syncs';
import { HttpError, notFound } from '../http-error';
import { json, linksTo, noContent, operation, withLinks } from '../operations';
import {
  authorizationSchema,
  type ConnectionInput,
  connectionInputSchema,
  connectionListSchema,
  connectionSchema,
  connectionSyncSchema,
  createdConnectionSchema,
  oauthCallbackQuerySchema,
  syncStartedSchema,
} from '../schemas/connections';

export const OAUTH_CALLBACK_PATH = '/connections/oauth/callback';
/** Where the callback sends the admin's browser when done: the console's connections page. */
const CONSOLE_CONNECTIONS = '/#connections';

/** What the connection operations need besides the database (OperationDeps.connections). */
export interface ConnectionsDependencies {
  /** Seals the secrets at rest (CONNECTIONS_ENCRYPTION_KEY). */
  secrets: SecretBox;
  /** Token calls, through the outbound guard. */
  sessions: ConnectionSessions;
  /** Syncs now, and each connection's Schedule of syncs. */
  syncs: ConnectionSyncs;
  /** PUBLIC_URL: the service as browsers and providers reach it, when not as each request's Host says. */
  publicUrl?: string;
}

/** The service's own address: PUBLIC_URL, else as this request reached the API (Host; behind trusted proxies, X-Forwarded-*). */
export const publicUrlOf = (req: Request, deps: Pick<ConnectionsDependencies, 'publicUrl'>) =>
  deps.publicUrl ?? `${req.protocol}://${req.host}`;

const callbackUrlOf = (req: Request, deps: ConnectionsDependencies) =>
  `${publicUrlOf(req, deps)}${OAUTH_CALLBACK_PATH}`;

const badField = (field: string, message: string) =>
  new HttpError(400, 'invalid_request', `${field}: ${message}`, { issues: [{ field, message }] });

function toNewConnection(input: ConnectionInput, redirectUri: string): NewConnection {
  const { auth } = input;
  const urls =
    input.provider === 'salesforce'
      ? { ...(input.loginUrl !== undefined && { loginUrl: input.loginUrl }) }
      : {
          ...(input.apiBaseUrl !== undefined && { apiBaseUrl: input.apiBaseUrl }),
          ...(input.tokenUrl !== undefined && { tokenUrl: input.tokenUrl }),
        };
  if (auth.type === 'jwt') {
    return {
      provider: input.provider,
      authType: 'jwt',
      settings: { clientId: auth.clientId, username: auth.username, ...urls },
      secrets: { privateKey: auth.privateKey },
    };
  }
  return {
    provider: input.provider,
    authType: 'oauth',
    settings: { clientId: auth.clientId, redirectUri, ...urls },
    secrets: { clientSecret: auth.clientSecret },
  };
}

const connectionParams = z.object({ id: idSchema.meta({ description: 'Connection id, as the server assigned it.' }) });
const connectionLinks = linksTo('/id', ['getConnection', 'deleteConnection', 'syncConnection', 'authorizeConnection']);
const notFoundText = 'not_found: no such connection.';
const urlRefused =
  'invalid_json, or invalid_request naming every invalid field in `details.issues`: among them a base URL whose ' +
  'host is an internal address OUTBOUND_ALLOWED_HOSTS does not allow.';

/** Refuses base URLs that point inside (a host name is judged again on connecting). */
function assertAllowedUrls(input: ConnectionInput, outbound: OutboundPolicy): void {
  const urls = Object.entries(input).filter((entry): entry is [string, string] => entry[0].endsWith('Url'));
  for (const [field, url] of urls) {
    const refusal = outbound.refusalOfLiteralHost(new URL(url).hostname);
    if (refusal) throw badField(field, `not an allowed destination (${refusal}; OUTBOUND_ALLOWED_HOSTS can allow it)`);
  }
}

/**
 * Why a PEM block (the schema checks its shape) holds no usable RSA key, if it does not. Not a 400: whether the
 * base64 inside decodes to an RSA key is more than /openapi.json can state, so the connection is created with
 * status `error` and this reason, as when the provider refuses the key.
 */
function privateKeyProblem(privateKey: string): string | undefined {
  try {
    rsaPrivateKey(privateKey);
    return undefined;
  } catch (error) {
    return `auth.privateKey: not a PEM RSA private key (${(error as Error).message})`;
  }
}

export const connectionsOperations = [
  operation({
    method: 'get',
    path: '/v1/connections',
    operationId: 'listConnections',
    tag: 'Connections',
    summary: 'List connections to Salesforce, Outreach and Salesloft, with their status and sync figures',
    access: admin,
    responses: { 200: json(connectionListSchema, 'Every connection, oldest first; never a secret.') },
    handle: async (_input, { deps }) => ({ status: 200, body: { connections: await listConnections(deps.db) } }),
  }),
  operation({
    method: 'post',
    path: '/v1/connections',
    operationId: 'createConnection',
    tag: 'Connections',
    summary:
      'Connect a provider: OAuth answers with the `authorizeUrl` to grant access at; Salesforce JWT bearer gets its first token at once',
    access: admin,
    body: connectionInputSchema,
    responses: {
      201: withLinks(
        json(
          createdConnectionSchema,
          'Created: `pending_authorization` (OAuth), `connected` or `error` (JWT bearer: `statusReason` says why, ' +
            'e.g. a key that is no RSA key, or the provider refusing the assertion).',
        ),
        connectionLinks,
      ),
    },
    failures: { 400: urlRefused },
    handle: async ({ body }, { deps, req }) => {
      assertAllowedUrls(body, deps.outbound);
      const { secrets, sessions, syncs } = deps.connections;
      const callbackUrl = callbackUrlOf(req, deps.connections);
      const created = await createConnection(deps.db, secrets, toNewConnection(body, callbackUrl));
      if (body.auth.type === 'oauth') {
        const authorizeUrl = await startAuthorization(deps.db, secrets, created, callbackUrl);
        return { status: 201, body: { ...created, authorizeUrl } };
      }
      // JWT bearer needs no browser: get the first token now, so the answer says whether the settings work.
      const keyProblem = privateKeyProblem(body.auth.privateKey);
      if (keyProblem) {
        await markConnectionError(deps.db, created.id, keyProblem);
        return { status: 201, body: (await getConnection(deps.db, created.id)) ?? created };
      }
      const connected = await sessions.refresh(created.id).then(
        () => true,
        async (error: unknown) => {
          // A ConnectionAuthError has marked the connection already; anything else (host out of reach) is marked here.
          if (!(error instanceof ConnectionAuthError)) await markConnectionError(deps.db, created.id, reasonOf(error));
          return false;
        },
      );
      if (connected) await syncs.schedule(created.id);
      return { status: 201, body: (await getConnection(deps.db, created.id)) ?? created };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/connections/{id}',
    operationId: 'getConnection',
    tag: 'Connections',
    summary:
      'Read a connection: status (with the provider’s reason on error), last sync, records per object, API budget',
    access: admin,
    params: connectionParams,
    responses: { 200: json(connectionSchema, 'The connection; never a secret.') },
    failures: { 404: notFoundText },
    handle: async ({ params }, { deps }) => {
      const connection = await getConnection(deps.db, params.id);
      if (!connection) throw notFound('connection', params.id);
      return { status: 200, body: connection };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/connections/{id}',
    operationId: 'deleteConnection',
    tag: 'Connections',
    summary: 'Delete a connection: its sync stops, and what it synced and its secrets are removed',
    description:
      'The connection is gone at once (404 from then on) and routing no longer reads its records: its Schedule is ' +
      'removed, a sync under way is cancelled (no page of it is stored any more), and the records it synced are ' +
      'removed in the background by a workflow (`connection-delete-<id>`), then its secrets.',
    access: admin,
    params: connectionParams,
    callsTemporal: true,
    responses: { 204: noContent },
    failures: { 404: notFoundText },
    handle: async ({ params }, { deps }) => {
      if (!(await getConnection(deps.db, params.id))) throw notFound('connection', params.id);
      // The workflow first (a Temporal outage answers 503 with nothing changed); it marks the connection deleted
      // too, so an API process dying here leaves nothing half done.
      await deps.connections.syncs.remove(params.id);
      await markConnectionDeleted(deps.db, params.id);
      return { status: 204 };
    },
  }),
  operation({
    method: 'post',
    path: '/v1/connections/{id}/authorize',
    operationId: 'authorizeConnection',
    tag: 'Connections',
    summary: 'A new `authorizeUrl` for an OAuth connection, e.g. after its grant was revoked',
    access: admin,
    params: connectionParams,
    responses: { 200: json(authorizationSchema, 'Visit it to grant access; it expires in 15 minutes.') },
    failures: { 404: notFoundText, 409: 'not_oauth: a JWT bearer connection needs no authorization.' },
    handle: async ({ params }, { deps, req }) => {
      const connection = await getConnection(deps.db, params.id);
      if (!connection) throw notFound('connection', params.id);
      if (connection.auth.type !== 'oauth') {
        throw new HttpError(409, 'not_oauth', 'a JWT bearer connection needs no authorization: sync it to get a token');
      }
      const authorizeUrl = await startAuthorization(
        deps.db,
        deps.connections.secrets,
        connection,
        callbackUrlOf(req, deps.connections),
      );
      return { status: 200, body: { authorizeUrl } };
    },
  }),
  operation({
    method: 'post',
    path: '/v1/connections/{id}/sync',
    operationId: 'syncConnection',
    tag: 'Connections',
    summary: 'Start a sync now: incremental, or everything again with `full`',
    access: admin,
    params: connectionParams,
    body: connectionSyncSchema,
    callsTemporal: true,
    responses: { 202: json(syncStartedSchema, 'Started; follow it with GET /v1/connections/{id}.') },
    failures: {
      404: notFoundText,
      409:
        'not_authorized: the connection has no grant yet (visit its authorizeUrl); sync_running: a sync of it is ' +
        'running (one at a time; ask again when it is done).',
    },
    handle: async ({ params, body }, { deps }) => {
      const connection = await getConnection(deps.db, params.id);
      if (!connection) throw notFound('connection', params.id);
      if (connection.status === 'pending_authorization') {
        throw new HttpError(409, 'not_authorized', 'the connection has no grant yet: visit its authorizeUrl first');
      }
      // Refused rather than merged: a `full` request must never be answered by an incremental sync under way.
      // The Schedule too, in case its creation on authorization met a Temporal outage.
      await deps.connections.syncs.schedule(connection.id);
      if ((await deps.connections.syncs.start(connection.id, body.full)) === 'running') {
        throw new HttpError(409, 'sync_running', 'a sync of this connection is running; ask again when it is done');
      }
      const workflowId = connectionSyncWorkflowId(connection.id);
      return { status: 202, body: { connectionId: connection.id, workflowId, full: body.full } };
    },
  }),
  operation({
    method: 'get',
    path: OAUTH_CALLBACK_PATH,
    operationId: 'connectionOAuthCallback',
    tag: 'Connections',
    summary:
      'Where the provider redirects the admin after they grant (or refuse) access: the code is exchanged, the connection becomes `connected` or `error` with the provider’s reason',
    description:
      'The provider sends the admin’s browser here without our credentials, so it lives outside /v1: the ' +
      'single-use `state` (from the `authorizeUrl`, valid 15 minutes) names the connection. Counted against the ' +
      'unauthenticated per-address rate limit.',
    access: publicAccess,
    query: oauthCallbackQuerySchema,
    callsTemporal: true,
    responses: {
      303: {
        description:
          'Done either way: to the console’s connections page, where the connection’s status says how it went.',
        headers: { Location: { description: 'The console page.', schema: { type: 'string' } } },
      },
    },
    failures: {
      400:
        'invalid_request naming every invalid parameter in `details.issues` (e.g. a missing `state`), or ' +
        'invalid_state: unknown, already used or expired.',
    },
    handle: async ({ query }, { deps }) => {
      const { db } = deps;
      const { secrets, sessions, syncs } = deps.connections;
      // Single use and expiring; it names the connection.
      const pending = await takePendingAuthorization(db, secrets, query.state);
      if (!pending) {
        throw new HttpError(400, 'invalid_state', 'this authorization is unknown, used or expired: start it again');
      }
      if (query.error !== undefined || query.code === undefined) {
        // The admin declined, or the provider refused the request: its reason becomes the connection's.
        const reason = query.error_description || query.error || 'the provider returned no authorization code';
        await markConnectionError(db, pending.connectionId, reason);
      } else {
        const authorized = await sessions
          .exchangeCode(pending.connectionId, {
            code: query.code,
            redirectUri: pending.redirectUri,
            ...(pending.codeVerifier !== undefined && { codeVerifier: pending.codeVerifier }),
          })
          .then(
            () => true,
            async (error: unknown) => {
              await markConnectionError(db, pending.connectionId, reasonOf(error));
              return false;
            },
          );
        if (authorized) await syncs.schedule(pending.connectionId);
      }
      // The console's connections page, where the status tells how it went.
      return { status: 303, headers: { Location: CONSOLE_CONNECTIONS } };
    },
  }),
];
