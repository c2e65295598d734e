// Every /v1 operation (and the public OAuth callback), in the order Express tries them and the contract lists them.
// A new module's list goes here.
import type { AnyOperation } from '../operations';
import { connectionsOperations } from './connections';
import { directoryOperations } from './directory';
import { eventsOperations } from './events';
import { integrationsOperations } from './integrations';
import { liveOperations } from './live';
import { outboundTrackingOperations } from './outbound-tracking';
import { reportsOperations } from './reports';
import { repsOperations } from './reps';
import { routingSearchOperations } from './routing-search';
import { routingsOperations } from './routings';
import { rulesOperations } from './rules';
import { visitorsOperations } from './visitors';
import { webhooksOperations } from './webhooks';
import { whatIfOperations } from './what-if';

export const operations: readonly AnyOperation[] = [
  ...directoryOperations,
  ...rulesOperations,
  ...whatIfOperations,
  ...routingsOperations,
  ...routingSearchOperations,
  ...visitorsOperations,
  ...repsOperations,
  ...eventsOperations,
  ...liveOperations,
  ...integrationsOperations,
  ...outboundTrackingOperations,
  ...webhooksOperations,
  ...reportsOperations,
  ...connectionsOperations,
];
