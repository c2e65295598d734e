// Figure 4: findMatchingRule, pure and in-process, against growing rule sets. Every rule has the same realistic
// shape and the visitor passes most of each rule's conditions, so each rule is evaluated nearly in full; the match
// is the last rule, or none.
import type { Criteria } from '../../api/schemas/rules';
import type { Visitor } from '../../api/schemas/visitor';
import { findMatchingRule } from '../../workflows/routing/criteria';
import { now } from '../driver/timing';

export interface MatchingCase {
  rules: number;
  match: 'last' | 'none';
  visitorsPerSecond: number;
  microsPerVisitor: number;
}

interface BenchRule {
  id: number;
  enabled: boolean;
  criteria: Criteria;
}

function buildRules(count: number): BenchRule[] {
  return Array.from({ length: count }, (_, index) => ({
    id: index,
    enabled: true,
    criteria: {
      all: [
        { field: 'country', op: 'in', value: ['US', 'CA', 'GB', 'DE', 'FR'] },
        { field: 'fields.employees', op: 'gte', value: 50 + (index % 200) },
        { field: 'utm.campaign', op: 'equals', value: `campaign-${index}` },
      ],
      any: [
        { field: 'email', op: 'ends_with', value: '.com' },
        { field: 'segments', op: 'includes', value: 'enterprise' },
      ],
    },
  }));
}

function visitors(campaign: string): Visitor[] {
  return Array.from({ length: 64 }, (_, index) => ({
    id: `v${index}`,
    email: `person${index}@bigco${index}.com`,
    country: index % 2 === 0 ? 'US' : 'gb',
    segments: ['enterprise', 'emea'],
    fields: { employees: 1000 + index },
    utm: { source: 'google', campaign },
  }));
}

/** Matches visitors round and round for at least `minMs` (after a warm-up) and returns the rate. */
function rate(rules: readonly BenchRule[], pool: readonly Visitor[], expected: number | undefined, minMs: number) {
  const check = (visitor: Visitor) => {
    if (findMatchingRule(rules, visitor)?.id !== expected) throw new Error('rule matching bench matched wrongly');
  };
  for (let index = 0; index < 64; index++) check(pool[index % pool.length] as Visitor);
  let matched = 0;
  const start = now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let index = 0; index < 64; index++) check(pool[index % pool.length] as Visitor);
    matched += 64;
    elapsed = now() - start;
  }
  return { visitorsPerSecond: (matched * 1000) / elapsed, microsPerVisitor: (elapsed * 1000) / matched };
}

export function measureRuleMatching(ruleCounts: readonly number[], minMs = 500): MatchingCase[] {
  const cases: MatchingCase[] = [];
  for (const count of ruleCounts) {
    const rules = buildRules(count);
    cases.push({ rules: count, match: 'last', ...rate(rules, visitors(`campaign-${count - 1}`), count - 1, minMs) });
    cases.push({ rules: count, match: 'none', ...rate(rules, visitors('campaign-none'), undefined, minMs) });
  }
  return cases;
}
