// Admin configuration of the ordered rules. Every change publishes a new immutable rule-set version.
import { createReadActivities } from '../../activities';
import { ruleInputSchema } from '../../domain/rules';
import {
  createRule,
  currentRuleSet,
  deleteRule,
  listRuleSetVersions,
  reorderRules,
  replaceRule,
  ruleSetAt,
} from '../../store/rules';
import { admin } from '../access';
import { HttpError, notFound } from '../http-error';
import { json, linksTo, noContent, operation, withLinks } from '../operations';
import { idParams } from '../path-params';
import {
  publishedRuleSchema,
  reorderedRulesSchema,
  ruleSetSchema,
  ruleSetVersionsSchema,
  simulationSchema,
} from '../schemas/responses';
import { createRuleSchema, ruleOrderSchema, ruleSetVersionQuerySchema, simulateSchema } from '../schemas/rules';
import { simulateRouting } from '../simulation';

const ruleLinks = linksTo('/id', ['replaceRule', 'deleteRule']);
const unknownTarget = 'invalid_json, invalid_request, or unknown_reference: a target names a missing user or group.';

/** `/v1/rules/order` comes before `/v1/rules/{id}`, which would match it too. */
export const rulesOperations = [
  operation({
    method: 'get',
    path: '/v1/rules',
    operationId: 'getRuleSet',
    tag: 'Rules',
    summary: 'Read the ordered rules: the current rule-set version, or an earlier one',
    access: admin,
    query: ruleSetVersionQuerySchema,
    responses: { 200: json(ruleSetSchema, 'The rule set.') },
    failures: { 404: 'not_found: no such rule-set version.' },
    handle: async ({ query: { version } }, { deps }) => {
      const ruleSet = version === undefined ? await currentRuleSet(deps.db) : await ruleSetAt(deps.db, version);
      if (!ruleSet) throw notFound('rule-set version', String(version));
      return { status: 200, body: ruleSet };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/rules/versions',
    operationId: 'listRuleSetVersions',
    tag: 'Rules',
    summary: 'List the immutable rule-set versions, newest first',
    access: admin,
    responses: { 200: json(ruleSetVersionsSchema, 'Every version.') },
    handle: async (_input, { deps }) => ({ status: 200, body: { versions: await listRuleSetVersions(deps.db) } }),
  }),
  operation({
    method: 'post',
    path: '/v1/rules',
    operationId: 'createRule',
    tag: 'Rules',
    summary: 'Create a rule, publishing a new rule-set version',
    access: admin,
    body: createRuleSchema,
    responses: { 201: withLinks(json(publishedRuleSchema, 'The rule, with the version it published.'), ruleLinks) },
    failures: { 400: unknownTarget },
    handle: async ({ body: { position, ...input } }, { deps }) => {
      const { version, result } = await createRule(deps.db, input, position);
      return { status: 201, body: { ...result, ruleSetVersion: version } };
    },
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
  operation({
    method: 'put',
    path: '/v1/rules/order',
    operationId: 'reorderRules',
    tag: 'Rules',
    summary: 'Reorder the rules, publishing a new rule-set version',
    access: admin,
    body: ruleOrderSchema,
    responses: { 200: json(reorderedRulesSchema, 'The new version and its rules in order.') },
    failures: { 400: 'invalid_json, or invalid_request: `ids` must list every current rule id exactly once.' },
    handle: async ({ body: { ids } }, { deps }) => {
      const published = await reorderRules(deps.db, ids);
      if (!published) {
        throw new HttpError(400, 'invalid_request', 'ids: must list every current rule id exactly once', {
          issues: [{ field: 'ids', message: 'must list every current rule id exactly once' }],
        });
      }
      return { status: 200, body: { version: published.version, rules: published.result } };
    },
  }),
  operation({
    method: 'put',
    path: '/v1/rules/{id}',
    operationId: 'replaceRule',
    tag: 'Rules',
    summary: 'Replace a rule, publishing a new rule-set version',
    access: admin,
    params: idParams.rule,
    body: ruleInputSchema,
    responses: { 200: json(publishedRuleSchema, 'The rule, with the version it published.') },
    failures: { 400: unknownTarget, 404: 'not_found: no such rule.' },
    handle: async ({ params, body }, { deps }) => {
      const published = await replaceRule(deps.db, params.id, body);
      if (!published) throw notFound('rule', params.id);
      return { status: 200, body: { ...published.result, ruleSetVersion: published.version } };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/rules/{id}',
    operationId: 'deleteRule',
    tag: 'Rules',
    summary: 'Delete a rule, publishing a new rule-set version',
    access: admin,
    params: idParams.rule,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such rule.' },
    handle: async ({ params }, { deps }) => {
      if (!(await deleteRule(deps.db, params.id))) throw notFound('rule', params.id);
      return { status: 204 };
    },
  }),
];
