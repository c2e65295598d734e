// Admin registration of webhook endpoints, and what was delivered to them.
import { Router } from 'express';
import { type OutboundPolicy, outboundPolicy } from '../../outbound/destination-policy';
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
import { HttpError, notFound, parseOr400 } from '../http-error';
import { checkIdParam } from '../path-params';
import { webhookDeliveriesQuerySchema, webhookEndpointInputSchema } from '../schemas/webhooks';

/** `outbound` says which destinations may be registered; by default none with an internal address. */
export function webhooksRouter(db: Db, outbound: OutboundPolicy = outboundPolicy()): Router {
  const router = Router();
  /**
   * The endpoint's settings, once its URL is known not to point inside: a literal address can be judged now, a host
   * name only when each delivery connects (its addresses may change).
   */
  const parseEndpoint = (body: unknown) => {
    const parsed = parseOr400(webhookEndpointInputSchema, body);
    const refusal = outbound.refusalOfLiteralHost(new URL(parsed.url).hostname);
    if (refusal) {
      const message = `not an allowed destination (${refusal}; OUTBOUND_ALLOWED_HOSTS can allow it)`;
      throw new HttpError(400, 'invalid_request', `url: ${message}`, { issues: [{ field: 'url', message }] });
    }
    return parsed;
  };
  router.param('id', checkIdParam);

  router.get('/v1/webhooks', async (_req, res) => {
    assertAdmin(res);
    res.json({ endpoints: await listWebhookEndpoints(db) });
  });

  router.post('/v1/webhooks', async (req, res) => {
    assertAdmin(res);
    const {
      rotateSecret: _onReplaceOnly,
      previousSecretValidHours: _withRotateOnly,
      ...input
    } = parseEndpoint(req.body);
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
    const { rotateSecret, previousSecretValidHours, ...input } = parseEndpoint(req.body);
    const rotation = rotateSecret ? { previousSecretValidMs: previousSecretValidHours * 3_600_000 } : undefined;
    const endpoint = await replaceWebhookEndpoint(db, req.params.id, input, rotation);
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
