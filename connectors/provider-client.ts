// Authenticated GETs to a provider's REST API for the Outreach and Salesloft connectors: through the outbound guard,
// with the connection's session, a refresh and one retry on 401, and a 429 turned into an activity failure that
// Temporal retries after the provider's Retry-After (so a rate-limited page costs no worker slot while it waits).
import { ApplicationFailure } from '@temporalio/common';
import { type Dispatcher, fetch } from 'undici';
import type { ApiBudget, ProviderSession } from '../domain/connections';

/** Where a connector gets its connection's session: connectors/sessions.ts `ConnectionSessions`. */
export interface SessionSource {
  current(connectionId: string): Promise<ProviderSession>;
  refresh(connectionId: string): Promise<ProviderSession>;
}

/** A page request may not hang a sync: the activity is retried instead. */
const REQUEST_TIMEOUT_MS = 30_000;
/** When a 429 names no wait (no Retry-After, no reset header): a minute, the providers' shortest window. */
const DEFAULT_RATE_LIMIT_WAIT_S = 60;
/** Never wait longer than this on one 429, whatever a header says: the next attempt asks again. */
const MAX_RATE_LIMIT_WAIT_S = 3600;

/** The failure types a sync workflow can tell apart (ApplicationFailure.type). */
export const providerFailureTypes = {
  rateLimited: 'provider_rate_limited',
  unauthorized: 'provider_unauthorized',
  badResponse: 'provider_bad_response',
} as const;

export interface ProviderResponse {
  body: unknown;
  budget?: ApiBudget;
  /** HTTP calls made for it: 2 when the token had to be refreshed. */
  calls: number;
}

/**
 * Seconds to wait from a 429's headers: `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (Outreach
 * sends the reset as epoch seconds), else a minute. Bounded to [1 s, 1 h].
 */
export function rateLimitWaitSeconds(headers: Headers, now = Date.now()): number {
  const bounded = (seconds: number) => Math.min(MAX_RATE_LIMIT_WAIT_S, Math.max(1, Math.ceil(seconds)));
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return bounded(Number(retryAfter));
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return bounded((at - now) / 1000);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    const value = Number(reset);
    // Epoch seconds are large; a small number is a delay in seconds.
    return bounded(value > 1_000_000_000 ? value - now / 1000 : value);
  }
  return DEFAULT_RATE_LIMIT_WAIT_S;
}

/** The budget the provider reports on a response: Outreach's X-RateLimit-*, Salesloft's x-ratelimit-*-minute. */
function budgetOf(headers: Headers): ApiBudget | undefined {
  const limit = Number(headers.get('x-ratelimit-limit') ?? headers.get('x-ratelimit-limit-minute') ?? Number.NaN);
  const remaining = Number(
    headers.get('x-ratelimit-remaining') ?? headers.get('x-ratelimit-remaining-minute') ?? Number.NaN,
  );
  if (!Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  return { used: Math.max(0, limit - remaining), limit };
}

/** A URL under the session's API base: a `next` link pointing elsewhere would take the bearer token with it. */
export function underApiBase(session: ProviderSession, url: URL): boolean {
  const base = new URL(session.apiBaseUrl);
  return url.origin === base.origin && url.pathname.startsWith(base.pathname.replace(/\/?$/, '/'));
}

export interface ProviderClient {
  /** GETs `pathOrUrl` (a path under the API base, or a `next` link the API gave) as JSON. */
  getJson(connectionId: string, pathOrUrl: string, accept?: string): Promise<ProviderResponse>;
}

export function providerClient(sessions: SessionSource, dispatcher: Dispatcher): ProviderClient {
  async function get(session: ProviderSession, pathOrUrl: string, accept: string) {
    const url = new URL(pathOrUrl, session.apiBaseUrl.replace(/\/?$/, '/'));
    if (!underApiBase(session, url)) {
      throw ApplicationFailure.nonRetryable(
        `refusing ${url.origin}: not the API base`,
        providerFailureTypes.badResponse,
      );
    }
    return fetch(url, {
      dispatcher,
      headers: { authorization: `Bearer ${session.accessToken}`, accept },
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  return {
    async getJson(connectionId, pathOrUrl, accept = 'application/json') {
      let response = await get(await sessions.current(connectionId), pathOrUrl, accept);
      let calls = 1;
      if (response.status === 401) {
        calls++;
        // The access token expired (or was revoked): a fresh one from the refresh token, then the same request.
        await response.body?.cancel();
        response = await get(await sessions.refresh(connectionId), pathOrUrl, accept);
        if (response.status === 401) {
          const reason = await response.text().catch(() => '');
          throw ApplicationFailure.nonRetryable(
            `the provider refused the refreshed token: ${reason.slice(0, 300)}`,
            providerFailureTypes.unauthorized,
          );
        }
      }
      if (response.status === 429) {
        await response.body?.cancel();
        const seconds = rateLimitWaitSeconds(response.headers);
        throw ApplicationFailure.create({
          message: `rate limited by the provider; retrying in ${seconds} s`,
          type: providerFailureTypes.rateLimited,
          nextRetryDelay: `${seconds}s`,
          details: [{ retryAfterSeconds: seconds }],
        });
      }
      if (response.status < 200 || response.status >= 300) {
        const text = await response.text().catch(() => '');
        // 5xx and the like are retried by Temporal's policy; a 4xx will not get better by itself.
        const message = `${response.status} from ${new URL(response.url || pathOrUrl, 'http://x').pathname}: ${text.slice(0, 300)}`;
        if (response.status >= 400 && response.status < 500) {
          throw ApplicationFailure.nonRetryable(message, providerFailureTypes.badResponse);
        }
        throw ApplicationFailure.retryable(message, providerFailureTypes.badResponse);
      }
      const budget = budgetOf(response.headers);
      return { body: await response.json(), calls, ...(budget && { budget }) };
    },
  };
}
