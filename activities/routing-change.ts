// Writes a routing's change to the database and starts the webhook deliveries it owes. Used by the routing
// workflow's write activity and by the API, which writes an accept or cancel outcome as soon as the workflow has
// durably decided it; both may write the same outcome, and the store applies it once.
import { observeRoutingChange } from '../observability/metrics';
import type { Db } from '../store/database';
import { applyRoutingProjection, type RoutingProjectionChange } from '../store/projection';
import { startWebhookDeliveries, type WebhookDispatch } from './webhook-dispatch';

export async function writeRoutingChange(db: Db, dispatch: WebhookDispatch, change: RoutingProjectionChange) {
  const { webhookDeliveryIds, applied } = await applyRoutingProjection(db, change);
  observeRoutingChange(applied);
  await startWebhookDeliveries(db, dispatch, webhookDeliveryIds);
}
