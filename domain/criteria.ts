// Pure, deterministic rule matching. Imported by Temporal workflow code: no I/O, no clocks, no randomness.
import type { Condition, ConditionOp, Criteria, Rule } from './rules';
import type { Visitor } from './visitor';

type PositiveOp = Exclude<ConditionOp, 'not_equals' | 'not_contains' | 'not_in' | 'not_exists'>;

/** Split dotted paths once; bounded so arbitrary rule sets cannot grow it without limit. Memoization only. */
const MAX_CACHED_PATHS = 1024;
const pathCache = new Map<string, readonly string[]>();

function ownValue(target: unknown, key: string): unknown {
  return typeof target === 'object' && target !== null && Object.hasOwn(target, key)
    ? (target as Record<string, unknown>)[key]
    : undefined;
}

/** Walks own properties only, so `__proto__`, `constructor` or `toString` never reach prototype members. */
export function resolve(visitor: Visitor, path: string): unknown {
  if (!path.includes('.')) return ownValue(visitor, path);
  let keys = pathCache.get(path);
  if (keys === undefined) {
    if (pathCache.size >= MAX_CACHED_PATHS) pathCache.clear();
    keys = path.split('.');
    pathCache.set(path, keys);
  }
  let current: unknown = visitor;
  for (const key of keys) {
    current = ownValue(current, key);
    if (current === undefined) return undefined;
  }
  return current;
}

/** Case-insensitive comparable form of a scalar; numbers and booleans compare by their string form. */
export function text(value: unknown): string | undefined {
  const kind = typeof value;
  return kind === 'string' || kind === 'number' || kind === 'boolean' ? String(value).toLowerCase() : undefined;
}

/** Numbers as-is; strings only when wholly numeric ("250", not "250+" or ""). Everything else is not a number. */
function toNumber(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function inList(actual: string | undefined, list: readonly unknown[]): boolean {
  if (actual === undefined) return false;
  for (const item of list) if (text(item) === actual) return true;
  return false;
}

function holds(op: PositiveOp, actual: unknown, value: Condition['value']): boolean {
  switch (op) {
    case 'exists':
      return actual !== undefined && actual !== null && actual !== '';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = toNumber(actual);
      if (n === undefined || typeof value !== 'number') return false;
      return op === 'gt' ? n > value : op === 'gte' ? n >= value : op === 'lt' ? n < value : n <= value;
    }
    case 'in': {
      if (!Array.isArray(value)) return false;
      if (!Array.isArray(actual)) return inList(text(actual), value);
      for (const element of actual) if (inList(text(element), value)) return true;
      return false;
    }
    case 'equals':
    case 'contains':
    case 'includes':
    case 'starts_with':
    case 'ends_with': {
      const expected = text(value);
      if (expected === undefined) return false;
      // On an array field, equals/contains/includes all mean "some element equals the value".
      if (Array.isArray(actual)) return op !== 'starts_with' && op !== 'ends_with' && inList(expected, actual);
      const a = op === 'includes' ? undefined : text(actual);
      if (a === undefined) return false;
      if (op === 'equals') return a === expected;
      if (op === 'contains') return a.includes(expected);
      return op === 'starts_with' ? a.startsWith(expected) : a.endsWith(expected);
    }
  }
}

/**
 * Whether one condition holds for the visitor. Negative ops are the exact negation of their positive
 * counterpart, so a missing field (on which every positive op is false) makes them true.
 */
export function matchesCondition(condition: Condition, visitor: Visitor): boolean {
  const actual = resolve(visitor, condition.field);
  switch (condition.op) {
    case 'not_equals':
      return !holds('equals', actual, condition.value);
    case 'not_contains':
      return !holds('contains', actual, condition.value);
    case 'not_in':
      return !holds('in', actual, condition.value);
    case 'not_exists':
      return !holds('exists', actual, condition.value);
    default:
      return holds(condition.op, actual, condition.value);
  }
}

/**
 * `all`: every condition holds. `any`: at least one holds, but an empty or missing list imposes nothing
 * (rather than matching no one), so `{}` or `{ any: [] }` matches every visitor.
 */
export function matchesCriteria(criteria: Criteria, visitor: Visitor): boolean {
  if (criteria.all) for (const c of criteria.all) if (!matchesCondition(c, visitor)) return false;
  if (!criteria.any || criteria.any.length === 0) return true;
  for (const c of criteria.any) if (matchesCondition(c, visitor)) return true;
  return false;
}

/** First enabled rule whose criteria match, in list order: the list order is the admin-set priority. */
export function findMatchingRule<R extends Pick<Rule, 'enabled' | 'criteria'>>(
  rules: readonly R[],
  visitor: Visitor,
): R | undefined {
  for (const rule of rules) if (rule.enabled && matchesCriteria(rule.criteria, visitor)) return rule;
  return undefined;
}
