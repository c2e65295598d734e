// Pure stage planning: which groups of people a rule tries, in order.
import type { Rule } from '../../api/schemas/rules';
import type { PlannedStage } from './types';

function isEmpty(target: PlannedStage['target']): boolean {
  return target.users.length === 0 && target.groups.length === 0 && !target.allUsers;
}

/** The rule's `routeTo` and then each fallback, leaving out targets that name nobody. */
export function planStages(rule: Pick<Rule, 'routeTo' | 'fallbacks'>): PlannedStage[] {
  const stages: PlannedStage[] = [
    { name: 'route_to', target: rule.routeTo },
    ...rule.fallbacks.map((target, index) => ({ name: `fallback_${index + 1}`, target })),
  ];
  return stages.filter((stage) => !isEmpty(stage.target));
}
