// Starts the delivery workflow of each newly recorded webhook delivery, after the transaction that recorded them has
// committed. Built once per process side (worker, API) by RoutingRows (routing-rows.ts), which every writer of
// deliveries goes through: routing writes (worker and API) and presence changes (API).
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Db } from '../store/database';
import { markDeliveriesDispatched, undispatchedDeliveryIds } from '../store/webhooks';
import {
  type DeliverWebhookInput,
  defaultWebhookRetry,
  type deliverWebhook,
  deliverWebhookWorkflowType,
  type WebhookRetry,
} from '../workflows/deliver-webhook';

export interface WebhookDispatchOptions {
  db: Db;
  /** Starts the delivery workflows. */
  client: Client;
  /** Where the delivery workflows run: the routing workers' queue. */
  taskQueue: string;
  /** How deliveries are retried; tests shorten it. */
  retry?: WebhookRetry;
}

export class WebhookDispatch {
  private readonly retry: WebhookRetry;

  constructor(private readonly options: WebhookDispatchOptions) {
    this.retry = options.retry ?? defaultWebhookRetry;
  }

  /** One workflow per delivery, keyed by its id: starting it twice (a retried activity) starts nothing new. */
  async start(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const { client, taskQueue, db } = this.options;
    await Promise.all(
      ids.map(async (deliveryId) => {
        const input: DeliverWebhookInput = { deliveryId, retry: this.retry };
        try {
          await client.workflow.start<typeof deliverWebhook>(deliverWebhookWorkflowType, {
            taskQueue,
            workflowId: `webhook-${deliveryId}`,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }),
    );
    await markDeliveriesDispatched(db, ids);
  }

  /**
   * Starts deliveries recorded but never started because their process stopped between commit and start: those of
   * one routing (a retried routing activity), or all of them (a worker starting up).
   */
  async startUndispatched(routingId?: string): Promise<void> {
    await this.start(await undispatchedDeliveryIds(this.options.db, routingId));
  }
}
