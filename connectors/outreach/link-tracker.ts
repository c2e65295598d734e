// Outreach's "Mailing links custom tracker" extension (developers.outreach.io, client extensions): before an email
// goes out, Outreach POSTs the email's links with the mailing, the prospect and the sending user, signed with
// `Outreach-Webhook-Signature` (hex HMAC-SHA256 of the raw body under the app's webhook secret), and expects a map
// from each link to its replacement. A failure or no answer sends the email with its original links.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const OUTREACH_SIGNATURE_HEADER = 'outreach-webhook-signature';

/** Whether `signature` (the header's value) is the body's HMAC under `secret`; compared in constant time. */
export function outreachSignatureValid(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

const id = z.union([z.string(), z.number()]).transform(String);

/** Links an email may carry, and the bounds on what one call may ask for. */
const MAX_LINKS = 200;

export const linkReplacementRequestSchema = z.looseObject({
  /** The links to replace (possibly already replaced by another extension). */
  data: z.array(z.string().max(4096)).max(MAX_LINKS),
  meta: z.looseObject({
    mailing: z.looseObject({ id: id.optional() }).optional(),
    prospect: z.looseObject({ id: id.optional(), email: z.string().max(320).nullable().optional() }).optional(),
    user: z.looseObject({ id: id.optional(), email: z.string().max(320).nullable().optional() }).optional(),
    /** Original links (as the user wrote them) to their current form (the values are in `data`). */
    urls: z.record(z.string(), z.string()).optional(),
  }),
});
export type LinkReplacementRequest = z.infer<typeof linkReplacementRequestSchema>;

/** The answer Outreach expects: `{ data: { <link>: <replacement> } }`. */
export const linkReplacementResponse = (replacements: Map<string, string>) => ({
  data: Object.fromEntries(replacements),
});
