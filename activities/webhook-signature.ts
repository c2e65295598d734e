// How deliveries are signed: Standard Webhooks (https://www.standardwebhooks.com), so a receiver verifies them with
// any Standard Webhooks library. `webhook-signature` holds one `v1,<base64 HMAC-SHA256>` of
// "<webhook-id>.<webhook-timestamp>.<raw body>" per secret, space-separated: after a rotation, one with the new
// secret and one with the previous, so receivers still holding the previous secret keep verifying until it expires.
import { Webhook } from 'standardwebhooks';

export function standardWebhookHeaders(
  secrets: readonly string[],
  messageId: string,
  sentAt: Date,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': messageId,
    // Whole seconds, as signed: the library signs the timestamp rounded down.
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, sentAt, body)).join(' '),
  };
}
