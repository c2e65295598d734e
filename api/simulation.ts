// Dry run of a routing: the rule it would match and who each stage would offer, assuming nobody accepts.
// Uses the very activities and planning code the workflow uses, and starts nothing.

import type { Activities } from '../activities';
import { outcomeWithoutAccept } from '../domain/outcome';
import type { Candidate, RoutingType } from '../domain/routing';
import { planStages } from '../domain/stage-plan';
import type { Visitor } from '../domain/visitor';
import { type StageActivities, stageCandidates } from '../workflows/stage-candidates';

export interface Simulation {
  ruleSetVersion: number;
  rule: { id: string; name: string; distribution: string; offerTimeoutSeconds: number } | null;
  stages: { name: string; candidates: Candidate[]; identifiedBy?: string; skipped?: 'nobody_eligible' }[];
  /** What the routing ends as if no offered rep accepts. */
  outcomeIfNobodyAccepts: string;
  meetingBooker: { userIds: string[] } | null;
}

export async function simulateRouting(
  activities: Pick<Activities, 'matchRule'> & StageActivities,
  request: { type: RoutingType; visitor: Visitor },
): Promise<Simulation> {
  const match = await activities.matchRule({ visitor: request.visitor });
  const { rule } = match;
  if (!rule) {
    return {
      ruleSetVersion: match.ruleSetVersion,
      rule: null,
      stages: [],
      outcomeIfNobodyAccepts: 'no_match',
      meetingBooker: null,
    };
  }
  const tried = new Set<string>();
  const stages: Simulation['stages'] = [];
  for (const stage of planStages(rule, request.visitor)) {
    const { candidates, identifiedBy } = await stageCandidates(activities, stage, request.visitor, [...tried]);
    const eligible = candidates.filter((candidate) => candidate.eligible);
    for (const candidate of eligible) tried.add(candidate.userId);
    stages.push({
      name: stage.name,
      candidates,
      ...(identifiedBy !== undefined && { identifiedBy }),
      ...(eligible.length === 0 && { skipped: 'nobody_eligible' as const }),
    });
  }
  const { outcome, meetingBookerUserIds } = outcomeWithoutAccept({
    type: request.type,
    meetingBookerEnabled: rule.meetingBooker.enabled,
    firstStageUserIds: (stages[0]?.candidates ?? []).filter((c) => c.reason !== 'unknown_user').map((c) => c.userId),
    anyOfferMade: tried.size > 0,
  });
  return {
    ruleSetVersion: match.ruleSetVersion,
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
