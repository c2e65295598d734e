// Admin configuration of the ordered rules. Every change publishes a new immutable rule-set version.
import { Router } from 'express';
import { createActivities } from '../../activities';
import { ruleInputSchema } from '../../domain/rules';
import type { Db } from '../../store/database';
import {
  createRule,
  currentRuleSet,
  deleteRule,
  listRuleSetVersions,
  reorderRules,
  replaceRule,
  ruleSetAt,
} from '../../store/rules';
import { assertAdmin } from '../auth';
import { HttpError, notFound, parseOr400 } from '../http-error';
import { checkIdParam } from '../path-params';
import { createRuleSchema, ruleOrderSchema, ruleSetVersionQuerySchema, simulateSchema } from '../schemas/rules';
import { simulateRouting } from '../simulation';

export function rulesRouter(db: Db): Router {
  const router = Router();
  router.param('id', checkIdParam);

  router.get('/v1/rules', async (req, res) => {
    assertAdmin(res);
    const { version } = parseOr400(ruleSetVersionQuerySchema, req.query, 'query');
    const ruleSet = version === undefined ? await currentRuleSet(db) : await ruleSetAt(db, version);
    if (!ruleSet) throw notFound('rule-set version', String(version));
    res.json(ruleSet);
  });

  router.get('/v1/rules/versions', async (_req, res) => {
    assertAdmin(res);
    res.json({ versions: await listRuleSetVersions(db) });
  });

  router.post('/v1/rules', async (req, res) => {
    assertAdmin(res);
    const { position, ...input } = parseOr400(createRuleSchema, req.body);
    const { version, result } = await createRule(db, input, position);
    res.status(201).json({ ...result, ruleSetVersion: version });
  });

  router.post('/v1/rules/simulate', async (req, res) => {
    assertAdmin(res);
    const request = parseOr400(simulateSchema, req.body);
    res.json(await simulateRouting(createActivities(db), request));
  });

  router.put('/v1/rules/order', async (req, res) => {
    assertAdmin(res);
    const { ids } = parseOr400(ruleOrderSchema, req.body);
    const published = await reorderRules(db, ids);
    if (!published) {
      throw new HttpError(400, 'invalid_request', 'ids: must list every current rule id exactly once', {
        issues: [{ field: 'ids', message: 'must list every current rule id exactly once' }],
      });
    }
    res.json({ version: published.version, rules: published.result });
  });

  router.put('/v1/rules/:id', async (req, res) => {
    assertAdmin(res);
    const published = await replaceRule(db, req.params.id, parseOr400(ruleInputSchema, req.body));
    if (!published) throw notFound('rule', req.params.id);
    res.json({ ...published.result, ruleSetVersion: published.version });
  });

  router.delete('/v1/rules/:id', async (req, res) => {
    assertAdmin(res);
    const published = await deleteRule(db, req.params.id);
    if (!published) throw notFound('rule', req.params.id);
    res.status(204).end();
  });

  return router;
}
