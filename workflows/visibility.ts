// Keeps a routing's search attributes, so operators can find it by status, rule and rep. Each upsert is a history
// event and a visibility write, so the routing upserts once, at its end; a running routing carries the status the
// API started it with, and `GET /v1/routings/:id` shows its live offers.
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RoutingRecord } from './routing-record';
import { assignedRepKey, offeredRepsKey, routingRuleKey, routingStatusKey } from './search-attributes';

export function showOutcome(record: RoutingRecord): void {
  const { state } = record;
  upsertSearchAttributes([
    { key: routingStatusKey, value: state.status },
    { key: routingRuleKey, value: state.rule?.id ?? null },
    { key: offeredRepsKey, value: withinValueLimit([...new Set(state.offers.map((offer) => offer.repId))]) },
    { key: assignedRepKey, value: state.repId },
  ]);
}

/** Temporal refuses a search attribute value over 2 KB (and the workflow task with it), as 150 rep ids can be. */
const MAX_VALUE_BYTES = 2048;

/** The first ids whose JSON list fits the limit: a stage of 10,000 reps lists its first ones. */
function withinValueLimit(ids: readonly string[]): string[] {
  const encoder = new TextEncoder();
  const kept: string[] = [];
  let bytes = 2; // the brackets
  for (const id of ids) {
    bytes += encoder.encode(JSON.stringify(id)).length + 1; // and a comma
    if (bytes > MAX_VALUE_BYTES) break;
    kept.push(id);
  }
  return kept;
}
