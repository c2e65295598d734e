// Figure 4: rule matching, pure and in-process, against growing rule sets: the compiled index the service matches
// with (domain/rule-index.ts), and the linear scan (findMatchingRule) as the baseline it must equal.
// The rule sets look like a large real one: mostly named-account rules, then campaign and territory rules, and a
// few page-and-size rules no index fits. Each visitor nearly matches several rules (its account, campaign and region
// all have rules) and matches the last rule, or none.

import { findMatchingRule } from '../../domain/criteria';
import { compileRuleSet } from '../../domain/rule-index';
import type { Criteria } from '../../domain/rules';
import type { Visitor } from '../../domain/visitor';
import { now } from '../driver/timing';
import { summarize } from '../stats';

export interface MatcherFigure {
  visitorsPerSecond: number;
  /** Mean. */
  microsPerVisitor: number;
  medianMicros: number;
  p99Micros: number;
}

/** The compiled matcher's figures, with the linear scan's alongside. */
export interface MatchingCase extends MatcherFigure {
  rules: number;
  match: 'last' | 'none';
  /** Building the index, once per rule-set version. */
  compileMs: number;
  linear: MatcherFigure;
}

interface BenchRule {
  id: number;
  enabled: boolean;
  criteria: Criteria;
}

const COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'SE', 'AU', 'JP', 'BR', 'IN', 'SG', 'MX', 'IE'];
const CAMPAIGN_COUNTRIES = COUNTRIES.slice(0, 5);
const BANDS = [50, 200, 1000, 1_000_000];

/** Which rule sits at `index`: 60% named accounts, 15% campaigns, 25% territories, one page rule per 1,000. */
function kind(index: number, count: number): 'account' | 'campaign' | 'territory' | 'page' {
  if (index === count - 1) return 'account'; // the rule the 'last' visitors match
  if (index % 1000 === 500) return 'page';
  const slot = index % 20;
  return slot < 12 ? 'account' : slot < 15 ? 'campaign' : 'territory';
}

/** A territory: a country's region and a company-size band; 16 x 50 x 3 of them, so a region has about 3 rules. */
function territory(index: number) {
  const ordinal = Math.floor(index / 20) * 5 + Math.max(0, (index % 20) - 15);
  const country = COUNTRIES[ordinal % COUNTRIES.length] as string;
  const region = `${country}-${Math.floor(ordinal / COUNTRIES.length) % 50}`;
  const band = Math.floor(ordinal / 800) % (BANDS.length - 1);
  return { country, region, from: BANDS[band] as number, to: BANDS[band + 1] as number };
}

function criteria(index: number, count: number): Criteria {
  switch (kind(index, count)) {
    case 'account':
      return {
        all: [{ field: 'domain', op: 'in', value: [`acct${index}.com`, `www.acct${index}.com`] }],
        any: [
          { field: 'segments', op: 'includes', value: 'enterprise' },
          { field: 'fields.employees', op: 'gte', value: 200 },
        ],
      };
    case 'campaign':
      return {
        all: [
          { field: 'country', op: 'in', value: CAMPAIGN_COUNTRIES },
          { field: 'utm.campaign', op: 'equals', value: `campaign-${index}` },
        ],
        any: [
          { field: 'fields.pageUrl', op: 'contains', value: '/pricing' },
          { field: 'fields.pageUrl', op: 'contains', value: '/demo' },
        ],
      };
    case 'territory': {
      const { country, region, from, to } = territory(index);
      return {
        all: [
          { field: 'country', op: 'equals', value: country },
          { field: 'fields.region', op: 'equals', value: region },
          { field: 'fields.employees', op: 'gte', value: from },
          { field: 'fields.employees', op: 'lt', value: to },
        ],
      };
    }
    case 'page':
      return {
        all: [
          { field: 'fields.pageUrl', op: 'contains', value: `/pricing/plan-${index}` },
          { field: 'fields.employees', op: 'gte', value: 1000 },
        ],
      };
  }
}

function buildRules(count: number): BenchRule[] {
  return Array.from({ length: count }, (_, index) => ({ id: index, enabled: true, criteria: criteria(index, count) }));
}

/** The nearest rule of `wanted` kind at or before `index` (any index when there is none). */
function nearest(wanted: ReturnType<typeof kind>, index: number, count: number): number {
  for (let i = index; i >= 0; i--) if (kind(i, count) === wanted) return i;
  return index;
}

/**
 * Visitors spread over the list, each with a real account's domain, campaign and region, failing every one of
 * those rules (too small, not enterprise, not on a pricing or demo page): the index hands them over as candidates
 * and each is evaluated. `last` visitors are also the last rule's account, as an enterprise.
 */
function visitors(count: number, match: 'last' | 'none'): Visitor[] {
  return Array.from({ length: 64 }, (_, j) => {
    const at = Math.floor(((j + 1) * (count - 1)) / 65);
    const { country, region } = territory(nearest('territory', at, count));
    const account = match === 'last' ? count - 1 : nearest('account', at, count);
    return {
      id: `v${j}`,
      email: `buyer${j}@acct${account}.com`,
      domain: `acct${account}.com`,
      country,
      segments: [match === 'last' ? 'Enterprise' : 'smb', 'emea'],
      fields: { employees: 10 + (j % 40), region, pageUrl: 'https://www.example.com/blog/routing' },
      utm: { source: 'google', campaign: `campaign-${nearest('campaign', at, count)}` },
    };
  });
}

/** Matches visitors round and round for at least `minMs` (after a warm-up), timing each one. */
function measure(
  matcher: (visitor: Visitor) => BenchRule | undefined,
  pool: readonly Visitor[],
  expected: number | undefined,
  minMs: number,
): MatcherFigure {
  const check = (visitor: Visitor) => {
    if (matcher(visitor)?.id !== expected) throw new Error('rule matching bench matched wrongly');
  };
  for (const visitor of pool) check(visitor);
  const samples: number[] = [];
  const start = now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const visitor of pool) {
      const before = now();
      check(visitor);
      samples.push((now() - before) * 1000);
    }
    elapsed = now() - start;
  }
  const { median, p99 } = summarize(samples);
  return {
    visitorsPerSecond: (samples.length * 1000) / elapsed,
    microsPerVisitor: (elapsed * 1000) / samples.length,
    medianMicros: median,
    p99Micros: p99,
  };
}

export function measureRuleMatching(ruleCounts: readonly number[], minMs = 500): MatchingCase[] {
  const cases: MatchingCase[] = [];
  for (const count of ruleCounts) {
    const rules = buildRules(count);
    const compileStart = now();
    const compiled = compileRuleSet(rules);
    const compileMs = now() - compileStart;
    for (const match of ['last', 'none'] as const) {
      const pool = visitors(count, match);
      const expected = match === 'last' ? count - 1 : undefined;
      cases.push({
        rules: count,
        match,
        compileMs,
        ...measure((visitor) => compiled.match(visitor), pool, expected, minMs),
        linear: measure((visitor) => findMatchingRule(rules, visitor), pool, expected, minMs),
      });
    }
  }
  return cases;
}
