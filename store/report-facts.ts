// The narrow rows the reports read (store/reports.ts), written in the transaction that writes the routing's row
// (store/routing-writes.ts, called only by RoutingRows): a year of a million routings is then one scan of an index
// holding every column a report reads, with no join. Deleted with the routing's rows (store/projection.ts).
import type { OfferRecord } from '../domain/offers';
import type { RoutingRow } from '../domain/routing-row';
import { rowChunks } from './batching';
import type { Db } from './database';

const since = (startedAt: string, at: string | null | undefined) =>
  at ? Math.round(Date.parse(at) - Date.parse(startedAt)) : null;

/** A routing's delays in whole ms from its start, as its row and its report facts keep them. */
export function routingDelays(routing: RoutingRow) {
  return {
    first_offer_ms: since(routing.startedAt, routing.firstOfferAt),
    accept_ms: since(routing.startedAt, routing.acceptedAt),
  };
}

/** A start as the report rows keep it: ms since the epoch, and the UTC day and hour it falls in. */
export function startedAt(iso: string) {
  const ms = Date.parse(iso);
  return { started_ms: ms, day: Math.floor(ms / 86_400_000), hour: Math.floor(ms / 3_600_000) };
}

/** Writes (or rewrites) a routing's facts for the speed-to-lead and outcomes reports. */
export async function writeRoutingFacts(tx: Db, routingId: string, routing: RoutingRow): Promise<void> {
  const changing = {
    status: routing.status,
    rule_id: routing.ruleId,
    rep_id: routing.repId,
    ...routingDelays(routing),
  };
  await tx
    .insertInto('report_routings')
    .values({ routing_id: routingId, ...startedAt(routing.startedAt), type: routing.type, ...changing })
    .onConflict((oc) => oc.column('routing_id').doUpdateSet(changing))
    .execute();
}

/**
 * Records who a routing's first offer went to, once: when the write creating its first offers comes (they are made
 * together, in one write). Routings without an eligible count are left out, as the report has always left them.
 */
export async function recordFirstOffers(
  tx: Db,
  routingId: string,
  routing: RoutingRow,
  created: readonly OfferRecord[],
): Promise<void> {
  const firsts = created.filter((offer) => offer.offeredAt === routing.firstOfferAt);
  if (firsts.length === 0 || !routing.firstOfferEligible || routing.firstOfferEligible <= 0) return;
  const startedMs = Date.parse(routing.startedAt);
  const rows = firsts.map((offer) => ({
    routing_id: routingId,
    rep_id: offer.repId,
    started_ms: startedMs,
    type: routing.type,
    rule_id: offer.ruleId,
    stage: offer.stage,
    reps: firsts.length,
    eligible: routing.firstOfferEligible as number,
  }));
  for (const chunk of rowChunks(rows)) {
    await tx
      .insertInto('report_first_offers')
      .values(chunk)
      .onConflict((oc) => oc.columns(['routing_id', 'rep_id']).doNothing())
      .execute();
  }
}

/** Deletes routings' report facts (retention and visitor erasure, with the routings' other rows). */
export async function deleteReportFacts(db: Db, routingIds: readonly string[]): Promise<void> {
  await db.deleteFrom('report_routings').where('routing_id', 'in', routingIds).execute();
  await db.deleteFrom('report_first_offers').where('routing_id', 'in', routingIds).execute();
}
