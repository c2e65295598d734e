// Delivers reps' stored events to their open SSE streams in this API process. The database is the source of truth,
// so any API process can serve any rep: a commit by any process wakes the hub (rep-event-signal.ts), and a slow
// poll catches anything a wake missed.
import type { DatabaseConfig, Db } from '../store/database';
import { type AppendWatch, watchRepEventAppends } from '../store/rep-event-signal';
import { type RepEvent, repEventsAfter } from '../store/rep-events';

interface Subscriber {
  repId: string;
  lastId: number;
  deliver: (event: RepEvent) => void;
  end: () => void;
}

/**
 * The safety net under the wakes: one indexed query (a tenth of a millisecond) while streams are open. It bounds
 * how late an event is when a wake is lost, e.g. while a broken watch is re-established.
 */
const POLL_INTERVAL_MS = 250;

/**
 * A wake can arrive a moment before the commit that caused it is visible (SQLite's log grows before the commit
 * is published), so the hub looks once more this long after the last wake.
 */
const SETTLE_AFTER_WAKE_MS = 5;

export interface RepEventHubOptions {
  /** How often to look for new events while anyone is subscribed, whether or not anything woke the hub. */
  pollIntervalMs?: number;
  /** Wake on every commit of rep events to this database, by any process; unset, delivery relies on polling alone. */
  wakeOnAppendsTo?: DatabaseConfig;
}

export class RepEventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly poller: NodeJS.Timeout;
  private readonly appends: AppendWatch | undefined;
  private settle: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(
    private readonly db: Db,
    options: RepEventHubOptions = {},
  ) {
    this.poller = setInterval(() => {
      if (this.subscribers.size > 0) void this.drain();
    }, options.pollIntervalMs ?? POLL_INTERVAL_MS).unref();
    if (options.wakeOnAppendsTo) this.appends = watchRepEventAppends(options.wakeOnAppendsTo, () => this.wake());
  }

  /** Streams `repId`'s events after `afterId` to `deliver`, oldest first, each once. Returns the unsubscribe. */
  subscribe(repId: string, afterId: number, deliver: (event: RepEvent) => void, end: () => void): () => void {
    const subscriber: Subscriber = { repId, lastId: afterId, deliver, end };
    this.subscribers.add(subscriber);
    void this.drain();
    return () => this.subscribers.delete(subscriber);
  }

  /** Ends every stream (on shutdown) and stops polling. */
  close(): void {
    clearInterval(this.poller);
    clearTimeout(this.settle);
    this.appends?.close();
    for (const subscriber of this.subscribers) subscriber.end();
    this.subscribers.clear();
  }

  private wake(): void {
    if (this.subscribers.size === 0) return;
    void this.drain();
    clearTimeout(this.settle);
    this.settle = setTimeout(() => void this.drain(), SETTLE_AFTER_WAKE_MS).unref();
  }

  /** One fetch for all subscribed reps; runs again if woken while running, so no wake-up is lost. */
  private drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false;
        await this.deliverPending().catch(() => undefined); // a failed poll is retried by the next one
      } while (this.drainAgain);
    })().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  private async deliverPending(): Promise<void> {
    for (;;) {
      const subscribers = [...this.subscribers];
      if (subscribers.length === 0) return;
      const after = Math.min(...subscribers.map((subscriber) => subscriber.lastId));
      const repIds = [...new Set(subscribers.map((subscriber) => subscriber.repId))];
      const events = await repEventsAfter(this.db, repIds, after, 500);
      for (const event of events) {
        for (const subscriber of subscribers) {
          if (subscriber.repId !== event.repId || event.id <= subscriber.lastId) continue;
          subscriber.lastId = event.id;
          subscriber.deliver(event);
        }
      }
      // Everyone has now seen everything up to the last event fetched, even events that were not theirs.
      const last = events.at(-1)?.id;
      if (last !== undefined)
        for (const subscriber of subscribers) subscriber.lastId = Math.max(subscriber.lastId, last);
      if (events.length < 500) return;
    }
  }
}
