// The ordered rule list, kept as immutable versions: each change appends the whole new list.
import { randomUUID } from 'node:crypto';
import { type CompiledRuleSet, compileRuleSet } from '../domain/rule-index';
import type { Rule, RuleInput } from '../domain/rules';
import { type Db, retryOnConflict } from './database';
import { existingGroupIds, existingUserIds } from './directory';
import { UnknownReferenceError } from './errors';

export interface RuleSet {
  version: number;
  createdAt: string | null;
  rules: Rule[];
}

type Reader = Pick<Db, 'selectFrom'>;

async function latest(db: Reader): Promise<RuleSet> {
  const row = await db
    .selectFrom('rule_set_versions')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? { version: row.version, createdAt: row.created_at, rules: JSON.parse(row.rules) as Rule[] }
    : { version: 0, createdAt: null, rules: [] };
}

interface Latest {
  ruleSet: RuleSet;
  index?: CompiledRuleSet<Rule>;
}

/**
 * The latest rule set of each database, parsed once and compiled on its first match. At 10,000 rules, reading and
 * parsing the row takes tens of milliseconds and compiling about as long; checking the version is one indexed
 * lookup. A version never changes once written, so the latest is all there is to keep: one entry per database
 * (several in one process in tests), shared by every caller, read only.
 */
const latestByDb = new WeakMap<Db, Latest>();

async function cachedLatest(db: Db): Promise<Latest> {
  const head = await db
    .selectFrom('rule_set_versions')
    .select(['version', 'created_at'])
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const cached = latestByDb.get(db);
  if (
    cached &&
    cached.ruleSet.version === (head?.version ?? 0) &&
    cached.ruleSet.createdAt === (head?.created_at ?? null)
  ) {
    return cached;
  }
  const entry: Latest = { ruleSet: await latest(db) };
  latestByDb.set(db, entry);
  return entry;
}

export async function currentRuleSet(db: Db): Promise<RuleSet> {
  return (await cachedLatest(db)).ruleSet;
}

/** The current version and its compiled rules: `index.match(visitor)` is findMatchingRule over its rules. */
export async function currentRuleIndex(db: Db): Promise<{ version: number; index: CompiledRuleSet<Rule> }> {
  const entry = await cachedLatest(db);
  entry.index ??= compileRuleSet(entry.ruleSet.rules);
  return { version: entry.ruleSet.version, index: entry.index };
}

/** Versions are `integer` columns: 32 bits on PostgreSQL, which refuses to compare with anything larger. */
const MAX_VERSION = 2_147_483_647;

export async function ruleSetAt(db: Db, version: number): Promise<RuleSet | undefined> {
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) return undefined;
  const row = await db.selectFrom('rule_set_versions').selectAll().where('version', '=', version).executeTakeFirst();
  return row && { version: row.version, createdAt: row.created_at, rules: JSON.parse(row.rules) as Rule[] };
}

export async function listRuleSetVersions(db: Db): Promise<{ version: number; createdAt: string; rules: number }[]> {
  const rows = await db.selectFrom('rule_set_versions').selectAll().orderBy('version', 'desc').execute();
  return rows.map((row) => ({
    version: row.version,
    createdAt: row.created_at,
    rules: (JSON.parse(row.rules) as unknown[]).length,
  }));
}

/** Refuses a rule whose targets name users or groups that do not exist; `field` paths point into the request. */
async function checkReferences(db: Db, rule: RuleInput): Promise<void> {
  const targets = [
    { path: 'routeTo', target: rule.routeTo },
    ...rule.fallbacks.map((target, index) => ({ path: `fallbacks.${index}`, target })),
  ];
  const users = await existingUserIds(db, [...new Set(targets.flatMap((t) => t.target.users))]);
  const groups = await existingGroupIds(db, [...new Set(targets.flatMap((t) => t.target.groups))]);
  for (const { path, target } of targets) {
    const unknownUsers = target.users.filter((id) => !users.has(id));
    if (unknownUsers.length > 0) throw new UnknownReferenceError(`${path}.users`, unknownUsers);
    const unknownGroups = target.groups.filter((id) => !groups.has(id));
    if (unknownGroups.length > 0) throw new UnknownReferenceError(`${path}.groups`, unknownGroups);
  }
}

/**
 * Applies `change` to the current list and stores the result as the next version, in one transaction.
 * `change` returns the new list, or undefined to leave everything as it was (e.g. the rule does not exist).
 * Two changes at once both read version N and write N + 1: the loser's insert fails on the key and it runs again
 * over the winner's list, so no change is lost (SQLite runs a process's transactions one at a time; PostgreSQL
 * does not).
 */
async function publish<T>(db: Db, change: (rules: Rule[]) => { rules: Rule[]; result: T } | undefined) {
  return retryOnConflict(
    () =>
      db.transaction().execute(async (tx) => {
        const current = await latest(tx);
        const changed = change(current.rules);
        if (!changed) return undefined;
        const version = current.version + 1;
        await tx
          .insertInto('rule_set_versions')
          .values({ version, rules: JSON.stringify(changed.rules), created_at: new Date().toISOString() })
          .execute();
        return { version, result: changed.result };
      }),
    20,
  );
}

export async function createRule(db: Db, input: RuleInput, position?: number) {
  await checkReferences(db, input);
  const rule: Rule = { id: randomUUID(), ...input };
  const published = await publish(db, (rules) => {
    const next = [...rules];
    next.splice(Math.min(position ?? next.length, next.length), 0, rule);
    return { rules: next, result: rule };
  });
  if (!published) throw new Error('unreachable: rule creation always publishes');
  return published;
}

export async function replaceRule(db: Db, id: string, input: RuleInput) {
  await checkReferences(db, input);
  return publish(db, (rules) => {
    const index = rules.findIndex((rule) => rule.id === id);
    if (index < 0) return undefined;
    const rule: Rule = { id, ...input };
    return { rules: rules.map((existing, i) => (i === index ? rule : existing)), result: rule };
  });
}

export async function deleteRule(db: Db, id: string) {
  return publish(db, (rules) =>
    rules.some((rule) => rule.id === id) ? { rules: rules.filter((rule) => rule.id !== id), result: id } : undefined,
  );
}

/** The order must name every current rule exactly once. */
export async function reorderRules(db: Db, ids: readonly string[]) {
  return publish(db, (rules) => {
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const sameSet = ids.length === rules.length && new Set(ids).size === ids.length && ids.every((id) => byId.has(id));
    if (!sameSet) return undefined;
    const next = ids.map((id) => byId.get(id) as Rule);
    return { rules: next, result: next };
  });
}
