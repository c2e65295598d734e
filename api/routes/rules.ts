// Admin configuration of the ordered rules. Every change to the live rules publishes a new immutable rule-set version;
// the same changes made to the draft (under /v1/rules/draft/rules) touch nothing that routes visitors until the draft
// is published. Reads answer an ETag and writes honour If-Match (api/preconditions.ts).
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { createReadActivities } from '../../activities';
import { ruleInputSchema } from '../../domain/rules';
import type { Precondition } from '../../store/rules';
import {
  currentDraft,
  currentRuleSet,
  discardDraft,
  editDraftRules,
  editLiveRules,
  listRuleSetVersions,
  publishDraft,
  type RuleEdit,
  type RulesRevision,
  ruleEdits,
  ruleSetAt,
  startDraft,
} from '../../store/rules';
import { admin } from '../access';
import { HttpError, notFound } from '../http-error';
import type { OperationDeps } from '../operations';
import { type AnyOperation, json, linksTo, noContent, operation, withLinks } from '../operations';
import { idParams } from '../path-params';
import { etagHeaders, ifMatchHeaders, preconditionFailed, preconditionOf, withEtag } from '../preconditions';
import {
  draftRuleSchema,
  publishedRuleSchema,
  reorderedDraftRulesSchema,
  reorderedRulesSchema,
  ruleDraftSchema,
  ruleSetSchema,
  ruleSetVersionsSchema,
  simulationSchema,
} from '../schemas/responses';
import {
  createRuleSchema,
  publishDraftSchema,
  ruleOrderSchema,
  ruleSetVersionQuerySchema,
  simulateSchema,
  startDraftSchema,
} from '../schemas/rules';
import { simulateRouting } from '../simulation';

const unknownTarget = 'invalid_json, invalid_request, or unknown_reference: a target names a missing user or group.';
const noDraft = 'not_found: there is no draft (start one with POST /v1/rules/draft)';

type Edit = <T>(
  db: OperationDeps['db'],
  edit: RuleEdit<T>,
  precondition?: Precondition,
) => Promise<{ revision: RulesRevision; result: T } | undefined>;

/** The live rules or the draft: where the same four changes apply, and how their answers name what they made. */
interface RulesScope {
  base: string;
  /** Inserted into operation ids: createRule, createDraftRule. */
  idWord: string;
  effect: string;
  apply: Edit;
  rule: ResponseConfig;
  reordered: ResponseConfig;
  /** What a rule's answer adds: the version published, or the draft's new revision. */
  stamp: (revision: RulesRevision) => Record<string, number>;
  reorderedBody: (revision: RulesRevision) => Record<string, number>;
  /** The failures of a change besides its own. */
  missing?: string;
}

const revisionNumber = (revision: RulesRevision) => (revision.scope === 'live' ? revision.version : revision.revision);

const liveScope: RulesScope = {
  base: '/v1/rules',
  idWord: '',
  effect: 'publishing a new rule-set version',
  apply: editLiveRules,
  rule: json(publishedRuleSchema, 'The rule, with the version it published.'),
  reordered: json(reorderedRulesSchema, 'The new version and its rules in order.'),
  stamp: (revision) => ({ ruleSetVersion: revisionNumber(revision) }),
  reorderedBody: (revision) => ({ version: revisionNumber(revision) }),
};

const draftScope: RulesScope = {
  base: '/v1/rules/draft/rules',
  idWord: 'Draft',
  effect: 'in the draft (what routes visitors is unchanged)',
  apply: editDraftRules,
  rule: json(draftRuleSchema, "The rule, with the draft's new revision."),
  reordered: json(reorderedDraftRulesSchema, "The draft's new revision and its rules in order."),
  stamp: (revision) => ({ draftRevision: revisionNumber(revision) }),
  reorderedBody: (revision) => ({ revision: revisionNumber(revision) }),
  missing: noDraft,
};

/** Create, reorder, replace and delete, in one scope; `.../order` comes before `.../{id}`, which would match it too. */
function ruleEditOperations(scope: RulesScope): AnyOperation[] {
  const id = (verb: string, noun = 'Rule') => `${verb}${scope.idWord}${noun}`;
  const missingRule = ['not_found: no such rule.', scope.missing].filter(Boolean).join(' Or ');
  const failures = (extra: Record<number, string>): Record<number, string> => {
    const all: Record<number, string> = { ...extra, 412: preconditionFailed };
    if (scope.missing && all[404] === undefined) all[404] = scope.missing;
    return all;
  };
  return [
    operation({
      method: 'post',
      path: scope.base,
      operationId: id('create'),
      tag: 'Rules',
      summary: `Create a rule, ${scope.effect}`,
      access: admin,
      headers: ifMatchHeaders,
      body: createRuleSchema,
      responses: {
        201: withLinks(withEtag(scope.rule), linksTo('/id', [id('replace'), id('delete')])),
      },
      failures: failures({ 400: unknownTarget }),
      handle: async ({ body: { position, ...input }, headers }, { deps }) => {
        const changed = await scope.apply(
          deps.db,
          ruleEdits.create(input, position),
          preconditionOf(headers['if-match']),
        );
        if (!changed) throw new Error('unreachable: creating a rule always changes the list');
        return {
          status: 201,
          body: { ...changed.result, ...scope.stamp(changed.revision) },
          headers: etagHeaders(changed.revision),
        };
      },
    }),
    operation({
      method: 'put',
      path: `${scope.base}/order`,
      operationId: id('reorder', 'Rules'),
      tag: 'Rules',
      summary: `Reorder the rules, ${scope.effect}`,
      access: admin,
      headers: ifMatchHeaders,
      body: ruleOrderSchema,
      responses: { 200: withEtag(scope.reordered) },
      failures: failures({ 400: 'invalid_json, or invalid_request: `ids` must list every rule id exactly once.' }),
      handle: async ({ body: { ids }, headers }, { deps }) => {
        const changed = await scope.apply(deps.db, ruleEdits.reorder(ids), preconditionOf(headers['if-match']));
        if (!changed) {
          throw new HttpError(400, 'invalid_request', 'ids: must list every current rule id exactly once', {
            issues: [{ field: 'ids', message: 'must list every current rule id exactly once' }],
          });
        }
        return {
          status: 200,
          body: { ...scope.reorderedBody(changed.revision), rules: changed.result },
          headers: etagHeaders(changed.revision),
        };
      },
    }),
    operation({
      method: 'put',
      path: `${scope.base}/{id}`,
      operationId: id('replace'),
      tag: 'Rules',
      summary: `Replace a rule, ${scope.effect}`,
      access: admin,
      params: idParams.rule,
      headers: ifMatchHeaders,
      body: ruleInputSchema,
      responses: { 200: withEtag(scope.rule) },
      failures: failures({ 400: unknownTarget, 404: missingRule }),
      handle: async ({ params, body, headers }, { deps }) => {
        const edit = ruleEdits.replace(params.id, body);
        const changed = await scope.apply(deps.db, edit, preconditionOf(headers['if-match']));
        if (!changed) throw notFound('rule', params.id);
        return {
          status: 200,
          body: { ...changed.result, ...scope.stamp(changed.revision) },
          headers: etagHeaders(changed.revision),
        };
      },
    }),
    operation({
      method: 'delete',
      path: `${scope.base}/{id}`,
      operationId: id('delete'),
      tag: 'Rules',
      summary: `Delete a rule, ${scope.effect}`,
      access: admin,
      params: idParams.rule,
      headers: ifMatchHeaders,
      responses: { 204: withEtag(noContent) },
      failures: failures({ 404: missingRule }),
      handle: async ({ params, headers }, { deps }) => {
        const changed = await scope.apply(deps.db, ruleEdits.remove(params.id), preconditionOf(headers['if-match']));
        if (!changed) throw notFound('rule', params.id);
        return { status: 204, headers: etagHeaders(changed.revision) };
      },
    }),
  ];
}

/** Reading, starting, publishing and discarding the one draft; its rules change through ruleEditOperations. */
const draftOperations = [
  operation({
    method: 'get',
    path: '/v1/rules/draft',
    operationId: 'getRuleDraft',
    tag: 'Rules',
    summary: 'Read the draft rule set',
    access: admin,
    responses: { 200: withEtag(json(ruleDraftSchema, 'The draft.')) },
    failures: { 404: noDraft },
    handle: async (_input, { deps }) => {
      const draft = await currentDraft(deps.db);
      if (!draft) throw notFound('draft rule set', 'draft');
      return {
        status: 200,
        body: draft,
        headers: etagHeaders({ scope: 'draft', draftId: draft.id, revision: draft.revision }),
      };
    },
  }),
  operation({
    method: 'post',
    path: '/v1/rules/draft',
    operationId: 'startRuleDraft',
    tag: 'Rules',
    summary: 'Start the draft: a copy of the current rules (or of `fromVersion`) to edit without changing routing',
    description: 'There is one draft at a time, shared by every admin.',
    access: admin,
    body: startDraftSchema,
    responses: { 201: withEtag(json(ruleDraftSchema, 'The new draft.')) },
    failures: {
      404: 'not_found: no such rule-set version `fromVersion`.',
      409: 'draft_exists: a draft exists already; publish or discard it first.',
    },
    handle: async ({ body }, { deps }) => {
      const draft = await startDraft(deps.db, body.fromVersion);
      if (!draft) throw notFound('rule-set version', String(body.fromVersion));
      return {
        status: 201,
        body: draft,
        headers: etagHeaders({ scope: 'draft', draftId: draft.id, revision: draft.revision }),
      };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/rules/draft',
    operationId: 'discardRuleDraft',
    tag: 'Rules',
    summary: 'Discard the draft; the live rules are unchanged',
    access: admin,
    headers: ifMatchHeaders,
    responses: { 204: noContent },
    failures: { 404: noDraft, 412: preconditionFailed },
    handle: async ({ headers }, { deps }) => {
      await discardDraft(deps.db, preconditionOf(headers['if-match']));
      return { status: 204 };
    },
  }),
  operation({
    method: 'post',
    path: '/v1/rules/draft/publish',
    operationId: 'publishRuleDraft',
    tag: 'Rules',
    summary: 'Publish the draft as the next rule-set version and remove it, atomically',
    access: admin,
    headers: ifMatchHeaders,
    body: publishDraftSchema,
    responses: { 200: withEtag(json(ruleSetSchema, 'The version published.')) },
    failures: {
      404: noDraft,
      409:
        'draft_outdated: the live rules changed since the draft started, and publishing would undo that change; ' +
        'send `force: true` to publish anyway.',
      412: preconditionFailed,
    },
    handle: async ({ body, headers }, { deps }) => {
      const publishedBy = body.publishedBy?.trim() || 'admin';
      const ruleSet = await publishDraft(
        deps.db,
        { publishedBy, force: body.force },
        preconditionOf(headers['if-match']),
      );
      return { status: 200, body: ruleSet, headers: etagHeaders({ scope: 'live', version: ruleSet.version }) };
    },
  }),
];

/** The draft's paths come before `/v1/rules/{id}`, which would match `/v1/rules/draft` too. */
export const rulesOperations = [
  operation({
    method: 'get',
    path: '/v1/rules',
    operationId: 'getRuleSet',
    tag: 'Rules',
    summary: 'Read the ordered rules: the current rule-set version, or an earlier one',
    access: admin,
    query: ruleSetVersionQuerySchema,
    responses: { 200: withEtag(json(ruleSetSchema, 'The rule set.')) },
    failures: { 404: 'not_found: no such rule-set version.' },
    handle: async ({ query: { version } }, { deps }) => {
      const ruleSet = version === undefined ? await currentRuleSet(deps.db) : await ruleSetAt(deps.db, version);
      if (!ruleSet) throw notFound('rule-set version', String(version));
      return { status: 200, body: ruleSet, headers: etagHeaders({ scope: 'live', version: ruleSet.version }) };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/rules/versions',
    operationId: 'listRuleSetVersions',
    tag: 'Rules',
    summary: 'List the immutable rule-set versions, newest first, with who published each and when',
    access: admin,
    responses: { 200: json(ruleSetVersionsSchema, 'Every version.') },
    handle: async (_input, { deps }) => ({ status: 200, body: { versions: await listRuleSetVersions(deps.db) } }),
  }),
  operation({
    method: 'post',
    path: '/v1/rules/simulate',
    operationId: 'simulateRouting',
    tag: 'Rules',
    summary: 'Dry run: which rule and reps a visitor would be routed to, starting nothing',
    access: admin,
    body: simulateSchema,
    responses: { 200: json(simulationSchema, 'The matched rule and each stage, assuming nobody accepts.') },
    handle: async ({ body }, { deps }) => ({
      status: 200,
      body: await simulateRouting(createReadActivities(deps.db), body),
    }),
  }),
  ...draftOperations,
  ...ruleEditOperations(draftScope),
  ...ruleEditOperations(liveScope),
];
