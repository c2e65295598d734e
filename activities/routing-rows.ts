// The one writer of a routing's rows: its routing row, offers and conversation, with the rep events and webhook
// deliveries they cause (store/routing-writes.ts), and the start of those deliveries once committed. Built once from
// the database, the Temporal client and the task queue, by the worker (worker/create-worker.ts) and by the API server
// (api/api-server.ts), and called by the routing activities and the API alike.
import type { Client } from '@temporalio/client';
import { observeRoutingChange } from '../observability/metrics';
import type { Db } from '../store/database';
import type { RoutingProjectionChange } from '../store/projection';
import {
  applyRoutingProjection,
  type ConversationEndReason,
  endConversation,
  recordStageCheck,
  type StageCheck,
} from '../store/routing-writes';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { WebhookDispatch } from './webhook-dispatch';

export interface RoutingRowsOptions {
  db: Db;
  /** Starts the webhook delivery workflows. */
  client: Client;
  /** The routing workers' task queue, where the delivery workflows run. */
  taskQueue: string;
  /** How webhook deliveries are retried; tests shorten it. */
  webhookRetry?: WebhookRetry;
}

export class RoutingRows {
  /** Starts the deliveries a write recorded; also used for those presence changes record (the API). */
  readonly webhooks: WebhookDispatch;
  private readonly db: Db;

  constructor({ db, client, taskQueue, webhookRetry }: RoutingRowsOptions) {
    this.db = db;
    this.webhooks = new WebhookDispatch({ db, client, taskQueue, ...(webhookRetry && { retry: webhookRetry }) });
  }

  /**
   * Applies one change of a routing and starts the webhook deliveries it owes. Idempotent: the API and the workflow
   * both write an outcome an update decided, and it is applied (and announced) once. `retried`: the write may repeat
   * one that committed its deliveries but stopped before starting them, so this routing's unstarted ones start too.
   */
  async write(
    change: RoutingProjectionChange,
    { retried = false, stageCheck }: { retried?: boolean; stageCheck?: StageCheck } = {},
  ): Promise<void> {
    const { webhookDeliveryIds, applied } = await applyRoutingProjection(this.db, change, stageCheck);
    observeRoutingChange(applied);
    await this.webhooks.start(webhookDeliveryIds);
    if (retried) await this.webhooks.startUndispatched(change.routingId);
  }

  /** A routing's check of one of its stages, as what-if replays read it; a repeated check replaces it. */
  recordStageCheck(check: StageCheck): Promise<void> {
    return recordStageCheck(this.db, check);
  }

  /** The conversation is over: its rep's capacity is freed, and their stream told why. False when none was open. */
  endConversation(
    routingId: string,
    reason: ConversationEndReason,
    endedAt = new Date().toISOString(),
  ): Promise<boolean> {
    return endConversation(this.db, routingId, endedAt, reason);
  }
}
