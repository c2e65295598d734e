// Starts the delivery workflow of each newly recorded webhook delivery. Called after the transaction that recorded
// them has committed, by the routing activities (worker) and by the API (presence changes).
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

export interface WebhookDispatch {
  client: Client;
  taskQueue: string;
  retry?: WebhookRetry;
}

/** One workflow per delivery, keyed by its id: starting it twice (a retried activity) starts nothing new. */
export async function startWebhookDeliveries(db: Db, dispatch: WebhookDispatch, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const retry = dispatch.retry ?? defaultWebhookRetry;
  await Promise.all(
    ids.map(async (deliveryId) => {
      const input: DeliverWebhookInput = { deliveryId, retry };
      try {
        await dispatch.client.workflow.start<typeof deliverWebhook>(deliverWebhookWorkflowType, {
          taskQueue: dispatch.taskQueue,
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
export async function startUndispatchedDeliveries(db: Db, dispatch: WebhookDispatch, routingId?: string) {
  await startWebhookDeliveries(db, dispatch, await undispatchedDeliveryIds(db, routingId));
}
