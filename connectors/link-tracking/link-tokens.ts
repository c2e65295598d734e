// The tokens of the outbound click tracker. A tracked link carries a link token: the mailing, prospect, sender and
// original URL it stands for, with an expiry, signed with HMAC-SHA256 under the provider's tracker key, so nobody
// can make a link that redirects elsewhere or names another sender. A click on it is recorded and gets a click
// token: 256 random bits, stored only as a hash, handed to the landing page (`outbound_click`), and redeemable by
// one visitor (store/outbound-tracking.ts).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { outboundProviderSchema } from '../../domain/integrations';

/** How long a tracked link in an email keeps working. */
export const LINK_TOKEN_TTL_DAYS = 90;
/** How long a click's token can be redeemed by the visitor who landed with it. */
export const CLICK_TOKEN_TTL_HOURS = 24;
/** The query parameter the landing page receives the click token in. */
export const CLICK_TOKEN_PARAM = 'outbound_click';
/** Longest original URL a tracked link may stand for (the token travels in a URL). */
export const MAX_TRACKED_URL_LENGTH = 2048;

const claimsSchema = z.strictObject({
  v: z.literal(1),
  provider: outboundProviderSchema,
  url: z.string().max(MAX_TRACKED_URL_LENGTH),
  senderEmail: z.string().max(320),
  prospectEmail: z.string().max(320).optional(),
  prospectId: z.string().max(64).optional(),
  mailingId: z.string().max(64).optional(),
  /** Expiry, epoch seconds. */
  exp: z.int(),
});
export type LinkClaims = z.infer<typeof claimsSchema>;

const mac = (key: Buffer, payload: string) => createHmac('sha256', key).update(payload).digest();

export const newLinkKey = () => randomBytes(32).toString('base64url');

/** A link token: `<payload>.<signature>`, both base64url. */
export function signLinkToken(key: string, claims: Omit<LinkClaims, 'v' | 'exp'>, now = new Date()): string {
  const exp = Math.floor(now.getTime() / 1000) + LINK_TOKEN_TTL_DAYS * 86_400;
  const payload = Buffer.from(JSON.stringify({ v: 1, ...claims, exp })).toString('base64url');
  return `${payload}.${mac(Buffer.from(key, 'base64url'), payload).toString('base64url')}`;
}

/** The provider a link token says it is for, unverified: which key to check it with. */
export function unverifiedProvider(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.provider === 'string' ? payload.provider : undefined;
  } catch {
    return undefined;
  }
}

export type LinkRefusal = 'malformed' | 'bad_signature' | 'expired';

/** The token's claims if `key` signed it and it has not expired; otherwise why not. */
export function verifyLinkToken(
  key: string,
  token: string,
  now = new Date(),
): { claims: LinkClaims } | { refused: LinkRefusal } {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return { refused: 'malformed' };
  const expected = mac(Buffer.from(key, 'base64url'), payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'bad_signature' };
  let parsed: z.ZodSafeParseResult<LinkClaims>;
  try {
    parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    return { refused: 'malformed' };
  }
  if (!parsed.success) return { refused: 'malformed' };
  if (parsed.data.exp * 1000 <= now.getTime()) return { refused: 'expired' };
  return { claims: parsed.data };
}

/** A new click token and the hash it is stored under. */
export function newClickToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: clickTokenHash(token) };
}

export const clickTokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Only http(s) links are tracked (Outreach offers only those), and the redirect goes nowhere else. */
export function isTrackableUrl(url: string): boolean {
  if (url.length > MAX_TRACKED_URL_LENGTH) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Whether the URL is on one of the landing sites (a host or a subdomain of one). */
export function onLandingSite(url: string, landingHosts: readonly string[]): boolean {
  const host = new URL(url).hostname.toLowerCase();
  return landingHosts.some((site) => host === site || host.endsWith(`.${site}`));
}

/**
 * Where a click goes: the original URL, with the click token added when the URL is on one of the landing sites
 * (a host or a subdomain of one), so a token never goes to a site that is not the customer's.
 */
export function landingUrl(url: string, clickToken: string, landingHosts: readonly string[]): string {
  if (!onLandingSite(url, landingHosts)) return url;
  const target = new URL(url);
  target.searchParams.set(CLICK_TOKEN_PARAM, clickToken);
  return target.toString();
}
