// A rule set compiled for matching: the same answer as findMatchingRule, without evaluating every rule.
// Pure and deterministic like criteria.ts (imported by workflow code and by activities): no I/O, clocks or randomness.

import { matchesCriteria, resolve, text } from './criteria';
import type { Condition, Rule } from './rules';
import type { Visitor } from './visitor';

type MatchableRule = Pick<Rule, 'enabled' | 'criteria'>;

export interface CompiledRuleSet<R> {
  /** Exactly `findMatchingRule(rules, visitor)`. */
  match(visitor: Visitor): R | undefined;
}

/** Fields and comparable texts: a rule can only match a visitor with one of these texts in one of these fields. */
type Guard = { field: string; keys: string[] }[];

/**
 * The texts a condition can hold on, or undefined if it cannot be indexed. `equals`, `in` and `includes` hold only
 * when the field's value, or some element of an array value, has one of these texts (see `holds` in criteria.ts);
 * a value they cannot compare gives no texts, as such a condition never holds.
 */
function conditionKeys(condition: Condition): string[] | undefined {
  const { op, value } = condition;
  if (op === 'equals' || op === 'includes') {
    const key = text(value);
    return key === undefined ? [] : [key];
  }
  if (op !== 'in') return undefined;
  if (!Array.isArray(value)) return [];
  return value.map(text).filter((key): key is string => key !== undefined);
}

/** Every way a rule could be guarded: each indexable `all` condition, and `any` when all its conditions are. */
function guardOptions(rule: MatchableRule): Guard[] {
  const options: Guard[] = [];
  for (const condition of rule.criteria.all ?? []) {
    const keys = conditionKeys(condition);
    if (keys) options.push([{ field: condition.field, keys }]);
  }
  const any = rule.criteria.any ?? [];
  const anyGuard: Guard = [];
  for (const condition of any) {
    const keys = conditionKeys(condition);
    if (!keys) return options;
    anyGuard.push({ field: condition.field, keys });
  }
  if (any.length > 0) options.push(anyGuard);
  return options;
}

/** Get-or-create of the inner map: field, then comparable text. Maps, so `__proto__` is an ordinary key. */
function inner<V>(outer: Map<string, Map<string, V>>, field: string): Map<string, V> {
  let map = outer.get(field);
  if (!map) {
    map = new Map();
    outer.set(field, map);
  }
  return map;
}

/**
 * Buckets each enabled rule under its most selective guard (the one whose texts the fewest rules mention), so a
 * visitor's candidates are the rules in the buckets of its own values plus the rules no guard fits, which are
 * always checked. Build once per rule-set version.
 */
export function compileRuleSet<R extends MatchableRule>(rules: readonly R[]): CompiledRuleSet<R> {
  const options = rules.map((rule) => (rule.enabled ? guardOptions(rule) : []));
  const shared = new Map<string, Map<string, number>>();
  for (const guards of options) {
    for (const guard of guards) {
      for (const { field, keys } of guard) {
        const counts = inner(shared, field);
        for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const cost = (guard: Guard) => {
    let sum = 0;
    for (const { field, keys } of guard) for (const key of keys) sum += shared.get(field)?.get(key) ?? 0;
    return sum;
  };

  // Positions in list order, so every bucket is ascending.
  const buckets = new Map<string, Map<string, number[]>>();
  const alwaysCheck: number[] = [];
  rules.forEach((rule, position) => {
    if (!rule.enabled) return;
    const guards = options[position] as Guard[];
    if (guards.length === 0) {
      alwaysCheck.push(position);
      return;
    }
    const costs = guards.map(cost);
    const best = guards[costs.indexOf(Math.min(...costs))] as Guard;
    for (const { field, keys } of best) {
      const bucket = inner(buckets, field);
      for (const key of keys) {
        const list = bucket.get(key);
        if (!list) bucket.set(key, [position]);
        else if (list[list.length - 1] !== position) list.push(position); // `in: ['US', 'us']` is one entry
      }
    }
  });

  const first = (lists: readonly number[][], visitor: Visitor): R | undefined => {
    // Merge the ascending lists, evaluating each candidate once in list order; the first match is the answer.
    const heads = lists.map(() => 0);
    let previous = -1;
    for (;;) {
      let lowest = -1;
      let position = Number.POSITIVE_INFINITY;
      for (let i = 0; i < lists.length; i++) {
        const next = (lists[i] as number[])[heads[i] as number];
        if (next !== undefined && next < position) {
          position = next;
          lowest = i;
        }
      }
      if (lowest < 0) return undefined;
      heads[lowest] = (heads[lowest] as number) + 1;
      if (position === previous) continue; // the same rule from a second bucket
      previous = position;
      const rule = rules[position] as R;
      if (matchesCriteria(rule.criteria, visitor)) return rule;
    }
  };

  const indexed = [...buckets];
  return {
    match(visitor) {
      const lists = alwaysCheck.length > 0 ? [alwaysCheck] : [];
      for (const [field, bucket] of indexed) {
        const actual = resolve(visitor, field);
        // An array field offers each element, as equals/in/includes compare element by element.
        for (const value of Array.isArray(actual) ? actual : [actual]) {
          const key = text(value);
          const list = key === undefined ? undefined : bucket.get(key);
          if (list) lists.push(list);
        }
      }
      return first(lists, visitor);
    },
  };
}
