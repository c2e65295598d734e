// The routing workflow's view of its activities. Short reads and writes against the service's own database run as
// local activities: each saves a round trip through the Temporal server.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const routingActivities = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', maximumInterval: '5s' },
});
