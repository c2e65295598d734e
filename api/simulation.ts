// Dry run of a routing: the rule it would match and who each stage would offer, assuming nobody accepts.
// Uses the very activities and planning code the workflow uses, and starts nothing.

import type { Activities } from '../activities';
import { bookableUserIds, outcomeWithoutAccept } from '../domain/outcome';
import type { RepLoad, RotationShare } from '../domain/rotation';
import { rotationKey } from '../domain/rotation';
import type { Candidate, PlannedStage, RoutingType } from '../domain/routing';
import type { Distribution, Rule } from '../domain/rules';
import { planStages } from '../domain/stage-plan';
import type { Visitor } from '../domain/visitor';
import { type StageActivities, stageCandidates } from '../workflows/stage-candidates';

/**
 * In what order a stage's eligible reps would be offered now, and what decided it: everyone at once, the weighted
 * rotation's next turn (taking none), or the reps' loads.
 */
export interface OfferOrder {
  decidedBy: Distribution;
  order: string[];
  shares?: RotationShare[];
  loads?: RepLoad[];
}

export interface Simulation {
  ruleSetVersion: number;
  /** The instant working hours and daily caps were judged at. */
  at: string;
  rule: { id: string; name: string; distribution: string; offerTimeoutSeconds: number } | null;
  stages: {
    name: string;
    candidates: Candidate[];
    identifiedBy?: string;
    skipped?: 'nobody_eligible';
    offerOrder?: OfferOrder;
  }[];
  /** What the routing ends as if no offered rep accepts. */
  outcomeIfNobodyAccepts: string;
  meetingBooker: { userIds: string[] } | null;
}

type SimulationActivities = Pick<Activities, 'matchRule' | 'peekRotationTurn' | 'rankLeastBusy'> & StageActivities;

/** The order `rule`'s distribution would offer `eligible` in, as the workflow would decide it now. */
async function offerOrder(
  activities: SimulationActivities,
  rule: Rule,
  stage: PlannedStage,
  eligible: string[],
  at: string,
): Promise<OfferOrder> {
  const decidedBy = rule.distribution;
  if (decidedBy === 'least_busy') {
    const { order } = await activities.rankLeastBusy({ repIds: eligible, alreadyTried: [], at });
    return { decidedBy, order: order.map((load) => load.repId), loads: order };
  }
  if (decidedBy === 'round_robin') {
    const weights = (stage.source.kind === 'users' && stage.source.target.weights) || {};
    const turn = await activities.peekRotationTurn({
      rotationKey: rotationKey(rule.id, stage.name),
      period: rule.rotationResets,
      at,
      eligible: eligible.map((repId) => ({ repId, weight: weights[repId] ?? 1 })),
    });
    return { decidedBy, order: turn.order, shares: turn.shares };
  }
  return { decidedBy, order: eligible };
}

export async function simulateRouting(
  activities: SimulationActivities,
  request: { type: RoutingType; visitor: Visitor; at?: string | undefined },
): Promise<Simulation> {
  const at = (request.at === undefined ? new Date() : new Date(request.at)).toISOString();
  const match = await activities.matchRule({ visitor: request.visitor });
  const { rule } = match;
  if (!rule) {
    return {
      ruleSetVersion: match.ruleSetVersion,
      at,
      rule: null,
      stages: [],
      outcomeIfNobodyAccepts: 'no_match',
      meetingBooker: null,
    };
  }
  const tried = new Set<string>();
  const stages: Simulation['stages'] = [];
  for (const stage of planStages(rule, request.visitor)) {
    const { candidates, identifiedBy } = await stageCandidates(activities, stage, request.visitor, [...tried], at);
    const eligible = candidates.filter((candidate) => candidate.eligible);
    for (const candidate of eligible) tried.add(candidate.userId);
    stages.push({
      name: stage.name,
      candidates,
      ...(identifiedBy !== undefined && { identifiedBy }),
      ...(eligible.length === 0
        ? { skipped: 'nobody_eligible' as const }
        : {
            offerOrder: await offerOrder(
              activities,
              rule,
              stage,
              eligible.map((candidate) => candidate.userId),
              at,
            ),
          }),
    });
  }
  const { outcome, meetingBookerUserIds } = outcomeWithoutAccept({
    type: request.type,
    meetingBookerEnabled: rule.meetingBooker.enabled,
    firstStageUserIds: bookableUserIds(stages[0]?.candidates ?? []),
    anyOfferMade: tried.size > 0,
  });
  return {
    ruleSetVersion: match.ruleSetVersion,
    at,
    rule: {
      id: rule.id,
      name: rule.name,
      distribution: rule.distribution,
      offerTimeoutSeconds: rule.offerTimeoutSeconds,
    },
    stages,
    outcomeIfNobodyAccepts: outcome,
    meetingBooker: meetingBookerUserIds ? { userIds: meetingBookerUserIds } : null,
  };
}
