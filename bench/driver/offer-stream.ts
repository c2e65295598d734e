// A rep's event stream as a browser would hold it (the `eventsource` package): notes when each offer arrives, so
// trigger-to-offer is measured over SSE as well as by polling.
import { EventSource } from 'eventsource';
import type { Rep } from './scenarios';
import { now } from './timing';

export interface OfferStream {
  /** performance.now() at which each routing's offer.created arrived. */
  arrivedAt: Map<string, number>;
  /** Wall-clock ms at which the writer recorded each routing's offer.created (the event's `at`). */
  writtenAt: Map<string, number>;
  opened: Promise<void>;
  close(): void;
}

/** `onOffer` is told of each routing's first offer.created as it arrives. */
export function openOfferStream(
  baseUrl: string,
  rep: Rep,
  onOffer?: (routingId: string, arrivedAt: number) => void,
): OfferStream {
  const arrivedAt = new Map<string, number>();
  const writtenAt = new Map<string, number>();
  const source = new EventSource(`${baseUrl}/v1/reps/${rep.id}/events`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${rep.token}` },
      }),
  });
  source.addEventListener('offer.created', (event) => {
    const at = now();
    const { routingId, at: written } = JSON.parse(event.data) as { routingId: string; at: string };
    if (arrivedAt.has(routingId)) return;
    arrivedAt.set(routingId, at);
    writtenAt.set(routingId, Date.parse(written));
    onOffer?.(routingId, at);
  });
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(error);
  });
  return { arrivedAt, writtenAt, opened, close: () => source.close() };
}
