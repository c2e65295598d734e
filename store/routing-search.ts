// Finding routings by their rows: newest first, filtered, a page at a time. Pages follow a keyset on
// (started_at, routing_id), so a routing started while a client pages through is never shown twice nor skips another.
import type { Visitor } from '../domain/visitor';
import { byteOrder, type Db } from './database';

/** Where a page ends: the last routing it holds. The next page starts after it. */
export interface RoutingPosition {
  startedAt: string;
  routingId: string;
}

export interface RoutingFilters {
  /** Started at or after this instant (ISO 8601, UTC). */
  since?: string;
  /** Started before this instant. */
  until?: string;
  status?: string;
  ruleId?: string;
  /** Offered to this rep, or assigned to them. */
  repId?: string;
  type?: string;
  visitorId?: string;
  /** Compared in lower case. */
  visitorEmail?: string;
}

export interface RoutingSummary {
  routingId: string;
  type: string;
  status: string;
  ruleId: string | null;
  repId: string | null;
  visitor: Visitor;
  startedAt: string;
  endedAt: string | null;
  firstOfferAt: string | null;
  acceptedAt: string | null;
}

export async function searchRoutings(
  db: Db,
  filters: RoutingFilters,
  page: { after?: RoutingPosition; limit: number },
): Promise<{ routings: RoutingSummary[]; next: RoutingPosition | null }> {
  const routingIdOrder = byteOrder(db, 'routings.routing_id');
  let query = db
    .selectFrom('routings')
    .select([
      'routing_id',
      'type',
      'status',
      'rule_id',
      'rep_id',
      'visitor',
      'visitor_id',
      'started_at',
      'ended_at',
      'first_offer_at',
      'accepted_at',
    ])
    .orderBy('started_at', 'desc')
    .orderBy(routingIdOrder, 'desc')
    // One more than asked for tells whether another page follows.
    .limit(page.limit + 1);
  if (filters.since !== undefined) query = query.where('started_at', '>=', filters.since);
  if (filters.until !== undefined) query = query.where('started_at', '<', filters.until);
  if (filters.status !== undefined) query = query.where('status', '=', filters.status);
  if (filters.ruleId !== undefined) query = query.where('rule_id', '=', filters.ruleId);
  if (filters.type !== undefined) query = query.where('type', '=', filters.type);
  if (filters.visitorId !== undefined) query = query.where('visitor_id', '=', filters.visitorId);
  if (filters.visitorEmail !== undefined) {
    query = query.where('visitor_email', '=', filters.visitorEmail.toLowerCase());
  }
  const { repId } = filters;
  if (repId !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('rep_id', '=', repId),
        eb('routing_id', 'in', eb.selectFrom('offers').select('offers.routing_id').where('offers.rep_id', '=', repId)),
      ]),
    );
  }
  const { after } = page;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('started_at', '<', after.startedAt),
        eb.and([eb('started_at', '=', after.startedAt), eb(routingIdOrder, '<', after.routingId)]),
      ]),
    );
  }
  const rows = await query.execute();
  const routings = rows.slice(0, page.limit).map(
    (row): RoutingSummary => ({
      routingId: row.routing_id,
      type: row.type,
      status: row.status,
      ruleId: row.rule_id,
      repId: row.rep_id,
      // Rows written before the visitor was stored hold only its id.
      visitor: row.visitor === null ? { id: row.visitor_id } : (JSON.parse(row.visitor) as Visitor),
      startedAt: row.started_at,
      endedAt: row.ended_at,
      firstOfferAt: row.first_offer_at,
      acceptedAt: row.accepted_at,
    }),
  );
  const last = routings.at(-1);
  const next = rows.length > page.limit && last ? { startedAt: last.startedAt, routingId: last.routingId } : null;
  return { routings, next };
}
