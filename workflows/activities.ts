// The routing workflow's view of its activities. Short reads and writes against the service's own database run as
// local activities: each saves a round trip through the Temporal server.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const routingActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', maximumInterval: '5s' },
});

/**
 * The same activities scheduled through the server: one runs only after the workflow task that scheduled it is
 * durable. Used to write an outcome an update decided, which must never come from a crashed worker's unrecorded task.
 */
export const durableRoutingActivities = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', maximumInterval: '5s' },
});
