// Mirrors a routing into the database (its row, its offers, its connection) so reps and other routings can read it.
import type { OfferClosure, OfferRecord, RoutingRecord as RoutingRow } from '../store/projection';
import { durableRoutingActivities, routingActivities } from './activities';
import type { RoutingRecord } from './routing/record';
import type { OfferResult } from './routing/types';

/**
 * Returns `persist()`: writes run one after another and each sends only what changed since the last, so the last
 * write leaves the database matching the workflow however the handlers and the main loop interleave.
 */
export type Persist = (options?: { afterDurable?: boolean }) => Promise<void>;

export function createProjection(record: RoutingRecord): Persist {
  const written = new Map<string, OfferResult>();
  let routingWritten = '';
  let connectionWritten = false;
  let writes: Promise<void> = Promise.resolve();

  const changes = () => {
    const { state } = record;
    const created: OfferRecord[] = [];
    const closed: OfferClosure[] = [];
    for (const offer of state.offers) {
      if (!written.has(offer.repId)) {
        created.push({
          routingId: state.routingId,
          repId: offer.repId,
          routingType: state.type,
          visitor: state.visitor,
          ruleId: state.rule?.id ?? '',
          stage: offer.stage,
          offeredAt: offer.offeredAt,
          expiresAt: offer.expiresAt,
        });
      }
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
    return { created, closed, routing, routingChanged, connection };
  };

  return function persist({ afterDurable = false } = {}) {
    writes = writes.then(async () => {
      const { created, closed, routing, routingChanged, connection } = changes();
      if (created.length === 0 && closed.length === 0 && !routingChanged && !connection) return;
      const activities = afterDurable ? durableRoutingActivities : routingActivities;
      await activities.writeRoutingProjection({
        routingId: record.state.routingId,
        created,
        closed,
        ...(routingChanged && { routing }),
        ...(connection && { connection }),
      });
      for (const offer of created) written.set(offer.repId, 'pending');
      for (const closure of closed) written.set(closure.repId, closure.result);
      if (routingChanged) routingWritten = JSON.stringify(routing);
      if (connection) connectionWritten = true;
    });
    return writes;
  };
}
