import { z } from 'zod';
import { webhookEventTypes } from '../../domain/webhook-events';

/** How long a replaced signing secret keeps signing deliveries, next to the new one, unless the request says. */
export const defaultPreviousSecretValidHours = 24;

export const webhookEndpointInputSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2000)
      .meta({
        description:
          'Where deliveries are POSTed. Loopback, private, link-local and other internal addresses are refused (here ' +
          'when the host is a literal address, and when connecting otherwise) unless the operator allows them with ' +
          'OUTBOUND_ALLOWED_HOSTS.',
      }),
    events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length),
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
    rotateSecret: z
      .boolean()
      .default(false)
      .meta({
        description:
          'On replace only: issue a new signing secret. Deliveries carry a signature with the new and one with the ' +
          'previous secret for `previousSecretValidHours`, so receivers can switch without refusing any.',
      }),
    previousSecretValidHours: z
      .int()
      .min(0)
      .max(24 * 7)
      .default(defaultPreviousSecretValidHours)
      .meta({
        description:
          'With `rotateSecret`: how long the previous secret keeps signing deliveries (0: at once, e.g. if it leaked).',
      }),
  })
  .meta({ id: 'WebhookEndpointInput' });

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    description: z.string().optional(),
    secret: z.string().meta({
      description: 'Signs every delivery (Standard Webhooks, `whsec_` + base64 key): see the README, "Webhooks".',
    }),
    previousSecretExpiresAt: z.string().optional().meta({
      description: 'While the secret before the last rotation still signs deliveries too: until when.',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' });

export const webhookEndpointListSchema = z
  .object({ endpoints: z.array(webhookEndpointSchema) })
  .meta({ id: 'WebhookEndpointList' });

export const webhookDeliveriesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const webhookDeliveryListSchema = z
  .object({
    deliveries: z.array(
      z.object({
        id: z.string(),
        endpointId: z.string(),
        eventId: z.string(),
        eventType: z.string(),
        status: z.enum(['pending', 'succeeded', 'failed']),
        attempts: z.array(
          z.object({
            attempt: z.number(),
            attemptedAt: z.string(),
            statusCode: z.number().nullable(),
            error: z.string().nullable(),
            durationMs: z.number(),
          }),
        ),
        createdAt: z.string(),
        updatedAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'WebhookDeliveryList' });
