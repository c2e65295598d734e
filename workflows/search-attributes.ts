// Custom search attributes that make routings findable in the Temporal Web UI and CLI by status, rule and rep,
// e.g. `RoutingStatus = 'routing' AND OfferedReps = 'alice'`. Defined once for the workflow, the client and
// the start-up code that registers them.
import { defineSearchAttributeKey } from '@temporalio/common';

export const routingStatusKey = defineSearchAttributeKey('RoutingStatus', 'KEYWORD');
export const routingRuleKey = defineSearchAttributeKey('RoutingRule', 'KEYWORD');
export const offeredRepsKey = defineSearchAttributeKey('OfferedReps', 'KEYWORD_LIST');
export const assignedRepKey = defineSearchAttributeKey('AssignedRep', 'KEYWORD');

export const routingSearchAttributes = [routingStatusKey, routingRuleKey, offeredRepsKey, assignedRepKey];
