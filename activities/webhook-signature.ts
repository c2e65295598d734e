// How deliveries are signed, in the scheme receivers know from payment and chat platforms: an HMAC-SHA256, keyed
// by the endpoint's secret, over "<unix seconds>.<raw body>", sent as `Routing-Signature: t=<seconds>,v1=<hex>`.
// The timestamp inside the signed text lets a receiver refuse replays of an old delivery.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'routing-signature';

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** What a receiver does: recompute the signature and compare in constant time, within a tolerance of the clock. */
export function verifyWebhook(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || given === undefined) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = signWebhook(secret, timestamp, body).split('v1=')[1] as string;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
