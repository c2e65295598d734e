// Delivers reps' stored events to their open SSE streams in this API process. The database is the source of truth,
// so any API process can serve any rep: a commit by any process wakes the hub (rep-event-signal.ts), and a slow
// poll catches anything a wake missed.
import type { DatabaseConfig, Db } from '../store/database';
import { type AppendWatch, watchRepEventAppends } from '../store/rep-event-signal';
import { ALL_REPS, type RepEvent, repEventsAfter } from '../store/rep-events';
import { defaultRepEventStreamLimits, type RepEventStreamLimits } from './rep-event-limits';

/** Takes one event; false when the stream cannot take more until it calls `resume` (its socket is full). */
export type Deliver = (event: RepEvent) => boolean;

export interface Subscription {
  /** The stream can take events again: it gets what it missed meanwhile, from the database. */
  resume(): void;
  unsubscribe(): void;
}

/** Whose events a stream carries: one rep's, or every rep's (the admins' live panel). */
export type StreamScope = string | typeof ALL_REPS;

interface Subscriber {
  repId: StreamScope;
  lastId: number;
  /** Its stream is full: it gets nothing until it resumes, and its `lastId` stays where its stream stopped. */
  paused: boolean;
  deliver: Deliver;
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
  /** The streams' bounds; each unset one has its default (rep-event-limits.ts). */
  limits?: Partial<RepEventStreamLimits>;
}

export class RepEventHub {
  readonly limits: RepEventStreamLimits;
  private readonly subscribers = new Set<Subscriber>();
  /** Open streams by credential, in this process. */
  private readonly streamsByPrincipal = new Map<string, number>();
  private readonly poller: NodeJS.Timeout;
  private readonly appends: AppendWatch | undefined;
  private settle: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private drainAgain = false;

  constructor(
    private readonly db: Db,
    options: RepEventHubOptions = {},
  ) {
    this.limits = { ...defaultRepEventStreamLimits, ...options.limits };
    this.poller = setInterval(() => {
      if (this.subscribers.size > 0) void this.drain();
    }, options.pollIntervalMs ?? POLL_INTERVAL_MS).unref();
    if (options.wakeOnAppendsTo) this.appends = watchRepEventAppends(options.wakeOnAppendsTo, () => this.wake());
  }

  /**
   * Counts one more open stream for `principal`, or answers undefined when it already holds
   * `limits.streamsPerPrincipal`. Returns the release, to call once when the stream closes.
   */
  reserveStream(principal: string): (() => void) | undefined {
    const open = this.streamsByPrincipal.get(principal) ?? 0;
    if (open >= this.limits.streamsPerPrincipal) return undefined;
    this.streamsByPrincipal.set(principal, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.streamsByPrincipal.get(principal) ?? 1) - 1;
      if (left > 0) this.streamsByPrincipal.set(principal, left);
      else this.streamsByPrincipal.delete(principal);
    };
  }

  /** Streams `repId`'s events (or every rep's) after `afterId` to `deliver`, oldest first, each once. */
  subscribe(repId: StreamScope, afterId: number, deliver: Deliver, end: () => void): Subscription {
    const subscriber: Subscriber = { repId, lastId: afterId, paused: false, deliver, end };
    this.subscribers.add(subscriber);
    void this.drain();
    return {
      resume: () => {
        if (!subscriber.paused || !this.subscribers.has(subscriber)) return;
        subscriber.paused = false;
        void this.drain();
      },
      unsubscribe: () => this.subscribers.delete(subscriber),
    };
  }

  /** Ends every stream (on shutdown) and stops polling. */
  close(): void {
    clearInterval(this.poller);
    clearTimeout(this.settle);
    this.appends?.close();
    for (const subscriber of this.subscribers) this.drop(subscriber);
  }

  /** Removes a subscriber and ends its stream; a stream that cannot even end is left to its 'close'. */
  private drop(subscriber: Subscriber): void {
    this.subscribers.delete(subscriber);
    try {
      subscriber.end();
    } catch {
      // already ended or destroyed
    }
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
      const subscribers = [...this.subscribers].filter((subscriber) => !subscriber.paused);
      if (subscribers.length === 0) return;
      const after = Math.min(...subscribers.map((subscriber) => subscriber.lastId));
      const scopes = new Set(subscribers.map((subscriber) => subscriber.repId));
      const repIds = scopes.has(ALL_REPS) ? ALL_REPS : [...scopes].filter((scope) => scope !== ALL_REPS);
      const events = await repEventsAfter(this.db, repIds, after, 500);
      for (const event of events) {
        for (const subscriber of subscribers) {
          const theirs = subscriber.repId === ALL_REPS || subscriber.repId === event.repId;
          if (subscriber.paused || !theirs || event.id <= subscriber.lastId) continue;
          subscriber.lastId = event.id;
          this.deliverOne(subscriber, event);
        }
        if (subscribers.every((subscriber) => subscriber.paused)) return; // the rest is read again on resume
      }
      // Everyone still taking events has now seen everything up to the last event fetched, even events that were
      // not theirs; a paused stream resumes from its own last event.
      const last = events.at(-1)?.id;
      if (last !== undefined)
        for (const subscriber of subscribers)
          if (!subscriber.paused) subscriber.lastId = Math.max(subscriber.lastId, last);
      if (events.length < 500) return;
    }
  }

  /** One stream's failure never stops delivery to the others: the failing stream is dropped instead. */
  private deliverOne(subscriber: Subscriber, event: RepEvent): void {
    try {
      if (!subscriber.deliver(event)) subscriber.paused = true;
    } catch {
      this.drop(subscriber);
    }
  }
}
