// One durable routing: match a rule, walk its stages, offer reps, take the first accept, else fall through.
// Deterministic: time comes from the workflow clock; every read and write goes through an activity.
import { allHandlersFinished, condition, getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { eligibleRepIds, offerTimeoutMs } from '../domain/offers';
import { bookableUserIds, outcomeWithoutAccept } from '../domain/outcome';
import type { Candidate, RoutingInput, RoutingState } from '../domain/routing';
import { planStages } from '../domain/stage-plan';
import { routingActivities } from './activities';
import { distributionStrategies } from './distribution';
import { scheduleIdleEnd } from './end-idle-conversation';
import { registerRoutingHandlers } from './handlers';
import { supersedeSignal } from './messages';
import { createProjection } from './projection';
import { RoutingRecord } from './routing-record';
import { stageCandidates } from './stage-candidates';
import { showOutcome } from './visibility';

export async function routeVisitor(input: RoutingInput): Promise<RoutingState> {
  const record = new RoutingRecord(input);
  const projection = createProjection(record);
  registerRoutingHandlers(record, projection);
  record.trace('routing.started', { type: input.type });

  const match = await routingActivities.beginRouting({
    routingId: input.routingId,
    type: input.type,
    visitor: input.visitor,
    startedAt: record.state.startedAt,
  });
  await supersedePounces(record, match.pounceRoutingIds);
  record.matchedAgainst(match.ruleSetVersion);
  const rule = match.rule;

  if (!rule) {
    if (record.isOpen()) record.end('no_match', { ruleSetVersion: match.ruleSetVersion });
  } else if (record.isOpen()) {
    record.matchRule(rule);
    const tried = new Set<string>();
    let firstStageUserIds: string[] | undefined;

    for (const [index, stage] of planStages(rule, input.visitor).entries()) {
      if (!record.isOpen()) break;
      // beginRouting resolved a first stage that names users, and showed its offers if it offers everyone at once.
      const resolved = index === 0 && match.firstStage?.name === stage.name ? match.firstStage : undefined;
      const { candidates, identifiedBy }: { candidates: Candidate[]; identifiedBy?: string } =
        resolved ??
        (await stageCandidates(routingActivities, stage, input.visitor, [...tried], record.now(), input.routingId));
      if (!record.isOpen()) break;
      firstStageUserIds ??= bookableUserIds(candidates);
      const eligible = eligibleRepIds(candidates);
      record.startStage(
        { name: stage.name, candidates, ...(identifiedBy !== undefined && { identifiedBy }) },
        eligible,
      );
      if (eligible.length === 0) continue;

      const offering = {
        record,
        projection,
        tried,
        ruleId: rule.id,
        stage: stage.name,
        offerTimeoutMs: offerTimeoutMs(rule),
        distribution: rule.distribution,
        weights: (stage.source.kind === 'users' && stage.source.target.weights) || {},
        // Rules stored before rotation periods were added have none: their counts never reset.
        rotationResets: rule.rotationResets ?? 'never',
      };
      const alreadyShown = (resolved?.shown.length ?? 0) > 0;
      await distributionStrategies[rule.distribution](offering, {
        candidates,
        eligible,
        alreadyShown,
        ...(resolved?.turn && { turnTaken: resolved.turn }),
      });
    }

    if (record.isOpen()) {
      const { outcome, meetingBookerUserIds } = outcomeWithoutAccept({
        type: input.type,
        meetingBookerEnabled: rule.meetingBooker.enabled,
        firstStageUserIds: firstStageUserIds ?? [],
        anyOfferMade: record.state.offers.length > 0,
      });
      if (meetingBookerUserIds) record.listInMeetingBooker(meetingBookerUserIds);
      if (outcome !== 'connected') record.end(outcome);
    }
  }

  showOutcome(record);
  // The SDK tags workflow log lines with the workflow id, which is the routing id.
  log.info('routing ended', { outcome: record.state.status, ruleId: record.state.rule?.id, repId: record.state.repId });
  // An outcome an update decided (a connection, a cancel) is written only once durable: reps, webhooks and capacity
  // checks must never see an accept that a crashed worker's unfinished task made, since another rep may win on
  // replay. The API writes it as soon as the update answers; this write is for when that API process died first.
  await projection.persist({ afterDurable: record.endedByUpdate() });
  await scheduleIdleEnd(record, rule?.endConversationAfterSeconds);
  await condition(allHandlersFinished);
  return record.report();
}

/** An inbound routing ends the visitor's open pounce routings: the visitor is now asking to talk. */
async function supersedePounces(record: RoutingRecord, pounceRoutingIds: readonly string[]): Promise<void> {
  const { routingId } = record.state;
  for (const pounceId of pounceRoutingIds) {
    try {
      await getExternalWorkflowHandle(pounceId).signal(supersedeSignal, { byRoutingId: routingId });
      record.trace('pounce.superseded', { routingId: pounceId });
    } catch {
      // It finished on its own in the meantime: nothing to supersede.
    }
  }
}
