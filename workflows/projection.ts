// Mirrors a routing into the database (its row, its offers, its connection) so reps and other routings can read it.

import type { OfferResult } from '../domain/routing';
import type { RoutingProjectionChange } from '../store/projection';
import { durableRoutingActivities, routingActivities } from './activities';
import { changesNothing, projectionChange } from './projection-diff';
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
  /**
   * Hands what changed to `write`, an activity that writes it with more it decides itself (round robin's next offer),
   * in turn with the other writes, and takes the change as written once it returns.
   */
  persistWith<T>(write: (change: RoutingProjectionChange) => Promise<T>): Promise<T>;
}

export function createProjection(record: RoutingRecord): Projection {
  const written = new Map<string, OfferResult>();
  let routingWritten = '';
  let connectionWritten = false;
  let writes: Promise<void> = Promise.resolve();

  const changes = () =>
    projectionChange(
      record.state,
      { offers: written, routing: routingWritten, connection: connectionWritten },
      record.now(),
    );

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
        if (changesNothing(change)) return;
        const activities = afterDurable ? durableRoutingActivities : routingActivities;
        await activities.writeRoutingProjection(change);
        takeAsWritten(change, serializedRouting);
      });
      return writes;
    },
    persistWith(write) {
      const result = writes.then(async () => {
        const { change, serializedRouting } = changes();
        const value = await write(change);
        takeAsWritten(change, serializedRouting);
        return value;
      });
      writes = result.then(() => undefined);
      return result;
    },
  };

  function takeAsWritten(change: RoutingProjectionChange, serializedRouting: string) {
    for (const offer of change.created) written.set(offer.repId, 'pending');
    for (const closure of change.closed) written.set(closure.repId, closure.result);
    if (change.routing) routingWritten = serializedRouting;
    if (change.connection) connectionWritten = true;
  }
}
