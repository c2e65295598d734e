// Keeps a routing's search attributes, so operators can find it by status, rule and rep. Each upsert is a history
// event and a visibility write, so the routing upserts once, at its end; a running routing carries the status the
// API started it with, and `GET /v1/routings/:id` shows its live offers.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RoutingRecord } from './routing/record';
import { assignedRepKey, offeredRepsKey, routingRuleKey, routingStatusKey } from './search-attributes';

export function showOutcome(record: RoutingRecord): void {
  const { state } = record;
  upsertSearchAttributes([
    { key: routingStatusKey, value: state.status },
    { key: routingRuleKey, value: state.rule?.id ?? null },
    { key: offeredRepsKey, value: [...new Set(state.offers.map((offer) => offer.repId))] },
    { key: assignedRepKey, value: state.repId },
  ]);
}
