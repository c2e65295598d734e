// The website traffic model: every landing starts a pounce routing to a team (first available); a share of the
// visitors asks to chat a moment later (an inbound routing for the same visitor, which supersedes the pounce); a
// share of those chats is accepted by a rep, the rest time out. Offers are seen on one rep's event stream (SSE), as
// the rep's browser would see them: first available offers every routing to every rep of the team.
import { expectStatus, type JsonHttp } from './http';
import { type OfferStream, openOfferStream } from './offer-stream';
import { type Rep, visitorFor } from './scenarios';
import { now, sleep } from './timing';

export interface TrafficModel {
  /** Share of landings whose visitor asks to chat. */
  chatShare: number;
  /** Share of those chats a rep accepts; the others' offers time out. */
  acceptShare: number;
  /** From the landing to the visitor's chat request. */
  chatAfterMs: number;
}

/** A team of reps with one rule for its pounce routings and one for its chats (each with its own offer timeout). */
export interface Team {
  size: number;
  reps: Rep[];
  pounceScenario: string;
  chatScenario: string;
}

export interface LandingTrace {
  /** From the pounce POST's response to its offer on the rep's stream. */
  pounceOfferMs?: number;
  postMs?: number;
  chat?: { offerMs?: number; accept: boolean; acceptMs?: number; connected: boolean };
  /** Offers not seen before the step gave up on them. */
  missing: number;
  errors: string[];
}

/** Whether the `index`th of a series is picked when `share` of it should be: exact shares, evenly spread. */
const picked = (index: number, share: number) => Math.floor((index + 1) * share) > Math.floor(index * share);

export class TrafficDriver {
  private readonly waiting = new Map<string, (arrivedAt: number | undefined) => void>();
  private readonly early = new Map<string, number>();
  private readonly stream: OfferStream;

  constructor(
    private readonly http: JsonHttp,
    baseUrl: string,
    private readonly experienceKey: string,
    private readonly team: Team,
    private readonly model: TrafficModel,
  ) {
    this.stream = openOfferStream(baseUrl, this.watcher, (routingId, arrivedAt) => {
      const wake = this.waiting.get(routingId);
      if (wake) wake(arrivedAt);
      else this.early.set(routingId, arrivedAt);
    });
  }

  /** The rep whose stream shows the offers, and who accepts the chats picked for it. */
  private get watcher(): Rep {
    return this.team.reps[0] as Rep;
  }

  opened(): Promise<void> {
    return this.stream.opened;
  }

  /** Routings whose offer.created this driver's stream has seen. */
  get offersSeen(): number {
    return this.stream.arrivedAt.size;
  }

  /** One visitor's landing, the `index`th of its series; settles once its offers were seen (or given up on). */
  async land(landingId: string, index: number): Promise<LandingTrace> {
    const trace: LandingTrace = { missing: 0, errors: [] };
    const sentAt = now();
    const pounce = await this.startAndSee(landingId, 'pounce', this.team.pounceScenario, landingId, trace);
    trace.postMs = pounce.postMs;
    trace.pounceOfferMs = pounce.offerMs;
    if (!picked(index, this.model.chatShare)) return trace;
    const chatIndex = Math.floor((index + 1) * this.model.chatShare) - 1;
    const wait = sentAt + this.model.chatAfterMs - now();
    if (wait > 0) await sleep(wait);
    const chatId = `${landingId}-chat`;
    const chat = await this.startAndSee(chatId, 'inbound', this.team.chatScenario, landingId, trace);
    trace.chat = { offerMs: chat.offerMs, accept: picked(chatIndex, this.model.acceptShare), connected: false };
    if (!trace.chat.accept || chat.offerMs === undefined) return trace;
    const acceptAt = now();
    try {
      const response = await this.http.request('POST', `/v1/routings/${chatId}/accept`, this.watcher.token, {
        repId: this.watcher.id,
      });
      trace.chat.acceptMs = now() - acceptAt;
      trace.chat.connected = response.status === 200;
      if (!trace.chat.connected) trace.errors.push(`accept ${response.status} ${JSON.stringify(response.body)}`);
    } catch (error) {
      trace.errors.push((error as Error).message);
    }
    return trace;
  }

  /** Gives up on every offer not seen yet: each counts as missing, with the time it had waited. */
  abandonWaiting(): void {
    for (const wake of this.waiting.values()) wake(undefined);
  }

  close(): void {
    this.abandonWaiting();
    this.stream.close();
  }

  /** Starts a routing for the landing's visitor and waits for its offer on the stream. */
  private async startAndSee(
    routingId: string,
    type: 'pounce' | 'inbound',
    scenario: string,
    landingId: string,
    trace: LandingTrace,
  ): Promise<{ postMs?: number; offerMs?: number }> {
    const seen = new Promise<number | undefined>((resolve) => {
      const early = this.early.get(routingId);
      if (early !== undefined) return resolve(early);
      this.waiting.set(routingId, resolve);
    });
    const sentAt = now();
    try {
      const visitor = visitorFor(scenario, landingId); // the same visitor id for the landing and its chat
      const response = await this.http.request('POST', '/v1/routings', this.experienceKey, {
        routingId,
        type,
        visitor,
      });
      expectStatus(`start ${type} ${routingId}`, response, 202);
    } catch (error) {
      this.waiting.delete(routingId);
      trace.errors.push((error as Error).message);
      return {};
    }
    const postedAt = now();
    const arrivedAt = await seen;
    this.waiting.delete(routingId);
    this.early.delete(routingId);
    if (arrivedAt === undefined) trace.missing++;
    return { postMs: postedAt - sentAt, offerMs: Math.max(0, (arrivedAt ?? now()) - postedAt) };
  }
}
