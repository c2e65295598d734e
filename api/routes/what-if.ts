// What-if replays of recorded routings under another rule set (activities/what-if.ts): started here, read here.
import { loadDraftRuleSet, ruleSetAt } from '../../store/rules';
import { whatIfRun } from '../../store/what-if';
import { admin } from '../access';
import { HttpError, notFound } from '../http-error';
import { json, operation } from '../operations';
import { idParams } from '../path-params';
import { whatIfRequestSchema, whatIfRunSchema, whatIfStartedSchema } from '../schemas/what-if';
import { whatIfView } from '../what-if-view';

export const whatIfOperations = [
  operation({
    method: 'post',
    path: '/v1/rules/what-if',
    operationId: 'startWhatIf',
    tag: 'Rules',
    summary: 'Replay the recorded routings of a window under a rule-set version or the draft, routing nobody',
    description:
      'Each routing started in the window is matched, planned and offered again by the routing code, against the ' +
      'people and presence its own stage checks recorded, and compared with where its first offer went. Runs in ' +
      'the background: read it with GET /v1/rules/what-if/{id}.',
    access: admin,
    body: whatIfRequestSchema,
    callsTemporal: true,
    responses: { 202: json(whatIfStartedSchema, 'The run, started.') },
    failures: {
      404: 'not_found: `version` names no rule-set version, or `draft` is asked for and there is none (POST /v1/rules/draft).',
    },
    handle: async ({ body }, { deps }) => {
      const ruleSet = 'draft' in body ? await loadDraftRuleSet(deps.db) : await ruleSetAt(deps.db, body.version);
      if (!ruleSet) {
        if ('draft' in body) throw notFound('draft rule set', 'draft');
        throw new HttpError(404, 'not_found', `version: rule-set version ${body.version} does not exist`, {
          issues: [{ field: 'version', message: 'no such rule-set version' }],
        });
      }
      const until = body.until ?? new Date().toISOString();
      const id = await deps.whatIf.start({
        request: { ...body, until },
        rules: ruleSet.rules,
        // A draft is no version yet (ruleSet.version is the one it was started from).
        ruleSetVersion: 'draft' in body ? null : ruleSet.version,
      });
      return { status: 202, body: { id, status: 'running' } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/rules/what-if/{id}',
    operationId: 'getWhatIf',
    tag: 'Rules',
    summary: "A what-if run's progress and, once done, its result",
    access: admin,
    params: idParams.whatIf,
    responses: { 200: json(whatIfRunSchema, 'The run.') },
    failures: { 404: 'not_found: no such what-if run.' },
    handle: async ({ params }, { deps }) => {
      const run = await whatIfRun(deps.db, params.id);
      if (!run) throw notFound('what-if run', params.id);
      return { status: 200, body: whatIfView(run) };
    },
  }),
];
