// The start of the OAuth 2.0 authorization code flow: the URL an admin visits to grant access, with a `state`
// bound to the connection (random, stored hashed, single use, expiring) and, where the provider supports it, a
// PKCE S256 challenge (RFC 7636) whose verifier only this service holds. The callback (api/routes/connections.ts)
// takes the state back and exchanges the code (ConnectionSessions.exchangeCode).
import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from '../store/connections';
import { getConnectionCredentials, savePendingAuthorization } from '../store/connections';
import type { Db } from '../store/database';
import type { SecretBox } from '../store/secret-box';
import { endpointsOf } from './endpoints';

/** How long an admin has to complete the provider's consent screen. */
export const AUTHORIZATION_TTL_MS = 15 * 60_000;

const randomToken = () => randomBytes(32).toString('base64url');
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export async function startAuthorization(
  db: Db,
  box: SecretBox,
  connection: Pick<Connection, 'id' | 'provider'>,
  redirectUri: string,
  now = new Date(),
): Promise<string> {
  const credentials = await getConnectionCredentials(db, box, connection.id);
  if (!credentials) throw new Error(`connection ${connection.id} does not exist`);
  const endpoints = endpointsOf(connection.provider, credentials.settings);
  const state = randomToken();
  const codeVerifier = endpoints.pkce ? randomToken() : undefined;
  await savePendingAuthorization(
    db,
    box,
    state,
    { connectionId: connection.id, redirectUri, ...(codeVerifier !== undefined && { codeVerifier }) },
    new Date(now.getTime() + AUTHORIZATION_TTL_MS),
  );
  const url = new URL(endpoints.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', credentials.settings.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('state', state);
  if (endpoints.scope !== undefined) url.searchParams.set('scope', endpoints.scope);
  if (codeVerifier !== undefined) {
    url.searchParams.set('code_challenge', s256(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}
