// Every activity the worker registers, built over one database handle and the one writer of routing rows.
import type { OutboundPolicy } from '../outbound/destination-policy';
import type { Db } from '../store/database';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { createConnectionCleanupActivities } from './connection-cleanup';
import { createConsolePresenceActivities } from './console-presence';
import { createOwnerActivities } from './owners';
import { createRetentionActivities } from './retention';
import { createRoutingActivities, createRoutingReads } from './routing';
import type { RoutingRows } from './routing-rows';
import { createWebhookActivities } from './webhooks';
import { createWhatIfActivities } from './what-if';

export interface ActivityOptions {
  /** How webhook deliveries are retried; tests shorten it. */
  webhookRetry?: WebhookRetry;
  /** Which destinations webhook deliveries may reach (OUTBOUND_ALLOWED_HOSTS); by default no internal one. */
  outboundPolicy?: OutboundPolicy;
}

/** `rows` writes every routing row the activities write, and starts the webhook deliveries those writes owe. */
export function createActivities(db: Db, rows: RoutingRows, options: Pick<ActivityOptions, 'outboundPolicy'> = {}) {
  return {
    ...createRoutingActivities(db, rows),
    ...createOwnerActivities(db),
    ...createRetentionActivities(db),
    ...createConnectionCleanupActivities(db),
    ...createConsolePresenceActivities(db, rows),
    ...createWebhookActivities(db, options.outboundPolicy),
    ...createWhatIfActivities(db),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** The activities that only read, the rule match and each stage's people: what a simulation runs. */
export function createReadActivities(db: Db) {
  return { ...createRoutingReads(db), ...createOwnerActivities(db) };
}
