// Every activity the worker registers, built over one database handle.
import type { Db } from '../store/database';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { createOwnerActivities } from './owners';
import { createRoutingActivities } from './routing';
import { createWebhookActivities } from './webhooks';

export interface ActivityOptions {
  /** How webhook deliveries are retried; tests shorten it. */
  webhookRetry?: WebhookRetry;
}

export function createActivities(db: Db, options: ActivityOptions = {}) {
  return {
    ...createRoutingActivities(db, options.webhookRetry),
    ...createOwnerActivities(db),
    ...createWebhookActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;
