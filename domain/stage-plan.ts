// Pure stage planning: which groups of people a rule tries, in order.

import type { PlannedStage } from './routing';
import type { Rule, Target } from './rules';
import type { Visitor } from './visitor';

function namesSomeone(target: Target): boolean {
  return target.users.length > 0 || target.groups.length > 0 || target.allUsers;
}

/**
 * Outbound owners (only for a visitor who came from an outbound email), then Salesforce owners, then `routeTo`,
 * then each fallback. Stages that cannot apply are left out; fallback numbering stays as the admin wrote it.
 */
export function planStages(
  rule: Pick<Rule, 'outbound' | 'salesforce' | 'routeTo' | 'fallbacks'>,
  visitor: Pick<Visitor, 'outbound'>,
): PlannedStage[] {
  const stages: PlannedStage[] = [];
  if (rule.outbound.enabled && visitor.outbound) {
    stages.push({ name: 'outbound', source: { kind: 'outbound', routeTo: rule.outbound.routeTo } });
  }
  if (rule.salesforce.enabled) {
    const { target, teamRoles } = rule.salesforce;
    stages.push({ name: 'salesforce', source: { kind: 'salesforce', target, ...(teamRoles && { teamRoles }) } });
  }
  if (namesSomeone(rule.routeTo)) stages.push({ name: 'route_to', source: { kind: 'users', target: rule.routeTo } });
  rule.fallbacks.forEach((target, index) => {
    if (namesSomeone(target)) stages.push({ name: `fallback_${index + 1}`, source: { kind: 'users', target } });
  });
  return stages;
}
