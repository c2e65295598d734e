// The routing's own account of itself: state, trace, offers and how it ended. Pure bookkeeping with no I/O;
// inside the workflow `new Date()` is the deterministic workflow clock. The state is read-only to everyone else:
// it changes only through the methods below, each named for what happened to the routing.
import type {
  Candidate,
  OfferReport,
  OfferResult,
  Outcome,
  RoutingInput,
  RoutingState,
  StageReport,
} from '../domain/routing';
import type { Visitor } from '../domain/visitor';

/** Read-only all the way down: what the record hands out can be read, not changed. */
export type Immutable<T> = T extends (infer Item)[]
  ? readonly Immutable<Item>[]
  : T extends object
    ? { readonly [K in keyof T]: Immutable<T[K]> }
    : T;

/**
 * The routing as the record hands it out to read. The visitor is the routing's input, which the record never
 * changes, so it keeps its own type for code that takes a `Visitor`.
 */
export type RoutingView = Immutable<Omit<RoutingState, 'visitor'>> & { readonly visitor: Visitor };

type ClosedResult = Exclude<OfferResult, 'pending'>;

export class RoutingRecord {
  readonly #state: RoutingState;
  /** The pending offers by rep (a rep is offered at most once per routing), so answers find theirs at once. */
  readonly #liveOffers = new Map<string, OfferReport>();
  readonly #clock: () => Date;
  #awaitingAnswers = false;

  /** `clock` is for tests; the workflow's `new Date()` is already its deterministic clock. */
  constructor(input: RoutingInput, clock: () => Date = () => new Date()) {
    this.#clock = clock;
    this.#state = {
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

  /** The routing as it stands, to read. */
  get state(): RoutingView {
    return this.#state;
  }

  /**
   * The routing as the state query and the workflow's result hand it out: the SDK serializes it at once. Not a way
   * to change it.
   */
  report(): RoutingState {
    return this.#state;
  }

  now(): string {
    return this.#clock().toISOString();
  }

  isOpen(): boolean {
    return this.#state.status === 'routing';
  }

  /** Set while the routing waits on its standing offers: the moment reps' answers are judged against. */
  get awaitingAnswers(): boolean {
    return this.#awaitingAnswers;
  }

  beginAwaitingAnswers(): void {
    this.#awaitingAnswers = true;
  }

  endAwaitingAnswers(): void {
    this.#awaitingAnswers = false;
  }

  trace(event: string, detail?: Record<string, unknown>): void {
    this.#state.trace.push({ at: this.now(), event, ...(detail && { detail }) });
  }

  /** The rule set the routing was matched against, whether or not a rule matched. */
  matchedAgainst(ruleSetVersion: number): void {
    this.#state.ruleSetVersion = ruleSetVersion;
  }

  matchRule(rule: { id: string; name: string }): void {
    this.#state.rule = { id: rule.id, name: rule.name };
    this.trace('rule.matched', { ruleId: rule.id, ruleSetVersion: this.#state.ruleSetVersion });
  }

  /** A stage begins with its candidates; one with nobody `eligible` is recorded as skipped. */
  startStage(
    stage: { name: string; candidates: Candidate[]; identifiedBy?: string },
    eligible: readonly string[],
  ): void {
    const report: StageReport = {
      name: stage.name,
      startedAt: this.now(),
      candidates: stage.candidates,
      ...(stage.identifiedBy !== undefined && { identifiedBy: stage.identifiedBy }),
      ...(eligible.length === 0 && { skipped: 'nobody_eligible' as const }),
    };
    this.#state.stages.push(report);
    this.trace('stage.started', { stage: stage.name, eligible });
  }

  liveOffer(repId: string): Immutable<OfferReport> | undefined {
    return this.#liveOffers.get(repId);
  }

  /**
   * Records offers to `repIds`, chosen by `decidedBy`, made now (or at `offeredAt`, when they were shown earlier),
   * standing for `timeoutMs`.
   */
  offer(
    { stage, decidedBy }: Pick<OfferReport, 'stage' | 'decidedBy'>,
    repIds: readonly string[],
    timeoutMs: number,
    offeredAt = this.now(),
  ): readonly Immutable<OfferReport>[] {
    const expiresAt = new Date(Date.parse(offeredAt) + timeoutMs).toISOString();
    const offers = repIds.map(
      (repId): OfferReport => ({ repId, stage, decidedBy, offeredAt, expiresAt, endedAt: null, result: 'pending' }),
    );
    this.#state.offers.push(...offers);
    for (const offer of offers) this.#liveOffers.set(offer.repId, offer);
    this.trace('offers.made', { stage, decidedBy, repIds: [...repIds], expiresAt });
    return offers;
  }

  /** Ends `repId`'s live offer with `result`; false when the rep holds none (answered, or never offered). */
  closeOffer(repId: string, result: ClosedResult): boolean {
    const offer = this.#liveOffers.get(repId);
    if (!offer) return false;
    offer.result = result;
    offer.endedAt = this.now();
    this.#liveOffers.delete(repId);
    return true;
  }

  /** The first accept: claims the routing for `repId` and withdraws every other live offer. */
  connect(repId: string): void {
    this.#state.repId = repId;
    this.#closeLiveOffers((offerRepId) => (offerRepId === repId ? 'accepted' : 'withdrawn'));
    this.#finish('connected', { repId });
  }

  /** Ends the routing without a rep (cancelled, superseded, or after every stage): live offers are withdrawn. */
  end(outcome: Exclude<Outcome, 'connected'>, detail?: Record<string, unknown>): void {
    this.#closeLiveOffers(() => 'withdrawn');
    this.#finish(outcome, detail);
  }

  /** Nobody accepted and the rule lists these reps in the meeting booker instead. */
  listInMeetingBooker(userIds: string[]): void {
    this.#state.meetingBooker = { userIds };
  }

  /**
   * Whether a rep's or the visitor's update (accept, cancel) decided the outcome. Such a decision is durable only
   * once its workflow task completes: a crashed worker's unfinished task decided nothing, and on replay another
   * update may come first. Timers and signals, by contrast, are in the history before the task that acts on them.
   */
  endedByUpdate(): boolean {
    return this.#state.status === 'connected' || this.#state.status === 'cancelled';
  }

  #closeLiveOffers(result: (repId: string) => ClosedResult): void {
    for (const repId of [...this.#liveOffers.keys()]) this.closeOffer(repId, result(repId));
  }

  #finish(outcome: Outcome, detail?: Record<string, unknown>): void {
    this.#state.status = outcome;
    this.#state.endedAt = this.now();
    this.trace(`routing.${outcome}`, detail);
  }
}
