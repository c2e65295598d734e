// What a routing's next database write must carry: the difference between the routing as it stands and what was
// last written. Pure, so it can be tested without a workflow; workflows/projection.ts keeps what was written and
// sends the writes.
import { type OfferRecord, offerRecord } from '../domain/offers';
import type { OfferResult } from '../domain/routing';
import { routingRow } from '../domain/routing-row';
import type { OfferClosure, RoutingProjectionChange } from '../store/projection';
import type { RoutingView } from './routing-record';

/** What earlier writes have put in the database. */
export interface Written {
  /** Each offer written, by rep, with the result it was last written with. */
  offers: ReadonlyMap<string, OfferResult>;
  /** The routing row as last written (its JSON), or '' before the routing's first write. */
  routing: string;
  /** Whether the connection (the accepting rep's conversation) was written. */
  connection: boolean;
}

/**
 * The change that brings the database from `written` to `routing`; `now` stands in for times the routing has not
 * set (an offer closed or a connection made whose end the state does not yet carry). `serializedRouting` is the
 * row's JSON, to remember as written once the change is.
 */
export function projectionChange(
  routing: RoutingView,
  written: Written,
  now: string,
): { change: RoutingProjectionChange; serializedRouting: string } {
  const created: OfferRecord[] = [];
  const closed: OfferClosure[] = [];
  const ruleId = routing.rule?.id ?? '';
  for (const offer of routing.offers) {
    if (!written.offers.has(offer.repId)) created.push(offerRecord({ ...routing, ruleId }, offer));
    if (offer.result !== 'pending' && written.offers.get(offer.repId) !== offer.result) {
      closed.push({ repId: offer.repId, result: offer.result, endedAt: offer.endedAt ?? now });
    }
  }
  const row = routingRow(routing);
  const serializedRouting = JSON.stringify(row);
  const routingChanged = serializedRouting !== written.routing;
  const connection =
    routing.repId !== null && !written.connection
      ? { repId: routing.repId, startedAt: routing.endedAt ?? now }
      : undefined;
  const change: RoutingProjectionChange = {
    routingId: routing.routingId,
    created,
    closed,
    // Every write names the live offers, so one shown by a workflow task that never completed is withdrawn.
    liveRepIds: routing.offers.filter((offer) => offer.result === 'pending').map((offer) => offer.repId),
    ...(routingChanged && { routing: row }),
    // Stored once, on the row the routing's first write creates; later writes leave it out.
    ...(routingChanged && written.routing === '' && { visitor: routing.visitor }),
    ...(connection && { connection }),
  };
  return { change, serializedRouting };
}

/** Whether a change carries nothing to write: no offer made or closed, no row changed, no connection. */
export function changesNothing(change: RoutingProjectionChange): boolean {
  return change.created.length === 0 && change.closed.length === 0 && !change.routing && !change.connection;
}
