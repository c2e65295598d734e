// Sending webhook deliveries, one attempt per activity execution; Temporal schedules the retries.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../store/database';
import { deliveryToSend, markDeliveryFailed, recordWebhookAttempt } from '../store/webhooks';
import { signatureHeader, signWebhook } from './webhook-signature';

const SEND_TIMEOUT_MS = 10_000;

export function createWebhookActivities(db: Db) {
  return {
    /** One attempt: POSTs the signed event and records the outcome. Throws (to be retried) unless it got a 2xx. */
    async sendWebhook({ deliveryId }: { deliveryId: string }): Promise<void> {
      const delivery = await deliveryToSend(db, deliveryId);
      if (!delivery) throw ApplicationFailure.nonRetryable('the endpoint was deleted', 'endpoint_gone');
      if (delivery.status !== 'pending') return;
      if (delivery.enabled !== 1) throw ApplicationFailure.nonRetryable('the endpoint is disabled', 'endpoint_gone');
      const attempt = Context.current().info.attempt;
      const attemptedAt = new Date();
      const timestamp = Math.floor(attemptedAt.getTime() / 1000);
      let statusCode: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'conversation-routing-webhooks/1',
            'webhook-id': delivery.event_id,
            [signatureHeader]: signWebhook(delivery.secret, timestamp, delivery.payload),
          },
          body: delivery.payload,
          // A redirect is not followed: the signed body goes only to the URL the admin registered.
          redirect: 'manual',
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        statusCode = response.status;
        await response.body?.cancel();
      } catch (cause) {
        error =
          cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : 'failed';
      }
      const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300;
      await recordWebhookAttempt(db, deliveryId, {
        attempt,
        attemptedAt: attemptedAt.toISOString(),
        statusCode,
        error,
        durationMs: Date.now() - attemptedAt.getTime(),
        succeeded,
      });
      if (!succeeded) {
        throw ApplicationFailure.retryable(error ?? `the endpoint answered ${statusCode}`, 'delivery_failed');
      }
    },

    async failWebhookDelivery({ deliveryId }: { deliveryId: string }): Promise<void> {
      await markDeliveryFailed(db, deliveryId);
    },
  };
}
