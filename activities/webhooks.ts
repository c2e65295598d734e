// Sending webhook deliveries, one attempt per activity execution; Temporal schedules the retries.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { fetch } from 'undici';
import { type OutboundPolicy, outboundPolicy } from '../outbound/destination-policy';
import { type OutboundFailure, outboundErrorDetail, outboundFailure } from '../outbound/failure-summary';
import { guardedDispatcher } from '../outbound/guarded-dispatcher';
import type { Db } from '../store/database';
import { deliveryToSend, markDeliveryFailed, recordWebhookAttempt } from '../store/webhooks';
import { standardWebhookHeaders } from './webhook-signature';

const SEND_TIMEOUT_MS = 10_000;

/** `outbound` says which destinations deliveries may reach (OUTBOUND_ALLOWED_HOSTS); by default no internal one. */
export function createWebhookActivities(db: Db, outbound: OutboundPolicy = outboundPolicy()) {
  const dispatcher = guardedDispatcher(outbound);
  return {
    /** One attempt: POSTs the signed event and records the outcome. Throws (to be retried) unless it got a 2xx. */
    async sendWebhook({ deliveryId }: { deliveryId: string }): Promise<void> {
      const attemptedAt = new Date();
      const delivery = await deliveryToSend(db, deliveryId, attemptedAt);
      if (!delivery) throw ApplicationFailure.nonRetryable('the endpoint was deleted', 'endpoint_gone');
      if (delivery.status !== 'pending') return;
      if (!delivery.enabled) throw ApplicationFailure.nonRetryable('the endpoint is disabled', 'endpoint_gone');
      const { attempt } = Context.current().info;
      let statusCode: number | null = null;
      let error: OutboundFailure | null = null;
      let errorDetail = '';
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          dispatcher,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'conversation-routing-webhooks/1',
            ...standardWebhookHeaders(delivery.secrets, delivery.eventId, attemptedAt, delivery.payload),
          },
          body: delivery.payload,
          // A redirect is not followed: the signed body goes only to the URL the admin registered.
          redirect: 'manual',
          signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        });
        statusCode = response.status;
        await response.body?.cancel();
      } catch (cause) {
        // The list admins read gets a generic reason; the raw error (addresses, ports) goes only to the operator, in
        // the activity's failure (worker log and the workflow's history).
        error = outboundFailure(cause);
        errorDetail = outboundErrorDetail(cause);
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
      if (error === 'destination not allowed') {
        // It would be refused again: an operator has to allow it (OUTBOUND_ALLOWED_HOSTS) or an admin change the URL.
        throw ApplicationFailure.nonRetryable(errorDetail, 'destination_not_allowed');
      }
      if (!succeeded) {
        throw ApplicationFailure.retryable(errorDetail || `the endpoint answered ${statusCode}`, 'delivery_failed');
      }
    },

    async failWebhookDelivery({ deliveryId }: { deliveryId: string }): Promise<void> {
      await markDeliveryFailed(db, deliveryId);
    },
  };
}
