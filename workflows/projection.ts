// Mirrors a routing into the database (its row, its offers, its connection) so reps and other routings can read it.

import { type OfferRecord, offerRecord } from '../domain/offers';
import type { OfferResult } from '../domain/routing';
import type { OfferClosure, RoutingProjectionChange, RoutingRecord as RoutingRow } from '../store/projection';
import { durableRoutingActivities, routingActivities } from './activities';
import type { RoutingRecord } from './routing-record';

export interface Projection {
  /**
   * Writes what changed since the last write. Writes run one after another and each sends only what changed, so
   * the last write leaves the database matching the workflow however the handlers and the main loop interleave.
   * `afterDurable` writes through the server, so only once the workflow task that decided the change is recorded.
   */
  persist(options?: { afterDurable?: boolean }): Promise<void>;
  /** What the next write would send, without sending it: an update hands it to the API to write at once. */
  unwritten(): RoutingProjectionChange;
  /** Takes the new offers and the row as written by someone else: the first offers, shown by beginRouting. */
  markWritten(): void;
}

export function createProjection(record: RoutingRecord): Projection {
  const written = new Map<string, OfferResult>();
  let routingWritten = '';
  let connectionWritten = false;
  let writes: Promise<void> = Promise.resolve();

  const changes = () => {
    const { state } = record;
    const created: OfferRecord[] = [];
    const closed: OfferClosure[] = [];
    for (const offer of state.offers) {
      if (!written.has(offer.repId)) created.push(offerRecord({ ...state, ruleId: state.rule?.id ?? '' }, offer));
      if (offer.result !== 'pending' && written.get(offer.repId) !== offer.result) {
        closed.push({ repId: offer.repId, result: offer.result, endedAt: offer.endedAt ?? record.now() });
      }
    }
    const routing: RoutingRow = {
      type: state.type,
      visitorId: state.visitor.id,
      status: state.status,
      ruleId: state.rule?.id ?? null,
      repId: state.repId,
      startedAt: state.startedAt,
      endedAt: state.endedAt,
      firstOfferAt: state.offers[0]?.offeredAt ?? null,
    };
    const routingChanged = JSON.stringify(routing) !== routingWritten;
    const connection =
      state.repId !== null && !connectionWritten
        ? { repId: state.repId, startedAt: state.endedAt ?? record.now() }
        : undefined;
    const change: RoutingProjectionChange = {
      routingId: state.routingId,
      created,
      closed,
      // Every write names the live offers, so one shown by a workflow task that never completed is withdrawn.
      liveRepIds: state.offers.filter((offer) => offer.result === 'pending').map((offer) => offer.repId),
      ...(routingChanged && { routing }),
      // Stored once, on the row the routing's first write creates; later writes leave it out.
      ...(routingChanged && routingWritten === '' && { visitor: state.visitor }),
      ...(connection && { connection }),
    };
    return { change, serializedRouting: JSON.stringify(routing) };
  };

  return {
    unwritten: () => changes().change,
    markWritten() {
      const { change, serializedRouting } = changes();
      for (const offer of change.created) written.set(offer.repId, 'pending');
      if (change.routing) routingWritten = serializedRouting;
    },
    persist({ afterDurable = false } = {}) {
      writes = writes.then(async () => {
        const { change, serializedRouting } = changes();
        const { created, closed } = change;
        if (created.length === 0 && closed.length === 0 && !change.routing && !change.connection) return;
        const activities = afterDurable ? durableRoutingActivities : routingActivities;
        await activities.writeRoutingProjection(change);
        for (const offer of created) written.set(offer.repId, 'pending');
        for (const closure of closed) written.set(closure.repId, closure.result);
        if (change.routing) routingWritten = serializedRouting;
        if (change.connection) connectionWritten = true;
      });
      return writes;
    },
  };
}
