// The ordered rule list, kept as immutable versions: each change appends the whole new list. Beside them, at most one
// draft: a whole list admins edit without touching what routes visitors, until publishing makes it the next version.
import { randomUUID } from 'node:crypto';
import { type CompiledRuleSet, compileRuleSet } from '../domain/rule-index';
import type { Rule, RuleInput } from '../domain/rules';
import { type Db, retryOnConflict } from './database';
import { existingGroupIds, existingUserIds } from './directory';
import { ConflictError, NoDraftError, PreconditionFailedError, UnknownReferenceError } from './errors';

export interface RuleSet {
  version: number;
  /** When the version was published (the same as `publishedAt`, kept for earlier clients). */
  createdAt: string | null;
  publishedAt: string | null;
  /** Who published it: the name the publishing admin gave, else `admin` (the admin key). */
  publishedBy: string | null;
  rules: Rule[];
}

type Reader = Pick<Db, 'selectFrom'>;

const noRuleSet: RuleSet = { version: 0, createdAt: null, publishedAt: null, publishedBy: null, rules: [] };

function ruleSetOf(row: { version: number; rules: string; created_at: string; published_by: string }): RuleSet {
  return {
    version: row.version,
    createdAt: row.created_at,
    publishedAt: row.created_at,
    publishedBy: row.published_by,
    rules: JSON.parse(row.rules) as Rule[],
  };
}

async function latest(db: Reader): Promise<RuleSet> {
  const row = await db
    .selectFrom('rule_set_versions')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? ruleSetOf(row) : noRuleSet;
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

export async function ruleSetAt(db: Reader, version: number): Promise<RuleSet | undefined> {
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) return undefined;
  const row = await db.selectFrom('rule_set_versions').selectAll().where('version', '=', version).executeTakeFirst();
  return row && ruleSetOf(row);
}

export async function listRuleSetVersions(
  db: Db,
): Promise<{ version: number; createdAt: string; publishedAt: string; publishedBy: string; rules: number }[]> {
  const rows = await db.selectFrom('rule_set_versions').selectAll().orderBy('version', 'desc').execute();
  return rows.map((row) => ({
    version: row.version,
    createdAt: row.created_at,
    publishedAt: row.created_at,
    publishedBy: row.published_by,
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

// --- Edits: the same four changes apply to the live rules and to the draft ------------------------------------------

/**
 * One change to an ordered list: `apply` returns the new list and what to answer, or undefined to leave everything as
 * it was (e.g. the rule does not exist). `checks` is a rule whose references must exist first.
 */
export interface RuleEdit<T> {
  checks?: RuleInput;
  apply: (rules: Rule[]) => { rules: Rule[]; result: T } | undefined;
}

export const ruleEdits = {
  create(input: RuleInput, position?: number): RuleEdit<Rule> {
    const rule: Rule = { id: randomUUID(), ...input };
    return {
      checks: input,
      apply: (rules) => {
        const next = [...rules];
        next.splice(Math.min(position ?? next.length, next.length), 0, rule);
        return { rules: next, result: rule };
      },
    };
  },
  replace(id: string, input: RuleInput): RuleEdit<Rule> {
    return {
      checks: input,
      apply: (rules) => {
        const index = rules.findIndex((rule) => rule.id === id);
        if (index < 0) return undefined;
        const rule: Rule = { id, ...input };
        return { rules: rules.map((existing, i) => (i === index ? rule : existing)), result: rule };
      },
    };
  },
  remove(id: string): RuleEdit<string> {
    return {
      apply: (rules) =>
        rules.some((rule) => rule.id === id)
          ? { rules: rules.filter((rule) => rule.id !== id), result: id }
          : undefined,
    };
  },
  /** The order must name every rule of the list exactly once. */
  reorder(ids: readonly string[]): RuleEdit<Rule[]> {
    return {
      apply: (rules) => {
        const byId = new Map(rules.map((rule) => [rule.id, rule]));
        const sameSet =
          ids.length === rules.length && new Set(ids).size === ids.length && ids.every((id) => byId.has(id));
        if (!sameSet) return undefined;
        const next = ids.map((id) => byId.get(id) as Rule);
        return { rules: next, result: next };
      },
    };
  },
};

/** Which state of the rules a change was made against: a live version, or a draft's id and revision. */
export type RulesRevision = { scope: 'live'; version: number } | { scope: 'draft'; draftId: string; revision: number };

/** The caller's condition on the current revision (its `If-Match`); a change made against another is refused. */
export type Precondition = (current: RulesRevision) => boolean;

function checkPrecondition(precondition: Precondition | undefined, current: RulesRevision): void {
  if (precondition && !precondition(current)) {
    throw new PreconditionFailedError(current.scope === 'live' ? 'rule set' : 'draft rule set');
  }
}

/**
 * Stores `rules` as the next version. Two publishes at once both read version N and write N + 1: the loser's insert
 * fails on the key and it runs again over the winner's list, so no change is lost (SQLite runs a process's
 * transactions one at a time; PostgreSQL does not), unless its precondition names version N, which is now stale.
 */
async function publish<T>(
  db: Db,
  next: (tx: Db, current: RuleSet) => Promise<{ rules: Rule[]; result: T } | undefined>,
  publishedBy: string,
) {
  return retryOnConflict(
    () =>
      db.transaction().execute(async (tx) => {
        const current = await latest(tx);
        const changed = await next(tx, current);
        if (!changed) return undefined;
        const version = current.version + 1;
        await tx
          .insertInto('rule_set_versions')
          .values({
            version,
            rules: JSON.stringify(changed.rules),
            created_at: new Date().toISOString(),
            published_by: publishedBy,
          })
          .execute();
        return { revision: { scope: 'live', version } satisfies RulesRevision, result: changed.result };
      }),
    20,
  );
}

/** Applies `edit` to the live rules, publishing the result as the next version (by the admin key). */
export async function editLiveRules<T>(db: Db, edit: RuleEdit<T>, precondition?: Precondition) {
  if (edit.checks) await checkReferences(db, edit.checks);
  return publish(
    db,
    async (_tx, current) => {
      checkPrecondition(precondition, { scope: 'live', version: current.version });
      return edit.apply(current.rules);
    },
    'admin',
  );
}

// --- The draft -----------------------------------------------------------------------------------------------------

export interface RuleDraft {
  id: string;
  /** The live version current when the draft was started: publishing checks the live rules have not moved since. */
  baseVersion: number;
  revision: number;
  createdAt: string;
  updatedAt: string;
  rules: Rule[];
}

const DRAFT_SLOT = 'draft';

async function readDraft(db: Reader): Promise<RuleDraft | undefined> {
  const row = await db.selectFrom('rule_drafts').selectAll().where('slot', '=', DRAFT_SLOT).executeTakeFirst();
  return (
    row && {
      id: row.id,
      baseVersion: row.base_version,
      revision: row.revision,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      rules: JSON.parse(row.rules) as Rule[],
    }
  );
}

const revisionOf = (draft: RuleDraft): RulesRevision => ({
  scope: 'draft',
  draftId: draft.id,
  revision: draft.revision,
});

export async function currentDraft(db: Db): Promise<RuleDraft | undefined> {
  return readDraft(db);
}

/**
 * The draft's rules in the shape of a live rule set, or undefined when there is no draft. `version` is the live
 * version the draft was started from; a draft has no `publishedAt` or `publishedBy` yet.
 */
export async function loadDraftRuleSet(db: Db): Promise<RuleSet | undefined> {
  const draft = await readDraft(db);
  return (
    draft && {
      version: draft.baseVersion,
      createdAt: draft.updatedAt,
      publishedAt: null,
      publishedBy: null,
      rules: draft.rules,
    }
  );
}

/**
 * Starts the draft as a copy of the current rules, or of an earlier version (undefined when there is no such
 * version). There is one draft at a time: while one exists, `draft_exists`.
 */
export async function startDraft(db: Db, fromVersion?: number): Promise<RuleDraft | undefined> {
  const current = await latest(db);
  const source = fromVersion === undefined ? current : await ruleSetAt(db, fromVersion);
  if (!source) return undefined;
  const now = new Date().toISOString();
  const draft: RuleDraft = {
    id: randomUUID(),
    baseVersion: current.version,
    revision: 1,
    createdAt: now,
    updatedAt: now,
    rules: source.rules,
  };
  const inserted = await db
    .insertInto('rule_drafts')
    .values({
      slot: DRAFT_SLOT,
      id: draft.id,
      base_version: draft.baseVersion,
      revision: draft.revision,
      rules: JSON.stringify(draft.rules),
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.column('slot').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) {
    throw new ConflictError('draft_exists', 'a draft rule set exists already: edit, publish or discard it');
  }
  return draft;
}

/**
 * Runs `write` against the draft as it is now; `write` answers undefined when the draft changed under it (its
 * statement matched no row: another admin's change came first), and it runs again over the new draft, where the
 * precondition, if any, now fails. No transaction needed: each write names the revision it read.
 */
async function withCurrentDraft<T>(
  db: Db,
  precondition: Precondition | undefined,
  write: (draft: RuleDraft) => Promise<{ done: T } | undefined>,
): Promise<T> {
  for (let attempt = 1; attempt <= 20; attempt++) {
    const draft = await readDraft(db);
    if (!draft) throw new NoDraftError();
    checkPrecondition(precondition, revisionOf(draft));
    const written = await write(draft);
    if (written) return written.done;
  }
  throw new Error('the draft rule set kept changing while this change was applied');
}

/** Applies `edit` to the draft, its next revision; undefined when the edit changes nothing (e.g. no such rule). */
export async function editDraftRules<T>(db: Db, edit: RuleEdit<T>, precondition?: Precondition) {
  if (edit.checks) await checkReferences(db, edit.checks);
  return withCurrentDraft(db, precondition, async (draft) => {
    const changed = edit.apply(draft.rules);
    if (!changed) return { done: undefined };
    const revision = draft.revision + 1;
    const updated = await db
      .updateTable('rule_drafts')
      .set({ rules: JSON.stringify(changed.rules), revision, updated_at: new Date().toISOString() })
      .where('slot', '=', DRAFT_SLOT)
      .where('id', '=', draft.id)
      .where('revision', '=', draft.revision)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return undefined;
    return { done: { revision: { ...revisionOf(draft), revision }, result: changed.result } };
  });
}

/** Removes the draft if it is still the revision read (and, in a transaction, locks it until commit). */
async function removeDraft(db: Pick<Db, 'deleteFrom'>, draft: RuleDraft): Promise<boolean> {
  const deleted = await db
    .deleteFrom('rule_drafts')
    .where('slot', '=', DRAFT_SLOT)
    .where('id', '=', draft.id)
    .where('revision', '=', draft.revision)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) === 1;
}

/** Discards the draft; the live rules are untouched. */
export async function discardDraft(db: Db, precondition?: Precondition): Promise<void> {
  await withCurrentDraft(db, precondition, async (draft) =>
    (await removeDraft(db, draft)) ? { done: undefined } : undefined,
  );
}

/**
 * Publishes the draft as the next version and removes it, in one transaction. When the live rules changed since the
 * draft was started, publishing would silently undo those changes: refused with `draft_outdated` unless `force`.
 */
export async function publishDraft(
  db: Db,
  options: { publishedBy: string; force: boolean },
  precondition?: Precondition,
): Promise<RuleSet> {
  const published = await withCurrentDraft(db, precondition, async (draft) => {
    const attempt = await publish(
      db,
      async (tx, current) => {
        if (current.version !== draft.baseVersion && !options.force) {
          throw new ConflictError(
            'draft_outdated',
            `the live rules are at version ${current.version}, changed since this draft started from version ` +
              `${draft.baseVersion}: publishing would undo those changes (send force: true to publish anyway)`,
          );
        }
        return (await removeDraft(tx, draft)) ? { rules: draft.rules, result: undefined } : undefined;
      },
      options.publishedBy,
    );
    return attempt && { done: attempt.revision.version };
  });
  const ruleSet = await ruleSetAt(db, published);
  if (!ruleSet) throw new Error(`unreachable: version ${published} was just published`);
  return ruleSet;
}
