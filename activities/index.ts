// Every activity the worker registers, built over one database handle.
import type { OutboundPolicy } from '../outbound/destination-policy';
import type { Db } from '../store/database';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { createOwnerActivities } from './owners';
import { createRetentionActivities } from './retention';
import { createRoutingActivities } from './routing';
import { createWebhookActivities } from './webhooks';

export interface ActivityOptions {
  /** How webhook deliveries are retried; tests shorten it. */
  webhookRetry?: WebhookRetry;
  /** Which destinations webhook deliveries may reach (OUTBOUND_ALLOWED_HOSTS); by default no internal one. */
  outboundPolicy?: OutboundPolicy;
}

export function createActivities(db: Db, options: ActivityOptions = {}) {
  return {
    ...createRoutingActivities(db, options.webhookRetry),
    ...createOwnerActivities(db),
    ...createRetentionActivities(db),
    ...createWebhookActivities(db, options.outboundPolicy),
  };
}

export type Activities = ReturnType<typeof createActivities>;
