// Keeps a routing's search attributes current, so operators can find it by status, rule and rep.
// Each upsert is one history event: done when offers are made and once at the end, not on every change.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RoutingRecord } from './routing/record';
import { assignedRepKey, offeredRepsKey, routingRuleKey, routingStatusKey } from './search-attributes';

export function showOffers(record: RoutingRecord): void {
  const { state } = record;
  upsertSearchAttributes([
    { key: routingRuleKey, value: state.rule?.id ?? null },
    { key: offeredRepsKey, value: [...new Set(state.offers.map((offer) => offer.repId))] },
  ]);
}

export function showOutcome(record: RoutingRecord): void {
  const { state } = record;
  upsertSearchAttributes([
    { key: routingStatusKey, value: state.status },
    { key: routingRuleKey, value: state.rule?.id ?? null },
    { key: assignedRepKey, value: state.repId },
  ]);
}
