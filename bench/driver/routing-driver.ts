// Drives routings as the chat widget and the reps would: the widget starts a routing over HTTP; simulated reps poll
// their offers and the first rep who sees a routing accepts it. Records, per routing, when the POST returned, when a
// rep first saw the offer, and the accept's round trip.
import { expectStatus, type JsonHttp } from './http';
import { type Rep, routingRequest, type Scenario } from './scenarios';
import { now, sleep } from './timing';

export interface RoutingTrace {
  routingId: string;
  sentAt: number;
  /** POST /v1/routings round trip. */
  postMs?: number;
  /** From the POST's response to the first poll response that lists the offer. */
  offerMs?: number;
  /** POST /v1/routings/:id/accept round trip, by the rep who saw it first. */
  acceptMs?: number;
  connected: boolean;
  error?: string;
}

export interface DrivenRouting {
  trace: RoutingTrace;
  /** Settles once a rep has accepted the routing, or it failed or was abandoned. */
  done: Promise<RoutingTrace>;
}

interface Outstanding {
  trace: RoutingTrace;
  postedAt: number;
  settle: () => void;
}

interface LiveOffers {
  offers: { routingId: string }[];
}

export class RoutingDriver {
  private readonly outstanding = new Map<string, Outstanding>();
  private readonly unsettled = new Set<Promise<RoutingTrace>>();
  private waiters: (() => void)[] = [];
  /** Offer polls made so far, by all reps. */
  polls = 0;
  /** Polls that failed (kept for the report; the figures already show their cost). */
  readonly pollErrors: string[] = [];
  private running = true;
  private readonly pollers: Promise<void>[];

  /** `pollMs` is the least time between one rep's polls; 0 polls back to back. */
  constructor(
    private readonly http: JsonHttp,
    private readonly experienceKey: string,
    private readonly scenario: Scenario,
    pollingReps: readonly Rep[],
    private readonly pollMs: number,
  ) {
    this.pollers = pollingReps.map((rep) => this.poll(rep));
  }

  route(routingId: string): DrivenRouting {
    const trace: RoutingTrace = { routingId, sentAt: now(), connected: false };
    const done = new Promise<RoutingTrace>((resolve) => {
      const settle = () => resolve(trace);
      const fail = (error: string) => {
        trace.error = error;
        settle();
      };
      this.http.request('POST', '/v1/routings', this.experienceKey, routingRequest(this.scenario, routingId)).then(
        (response) => {
          const postedAt = now();
          trace.postMs = postedAt - trace.sentAt;
          if (response.status !== 202) return fail(`POST ${response.status} ${JSON.stringify(response.body)}`);
          this.outstanding.set(routingId, { trace, postedAt, settle });
          this.wakePollers();
        },
        (error: Error) => fail(error.message),
      );
    });
    this.unsettled.add(done);
    void done.then(() => this.unsettled.delete(done));
    return { trace, done };
  }

  /** Waits until every routing started has settled; after `timeoutMs`, gives up on those no rep has seen. */
  async settleAll(timeoutMs: number): Promise<number> {
    const deadline = now() + timeoutMs;
    while (this.unsettled.size > 0 && now() < deadline) await sleep(20);
    const abandoned = this.outstanding.size;
    for (const pending of this.outstanding.values()) {
      pending.trace.error = 'no rep saw the offer';
      pending.settle();
    }
    this.outstanding.clear();
    await Promise.all(this.unsettled);
    return abandoned;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wakePollers();
    await Promise.all(this.pollers);
  }

  private wakePollers(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async poll(rep: Rep): Promise<void> {
    while (this.running) {
      if (this.outstanding.size === 0) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      const sentAt = now();
      this.polls++;
      let offers: LiveOffers['offers'];
      try {
        const response = await this.http.request<LiveOffers>('GET', `/v1/reps/${rep.id}/offers`, rep.token);
        offers = expectStatus(`offers of ${rep.id}`, response, 200).offers;
      } catch (error) {
        // A failed poll is the service's failure to show offers: counted, and the next poll tries again.
        this.pollErrors.push((error as Error).message);
        await sleep(10);
        continue;
      }
      const seenAt = now();
      for (const offer of offers) {
        const pending = this.outstanding.get(offer.routingId);
        if (!pending) continue;
        this.outstanding.delete(offer.routingId);
        pending.trace.offerMs = seenAt - pending.postedAt;
        void this.accept(rep, pending);
      }
      const wait = this.pollMs - (now() - sentAt);
      if (wait > 0) await sleep(wait);
    }
  }

  private async accept(rep: Rep, pending: Outstanding): Promise<void> {
    const { trace } = pending;
    const sentAt = now();
    try {
      const response = await this.http.request('POST', `/v1/routings/${trace.routingId}/accept`, rep.token, {
        repId: rep.id,
      });
      trace.acceptMs = now() - sentAt;
      trace.connected = response.status === 200;
      if (!trace.connected) trace.error = `accept ${response.status} ${JSON.stringify(response.body)}`;
    } catch (error) {
      trace.error = (error as Error).message;
    }
    pending.settle();
  }
}
