// One webhook delivery: Temporal retries the send with exponential backoff until the endpoint answers 2xx or the
// attempts run out; the delivery then stays visible as failed. Its own workflow, so a slow or dead endpoint never
// adds history to (or holds up) a routing.
import { ActivityFailure, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const deliverWebhookWorkflowType = 'deliverWebhook';

export interface WebhookRetry {
  initialIntervalMs: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

/** About 2 s, 4 s, 8 s ... capped at 10 minutes: 12 attempts span roughly an hour and a half. */
export const defaultWebhookRetry: WebhookRetry = {
  initialIntervalMs: 2_000,
  maximumIntervalMs: 600_000,
  maximumAttempts: 12,
};

export interface DeliverWebhookInput {
  deliveryId: string;
  retry: WebhookRetry;
}

const { failWebhookDelivery } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', maximumInterval: '5s' },
});

export async function deliverWebhook({ deliveryId, retry }: DeliverWebhookInput): Promise<'succeeded' | 'failed'> {
  const { sendWebhook } = proxyActivities<Activities>({
    // The send itself times out after 10 s; the rest is room for the two database writes around it.
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: retry.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: retry.maximumIntervalMs,
      maximumAttempts: retry.maximumAttempts,
      nonRetryableErrorTypes: ['endpoint_gone'],
    },
  });
  try {
    await sendWebhook({ deliveryId });
    return 'succeeded';
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    await failWebhookDelivery({ deliveryId });
    return 'failed';
  }
}
