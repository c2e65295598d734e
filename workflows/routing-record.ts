// The routing's own account of itself: state, trace, offers and how it ended. Pure bookkeeping with no I/O;
// inside the workflow `Date.now()` is the deterministic workflow clock.
import type { OfferReport, OfferResult, Outcome, RoutingInput, RoutingState } from '../domain/routing';

export class RoutingRecord {
  readonly state: RoutingState;

  /** Set while the routing waits on its standing offers: the moment reps' answers are judged against. */
  awaitingAnswers = false;

  constructor(input: RoutingInput) {
    this.state = {
      routingId: input.routingId,
      type: input.type,
      ...(input.experienceId !== undefined && { experienceId: input.experienceId }),
      visitor: input.visitor,
      status: 'routing',
      startedAt: this.now(),
      endedAt: null,
      rule: null,
      ruleSetVersion: null,
      stages: [],
      offers: [],
      repId: null,
      meetingBooker: null,
      trace: [],
    };
  }

  now(): string {
    return new Date().toISOString();
  }

  isOpen(): boolean {
    return this.state.status === 'routing';
  }

  trace(event: string, detail?: Record<string, unknown>): void {
    this.state.trace.push({ at: this.now(), event, ...(detail && { detail }) });
  }

  liveOffer(repId: string): OfferReport | undefined {
    return this.state.offers.find((offer) => offer.repId === repId && offer.result === 'pending');
  }

  hasBeenOffered(repId: string): boolean {
    return this.state.offers.some((offer) => offer.repId === repId);
  }

  /** Records offers to `repIds` made now (or at `offeredAt`, when they were shown earlier), standing for `timeoutMs`. */
  offer(stage: string, repIds: readonly string[], timeoutMs: number, offeredAt = this.now()): OfferReport[] {
    const expiresAt = new Date(Date.parse(offeredAt) + timeoutMs).toISOString();
    const offers = repIds.map(
      (repId): OfferReport => ({ repId, stage, offeredAt, expiresAt, endedAt: null, result: 'pending' }),
    );
    this.state.offers.push(...offers);
    this.trace('offers.made', { stage, repIds: [...repIds], expiresAt });
    return offers;
  }

  closeOffer(offer: OfferReport, result: Exclude<OfferResult, 'pending'>): void {
    if (offer.result !== 'pending') return;
    offer.result = result;
    offer.endedAt = this.now();
  }

  closeLiveOffers(result: (offer: OfferReport) => Exclude<OfferResult, 'pending'>): void {
    for (const offer of this.state.offers) this.closeOffer(offer, result(offer));
  }

  /** The first accept: claims the routing for `repId` and withdraws every other live offer. */
  connect(repId: string): void {
    this.state.repId = repId;
    this.closeLiveOffers((offer) => (offer.repId === repId ? 'accepted' : 'withdrawn'));
    this.finish('connected', { repId });
  }

  /** Ends the routing without a rep (cancelled, superseded, or after every stage): live offers are withdrawn. */
  end(outcome: Exclude<Outcome, 'connected'>, detail?: Record<string, unknown>): void {
    this.closeLiveOffers(() => 'withdrawn');
    this.finish(outcome, detail);
  }

  /**
   * Whether a rep's or the visitor's update (accept, cancel) decided the outcome. Such a decision is durable only
   * once its workflow task completes: a crashed worker's unfinished task decided nothing, and on replay another
   * update may come first. Timers and signals, by contrast, are in the history before the task that acts on them.
   */
  endedByUpdate(): boolean {
    return this.state.status === 'connected' || this.state.status === 'cancelled';
  }

  private finish(outcome: Outcome, detail?: Record<string, unknown>): void {
    this.state.status = outcome;
    this.state.endedAt = this.now();
    this.trace(`routing.${outcome}`, detail);
  }
}
