// Admin registration of webhook endpoints, and what was delivered to them.
import { Router } from 'express';
import type { Db } from '../../store/database';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  recentDeliveries,
  replaceWebhookEndpoint,
} from '../../store/webhooks';
import { assertAdmin } from '../auth';
import { notFound, parseOr400 } from '../http-error';
import { webhookDeliveriesQuerySchema, webhookEndpointInputSchema } from '../schemas/webhooks';

export function webhooksRouter(db: Db): Router {
  const router = Router();

  router.get('/v1/webhooks', async (_req, res) => {
    assertAdmin(res);
    res.json({ endpoints: await listWebhookEndpoints(db) });
  });

  router.post('/v1/webhooks', async (req, res) => {
    assertAdmin(res);
    const { rotateSecret: _onReplaceOnly, ...input } = parseOr400(webhookEndpointInputSchema, req.body);
    res.status(201).json(await createWebhookEndpoint(db, input));
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    assertAdmin(res);
    const endpoint = await getWebhookEndpoint(db, req.params.id);
    if (!endpoint) throw notFound('webhook endpoint', req.params.id);
    res.json(endpoint);
  });

  router.put('/v1/webhooks/:id', async (req, res) => {
    assertAdmin(res);
    const { rotateSecret, ...input } = parseOr400(webhookEndpointInputSchema, req.body);
    const endpoint = await replaceWebhookEndpoint(db, req.params.id, input, rotateSecret);
    if (!endpoint) throw notFound('webhook endpoint', req.params.id);
    res.json(endpoint);
  });

  router.delete('/v1/webhooks/:id', async (req, res) => {
    assertAdmin(res);
    if (!(await deleteWebhookEndpoint(db, req.params.id))) throw notFound('webhook endpoint', req.params.id);
    res.status(204).end();
  });

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    assertAdmin(res);
    const { limit } = parseOr400(webhookDeliveriesQuerySchema, req.query, 'query');
    if (!(await getWebhookEndpoint(db, req.params.id))) throw notFound('webhook endpoint', req.params.id);
    res.json({ deliveries: await recentDeliveries(db, req.params.id, limit) });
  });

  return router;
}
