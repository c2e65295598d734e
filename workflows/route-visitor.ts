// One durable routing: match a rule, walk its stages, offer reps, take the first accept, else fall through.
// Deterministic: time comes from the workflow clock, every read and write goes through an activity.
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { RoutingActivities } from '../activities/routing';
import type { OfferClosure, OfferRecord } from '../store/offers';
import { acceptUpdate, cancelUpdate, declineUpdate, type RefusalCode, type RepMessage, stateQuery } from './messages';
import { outcomeWithoutAccept } from './routing/outcome';
import { planStages } from './routing/stages';
import type { OfferReport, Outcome, RoutingInput, RoutingState } from './routing/types';

// Short reads and writes against the service's own database: local activities save a server round trip each.
const activities = proxyLocalActivities<RoutingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '100ms', maximumInterval: '5s' },
});

function refuse(code: RefusalCode, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

function validRepMessage(message: RepMessage): void {
  if (typeof message?.repId !== 'string' || message.repId.length === 0) {
    throw ApplicationFailure.create({ type: 'invalid_argument', message: 'repId must be a non-empty string' });
  }
}

export async function routeVisitor(input: RoutingInput): Promise<RoutingState> {
  const now = () => new Date().toISOString();
  const state: RoutingState = {
    routingId: input.routingId,
    type: input.type,
    ...(input.experienceId !== undefined && { experienceId: input.experienceId }),
    visitor: input.visitor,
    status: 'routing',
    startedAt: now(),
    endedAt: null,
    rule: null,
    ruleSetVersion: null,
    stages: [],
    offers: [],
    repId: null,
    meetingBooker: null,
    trace: [],
  };
  const trace = (event: string, detail?: Record<string, unknown>) =>
    state.trace.push({ at: now(), event, ...(detail && { detail }) });
  const liveOffer = (repId: string) =>
    state.offers.find((offer) => offer.repId === repId && offer.result === 'pending');
  const isOpen = () => state.status === 'routing';

  function finish(outcome: Outcome, detail?: Record<string, unknown>) {
    state.status = outcome;
    state.endedAt = now();
    trace(`routing.${outcome}`, detail);
  }

  function closeLiveOffers(result: (offer: OfferReport) => OfferReport['result']) {
    const endedAt = now();
    for (const offer of state.offers) {
      if (offer.result !== 'pending') continue;
      offer.result = result(offer);
      offer.endedAt = endedAt;
    }
  }

  // --- Projection of offers and the connection into the database (what reps list and capacity counts). ---
  // Writes run one after another and each sends what changed since the last one, so the last write always
  // leaves the database matching the workflow, however handlers and the main loop interleave.
  const written = new Map<string, OfferReport['result']>();
  let connectionWritten = false;
  let writes: Promise<void> = Promise.resolve();
  function persist(): Promise<void> {
    writes = writes.then(async () => {
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
          closed.push({ repId: offer.repId, result: offer.result, endedAt: offer.endedAt ?? now() });
        }
      }
      const connection =
        state.repId !== null && !connectionWritten
          ? { repId: state.repId, startedAt: state.endedAt ?? now() }
          : undefined;
      if (created.length === 0 && closed.length === 0 && !connection) return;
      await activities.writeRoutingProjection({ routingId: state.routingId, created, closed, connection });
      for (const offer of created) written.set(offer.repId, 'pending');
      for (const closure of closed) written.set(closure.repId, closure.result);
      if (connection) connectionWritten = true;
    });
    return writes;
  }

  // --- Messages. Validators are synchronous so a refusal reaches the caller and writes no history. ---
  setHandler(stateQuery, () => state);

  setHandler(
    acceptUpdate,
    async ({ repId }) => {
      if (state.repId === repId) return { outcome: 'connected' as const }; // the winner asking again
      state.repId = repId; // first statement: from here on every other accept is refused
      closeLiveOffers((offer) => (offer.repId === repId ? 'accepted' : 'withdrawn'));
      finish('connected', { repId });
      await persist();
      return { outcome: 'connected' as const };
    },
    {
      validator: (message) => {
        validRepMessage(message);
        if (state.repId !== null && state.repId !== message.repId) refuse('already_assigned', 'another rep accepted');
        if (state.repId === null && !isOpen()) refuse('routing_closed', `routing is ${state.status}`);
        if (state.repId === null && !liveOffer(message.repId)) refuse('not_offered', 'no live offer for this rep');
      },
    },
  );

  setHandler(
    declineUpdate,
    async ({ repId }) => {
      const offer = liveOffer(repId);
      if (offer) {
        offer.result = 'declined';
        offer.endedAt = now();
        trace('offer.declined', { repId });
      }
      await persist();
      return { outcome: 'declined' as const };
    },
    {
      validator: (message) => {
        validRepMessage(message);
        if (!isOpen()) refuse('routing_closed', `routing is ${state.status}`);
        if (!liveOffer(message.repId)) refuse('not_offered', 'no live offer for this rep');
      },
    },
  );

  setHandler(
    cancelUpdate,
    async () => {
      closeLiveOffers(() => 'withdrawn');
      finish('cancelled');
      await persist();
      return { status: state.status };
    },
    {
      validator: () => {
        if (!isOpen()) refuse('routing_closed', `routing is ${state.status}`);
      },
    },
  );

  // --- Routing. ---
  trace('routing.started', { type: input.type });
  const match = await activities.matchRule({ visitor: input.visitor });
  state.ruleSetVersion = match.ruleSetVersion;
  const rule = match.rule;
  if (!rule) {
    if (isOpen()) finish('no_match', { ruleSetVersion: match.ruleSetVersion });
  } else {
    state.rule = { id: rule.id, name: rule.name };
    trace('rule.matched', { ruleId: rule.id, ruleSetVersion: match.ruleSetVersion });
    const tried = new Set<string>();
    let firstStageUserIds: string[] | undefined;
    const offerTimeoutMs = Math.max(1, Math.round(rule.offerTimeoutSeconds * 1000));

    for (const stage of planStages(rule)) {
      if (!isOpen()) break;
      const candidates = await activities.resolveStage({ target: stage.target, alreadyTried: [...tried] });
      if (!isOpen()) break;
      firstStageUserIds ??= candidates.filter((c) => c.reason !== 'unknown_user').map((c) => c.userId);
      const eligible = candidates.filter((c) => c.eligible).map((c) => c.userId);
      const report = { name: stage.name, startedAt: now(), candidates };
      state.stages.push(report);
      trace('stage.started', { stage: stage.name, eligible });
      if (eligible.length === 0) {
        state.stages[state.stages.length - 1] = { ...report, skipped: 'nobody_eligible' };
        continue;
      }

      // First available: everyone at once; the first accept wins, the rest are withdrawn by the accept handler.
      const offeredAt = now();
      const expiresAt = new Date(Date.now() + offerTimeoutMs).toISOString();
      const offers: OfferReport[] = eligible.map((repId) => ({
        repId,
        stage: stage.name,
        offeredAt,
        expiresAt,
        endedAt: null,
        result: 'pending',
      }));
      state.offers.push(...offers);
      for (const repId of eligible) tried.add(repId);
      trace('offers.made', { stage: stage.name, repIds: eligible, expiresAt });
      const answeredInTime = condition(
        () => !isOpen() || offers.every((offer) => offer.result !== 'pending'),
        offerTimeoutMs,
      );
      await Promise.all([persist(), answeredInTime]);
      if (isOpen() && offers.some((offer) => offer.result === 'pending')) {
        closeLiveOffers(() => 'timed_out');
        trace('offers.timed_out', { stage: stage.name });
      }
    }

    if (isOpen()) {
      const { outcome, meetingBookerUserIds } = outcomeWithoutAccept({
        type: input.type,
        meetingBookerEnabled: rule.meetingBooker.enabled,
        firstStageUserIds: firstStageUserIds ?? [],
        anyOfferMade: state.offers.length > 0,
      });
      if (meetingBookerUserIds) state.meetingBooker = { userIds: meetingBookerUserIds };
      finish(outcome);
    }
  }

  await persist();
  await condition(allHandlersFinished);
  return state;
}
