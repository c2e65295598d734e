// Where each provider's OAuth endpoints and API are, from its settings: the documented defaults, or the base-URL
// overrides a connection names (a Salesforce sandbox, a local test server). Pure.
import type { ConnectionProvider } from '../domain/connections';
import type { ConnectionSettings } from '../store/connections';

/** Documented defaults (Salesforce: help.salesforce.com OAuth endpoints; Outreach and Salesloft: their API docs). */
export const providerDefaults = {
  salesforce: { loginUrl: 'https://login.salesforce.com' },
  outreach: { apiBaseUrl: 'https://api.outreach.io/api/v2', tokenUrl: 'https://api.outreach.io/oauth/token' },
  salesloft: { apiBaseUrl: 'https://api.salesloft.com/v2', tokenUrl: 'https://accounts.salesloft.com/oauth/token' },
} as const;

/** Scopes asked for: what the sync reads, and (Salesforce) a refresh token. Salesloft scopes are set on the app. */
const scopes: Record<ConnectionProvider, string | undefined> = {
  salesforce: 'api refresh_token',
  outreach: 'users.read prospects.read mailings.read',
  salesloft: undefined,
};

/** PKCE (S256) only where the provider documents it: Salesforce does; Outreach's and Salesloft's docs do not. */
const supportsPkce: Record<ConnectionProvider, boolean> = { salesforce: true, outreach: false, salesloft: false };

const trimmed = (url: string) => url.replace(/\/+$/, '');

export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  scope: string | undefined;
  pkce: boolean;
}

export function endpointsOf(provider: ConnectionProvider, settings: ConnectionSettings): ProviderEndpoints {
  if (provider === 'salesforce') {
    const loginUrl = trimmed(settings.loginUrl ?? providerDefaults.salesforce.loginUrl);
    return {
      authorizeUrl: `${loginUrl}/services/oauth2/authorize`,
      tokenUrl: `${loginUrl}/services/oauth2/token`,
      scope: scopes.salesforce,
      pkce: supportsPkce.salesforce,
    };
  }
  const tokenUrl = settings.tokenUrl ?? providerDefaults[provider].tokenUrl;
  // Both document the authorize endpoint next to the token endpoint: /oauth/authorize beside /oauth/token.
  const authorizeUrl = tokenUrl.replace(/\/token\/?$/, '/authorize');
  return { authorizeUrl, tokenUrl, scope: scopes[provider], pkce: supportsPkce[provider] };
}

/** Where the provider's REST API is for this connection: Salesforce's instance URL, else the (overridden) base. */
export function apiBaseUrlOf(provider: ConnectionProvider, settings: ConnectionSettings): string | undefined {
  if (provider === 'salesforce') return settings.instanceUrl;
  return trimmed(settings.apiBaseUrl ?? providerDefaults[provider].apiBaseUrl);
}
