// The routings in flight now, with their pending offers: where the admins' live panel starts before it follows
// every rep's event stream (api/routes/live.ts).
import type { Visitor } from '../domain/visitor';
import { slices } from './batching';
import { byteOrder, type Db } from './database';
import { visitorOf } from './projection';

export interface PendingOffer {
  repId: string;
  stage: string;
  offeredAt: string;
  expiresAt: string;
}

export interface InFlightRouting {
  routingId: string;
  type: string;
  visitor: Visitor;
  ruleId: string | null;
  startedAt: string;
  /** Its offers still waiting for an answer, oldest first; none between stages or while owners are looked up. */
  offers: PendingOffer[];
}

/** The newest `limit` routings still routing (partial index routings_in_flight), each with its pending offers. */
export async function inFlightRoutings(db: Db, limit: number): Promise<InFlightRouting[]> {
  const rows = await db
    .selectFrom('routings')
    .select(['routing_id', 'type', 'visitor', 'visitor_id', 'rule_id', 'started_at'])
    .where('status', '=', 'routing')
    .orderBy('started_at', 'desc')
    .orderBy(byteOrder(db, 'routing_id'), 'desc')
    .limit(limit)
    .execute();
  const offers = new Map<string, PendingOffer[]>();
  for (const slice of slices(rows.map((row) => row.routing_id))) {
    const offerRows = await db
      .selectFrom('offers')
      .select(['routing_id', 'rep_id', 'stage', 'offered_at', 'expires_at'])
      .where('routing_id', 'in', slice)
      .where('result', '=', 'pending')
      .orderBy('offered_at')
      .orderBy(byteOrder(db, 'rep_id'))
      .execute();
    for (const row of offerRows) {
      const list = offers.get(row.routing_id) ?? [];
      list.push({ repId: row.rep_id, stage: row.stage, offeredAt: row.offered_at, expiresAt: row.expires_at });
      offers.set(row.routing_id, list);
    }
  }
  return rows.map((row) => ({
    routingId: row.routing_id,
    type: row.type,
    visitor: visitorOf(row),
    ruleId: row.rule_id,
    startedAt: row.started_at,
    offers: offers.get(row.routing_id) ?? [],
  }));
}
