// The events a webhook endpoint can subscribe to.
export const webhookEventTypes = [
  'offer.created',
  'offer.withdrawn',
  'routing.connected',
  'routing.finished',
  'presence.changed',
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
