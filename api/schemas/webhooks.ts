import { z } from 'zod';
import { webhookEventTypes } from '../../store/webhooks';

export const webhookEndpointInputSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2000),
    events: z.array(z.enum(webhookEventTypes)).min(1).max(webhookEventTypes.length),
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
    /** On replace only: issue a new signing secret (the old one stops working at once). */
    rotateSecret: z.boolean().default(false),
  })
  .meta({ id: 'WebhookEndpointInput' });

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(webhookEventTypes)),
    enabled: z.boolean(),
    description: z.string().optional(),
    secret: z.string().meta({ description: 'Signs every delivery: see the README, "Webhooks".' }),
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
