// Signed-in sessions with the providers, for the syncs and live lookups: `current` gives a usable access token,
// `refresh` gets a new one (after the provider said the session expired, e.g. Salesforce's INVALID_SESSION_ID).
// A refresh uses the refresh token, or for Salesforce's JWT bearer flow a new assertion. A grant the provider
// refuses (revoked, expired: `invalid_grant`) puts the connection in `error` with the provider's reason and throws
// ConnectionAuthError, which no retry fixes.
import type { Agent } from 'undici';
import type { ProviderSession } from '../domain/connections';
import type { OutboundPolicy } from '../outbound/destination-policy';
import { guardedDispatcher } from '../outbound/guarded-dispatcher';
import {
  type ConnectionCredentials,
  getConnectionCredentials,
  markConnectionError,
  saveGrantedTokens,
} from '../store/connections';
import type { Db } from '../store/database';
import { ConnectionUnavailableError } from '../store/errors';
import type { SecretBox } from '../store/secret-box';
import { apiBaseUrlOf, endpointsOf, providerDefaults } from './endpoints';
import { ConnectionAuthError, jwtBearerAssertion, requestToken, type TokenGrant } from './token-endpoint';

/** An access token this close to its stated expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 60_000;

export { ConnectionAuthError, ConnectionUnavailableError };

export interface ConnectionSessionsOptions {
  db: Db;
  secrets: SecretBox;
  outbound: OutboundPolicy;
  now?: () => Date;
}

export class ConnectionSessions {
  readonly #db: Db;
  readonly #secrets: SecretBox;
  readonly #now: () => Date;
  readonly #dispatcher: Agent;
  /** One refresh per connection at a time in this process: concurrent callers share its result. */
  readonly #refreshing = new Map<string, Promise<ProviderSession>>();

  constructor(options: ConnectionSessionsOptions) {
    this.#db = options.db;
    this.#secrets = options.secrets;
    this.#now = options.now ?? (() => new Date());
    this.#dispatcher = guardedDispatcher(options.outbound);
  }

  /** The stored session when its token is not known to be expiring, else a refreshed one. */
  async current(connectionId: string): Promise<ProviderSession> {
    const credentials = await this.#credentials(connectionId);
    const { accessToken } = credentials.secrets;
    const expiring =
      credentials.accessTokenExpiresAt !== undefined &&
      Date.parse(credentials.accessTokenExpiresAt) - EXPIRY_MARGIN_MS <= this.#now().getTime();
    const apiBaseUrl = apiBaseUrlOf(credentials.provider, credentials.settings);
    if (accessToken && apiBaseUrl && !expiring) return { accessToken, apiBaseUrl };
    return this.refresh(connectionId);
  }

  /** A new access token from the provider, stored (sealed) for every process to use. */
  refresh(connectionId: string): Promise<ProviderSession> {
    const running = this.#refreshing.get(connectionId);
    if (running) return running;
    const refreshing = this.#refresh(connectionId).finally(() => this.#refreshing.delete(connectionId));
    this.#refreshing.set(connectionId, refreshing);
    return refreshing;
  }

  /** Releases the HTTP connections kept open to the providers. */
  close(): Promise<void> {
    return this.#dispatcher.close();
  }

  async #refresh(connectionId: string): Promise<ProviderSession> {
    const credentials = await this.#credentials(connectionId);
    let grant: TokenGrant;
    try {
      grant = await this.#grant(credentials);
    } catch (error) {
      if (error instanceof ConnectionAuthError) await markConnectionError(this.#db, connectionId, error.reason);
      throw error;
    }
    if (!(await this.#save(connectionId, grant)))
      throw new ConnectionUnavailableError(`connection ${connectionId} was deleted`);
    const settings = {
      ...credentials.settings,
      ...(grant.instanceUrl !== undefined && { instanceUrl: grant.instanceUrl }),
    };
    const apiBaseUrl = apiBaseUrlOf(credentials.provider, settings);
    if (!apiBaseUrl) throw new Error('the token response named no instance_url');
    return { accessToken: grant.accessToken, apiBaseUrl };
  }

  /** A new grant: JWT bearer mints one from the key; OAuth connections use their refresh token. */
  #grant(credentials: ConnectionCredentials): Promise<TokenGrant> {
    const { provider, settings, secrets } = credentials;
    const { tokenUrl } = endpointsOf(provider, settings);
    if (credentials.authType === 'jwt') return this.#jwtBearerGrant(credentials);
    if (!secrets.refreshToken) {
      throw new ConnectionUnavailableError(`connection ${credentials.id} is not authorized yet`);
    }
    return requestToken(
      tokenUrl,
      {
        grant_type: 'refresh_token',
        refresh_token: secrets.refreshToken,
        client_id: settings.clientId,
        ...(secrets.clientSecret !== undefined && { client_secret: secrets.clientSecret }),
        // Outreach wants the redirect URI the grant was issued for on refreshes too.
        ...(provider === 'outreach' && settings.redirectUri !== undefined && { redirect_uri: settings.redirectUri }),
      },
      this.#dispatcher,
      this.#now,
    );
  }

  /** Salesforce's OAuth 2.0 JWT bearer flow: an RS256 assertion for the configured user, no refresh token. */
  async #jwtBearerGrant(credentials: ConnectionCredentials): Promise<TokenGrant> {
    const { settings, secrets } = credentials;
    if (!settings.username || !secrets.privateKey) {
      throw new ConnectionUnavailableError(`connection ${credentials.id} has no JWT bearer settings`);
    }
    const loginUrl = (settings.loginUrl ?? providerDefaults.salesforce.loginUrl).replace(/\/+$/, '');
    const assertion = await jwtBearerAssertion({
      clientId: settings.clientId,
      username: settings.username,
      audience: loginUrl,
      privateKey: secrets.privateKey,
    });
    const { tokenUrl } = endpointsOf('salesforce', settings);
    return requestToken(
      tokenUrl,
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion },
      this.#dispatcher,
      this.#now,
    );
  }

  /** Exchanges an authorization code (the OAuth callback) for the connection's grant; throws as requestToken does. */
  async exchangeCode(
    connectionId: string,
    exchange: { code: string; redirectUri: string; codeVerifier?: string },
  ): Promise<void> {
    const credentials = await this.#credentials(connectionId);
    const { tokenUrl } = endpointsOf(credentials.provider, credentials.settings);
    const grant = await requestToken(
      tokenUrl,
      {
        grant_type: 'authorization_code',
        code: exchange.code,
        redirect_uri: exchange.redirectUri,
        client_id: credentials.settings.clientId,
        ...(credentials.secrets.clientSecret !== undefined && { client_secret: credentials.secrets.clientSecret }),
        ...(exchange.codeVerifier !== undefined && { code_verifier: exchange.codeVerifier }),
      },
      this.#dispatcher,
      this.#now,
    );
    await this.#save(connectionId, grant);
  }

  /** Stores the grant (sealed); false when the connection was deleted meanwhile. */
  #save(connectionId: string, grant: TokenGrant): Promise<boolean> {
    return saveGrantedTokens(this.#db, this.#secrets, connectionId, {
      accessToken: grant.accessToken,
      ...(grant.refreshToken !== undefined && { refreshToken: grant.refreshToken }),
      ...(grant.expiresAt && { accessTokenExpiresAt: grant.expiresAt.toISOString() }),
      ...(grant.instanceUrl !== undefined && { instanceUrl: grant.instanceUrl }),
    });
  }

  async #credentials(connectionId: string): Promise<ConnectionCredentials> {
    const credentials = await getConnectionCredentials(this.#db, this.#secrets, connectionId);
    if (!credentials) throw new ConnectionUnavailableError(`connection ${connectionId} does not exist`);
    return credentials;
  }
}

/** What an admin is shown for a failed token call: the provider's reason, or what went wrong on the way. */
export function reasonOf(error: unknown): string {
  if (error instanceof ConnectionAuthError) return error.reason;
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return `could not reach the token endpoint (${(error as Error).message}${detail})`;
}
