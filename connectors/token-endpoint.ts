// Calls to a provider's OAuth 2.0 token endpoint (RFC 6749 section 4.1.3, 6; RFC 7523 for JWT bearer), through the
// outbound guard. An answer with an OAuth error (`invalid_grant`, `invalid_client`, ...) means the grant or the
// app's settings are wrong until an admin acts: ConnectionAuthError, which no retry fixes. A network failure or a
// 5xx is left to the caller's retries.
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Agent } from 'undici';
import { fetch } from 'undici';
import { z } from 'zod';

const TOKEN_CALL_TIMEOUT_MS = 15_000;
/** Salesforce accepts JWT bearer assertions that expire within 3 minutes. */
const ASSERTION_LIFETIME = '3m';

/** The provider refused the grant or the client: the connection needs an admin. Not retryable. */
export class ConnectionAuthError extends Error {
  override readonly name = 'ConnectionAuthError';
  readonly nonRetryable = true;
  constructor(
    /** The OAuth error code, e.g. `invalid_grant`. */
    readonly oauthError: string,
    /** The provider's `error_description` when it gave one, else the code. */
    readonly reason: string,
  ) {
    super(`${oauthError}: ${reason}`);
  }
}

// Every provider's token response carries these (Salesforce adds instance_url, id, issued_at, signature; Outreach
// and Salesloft add expires_in and rotate the refresh token).
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  instance_url: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
});
const errorResponseSchema = z.looseObject({ error: z.string().min(1), error_description: z.string().optional() });

export interface TokenGrant {
  accessToken: string;
  refreshToken?: string;
  instanceUrl?: string;
  /** When the provider said the access token expires (expires_in); Salesforce does not say. */
  expiresAt?: Date;
}

export async function requestToken(
  tokenUrl: string,
  form: Record<string, string>,
  dispatcher: Agent,
  now: () => Date = () => new Date(),
): Promise<TokenGrant> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    dispatcher,
    redirect: 'error',
    signal: AbortSignal.timeout(TOKEN_CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const oauthError = errorResponseSchema.safeParse(body);
    if (response.status < 500 && oauthError.success) {
      const { error, error_description: description } = oauthError.data;
      throw new ConnectionAuthError(error, description || error);
    }
    throw new Error(`token endpoint answered ${response.status}`);
  }
  const granted = tokenResponseSchema.safeParse(body);
  if (!granted.success) throw new Error('token endpoint answered without an access_token');
  const { access_token, refresh_token, instance_url, expires_in } = granted.data;
  return {
    accessToken: access_token,
    ...(refresh_token !== undefined && { refreshToken: refresh_token }),
    ...(instance_url !== undefined && { instanceUrl: instance_url }),
    ...(expires_in !== undefined && { expiresAt: new Date(now().getTime() + expires_in * 1000) }),
  };
}

/** An RSA private key in PEM (PKCS#8 or PKCS#1), or an error saying what is wrong with it. */
export function rsaPrivateKey(pem: string) {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`an RSA key is needed, not ${key.asymmetricKeyType}`);
  return key;
}

/**
 * Salesforce's OAuth 2.0 JWT bearer assertion (RS256): issued by the connected app's consumer key for `username`,
 * for the login URL's audience.
 */
export function jwtBearerAssertion(options: {
  clientId: string;
  username: string;
  audience: string;
  privateKey: string;
}) {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(options.clientId)
    .setSubject(options.username)
    .setAudience(options.audience)
    .setExpirationTime(ASSERTION_LIFETIME)
    .sign(rsaPrivateKey(options.privateKey));
}
