// The leases of the rep event streams this API process holds (store/console-presence.ts): taken when a rep's own
// stream opens, renewed together every third of the lease while open, ended when the stream closes. A process that
// dies renews nothing more, so its leases run out by themselves; the database, never this process, decides who is
// away (the sweep workflow, on a Temporal Schedule).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { endStreamLease, holdStreamLeases, type StreamLease } from '../store/console-presence';
import type { Db } from '../store/database';

export interface ConsoleLeaseOptions {
  /** How long an open stream counts as there without a renewal (CONSOLE_PRESENCE_LEASE_SECONDS). */
  leaseMs: number;
}

export class ConsoleLeases {
  private readonly open = new Map<string, StreamLease>();
  private readonly renewal: NodeJS.Timeout;
  /** The renewal under way: an end waits for it, so a renewal never outlives the end it raced. */
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: ConsoleLeaseOptions,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.renewal = setInterval(() => this.renewAll(), Math.max(1, options.leaseMs / 3)).unref();
  }

  /** A stream of `repId`'s own is open: leases it, and returns the call that ends the lease when it closes. */
  hold(repId: string): () => void {
    const lease = { streamId: randomUUID(), repId };
    this.open.set(lease.streamId, lease);
    const taken = this.write(() => holdStreamLeases(this.db, [lease], this.expiry()));
    return () => {
      if (!this.open.delete(lease.streamId)) return;
      const endedAt = new Date().toISOString();
      void Promise.all([taken, this.renewing]).then(() =>
        this.write(() => endStreamLease(this.db, lease.streamId, endedAt)),
      );
    };
  }

  /** Stops renewing (on shutdown: the streams' own close ends their leases). */
  close(): void {
    clearInterval(this.renewal);
  }

  private renewAll(): void {
    if (this.open.size === 0) return;
    const leases = [...this.open.values()];
    this.renewing = this.write(() => holdStreamLeases(this.db, leases, this.expiry()));
  }

  private expiry(): string {
    return new Date(Date.now() + this.options.leaseMs).toISOString();
  }

  /** A failed write is retried by the next renewal (an ended lease runs out by itself): streams never fail for it. */
  private async write(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn({ err: error }, 'could not write an event stream lease');
    }
  }
}
