// Admin registration of webhook endpoints, and what was delivered to them.
import type { OutboundPolicy } from '../../outbound/destination-policy';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  recentDeliveries,
  replaceWebhookEndpoint,
} from '../../store/webhooks';
import { admin } from '../access';
import { HttpError, notFound } from '../http-error';
import { json, linksTo, noContent, operation, withLinks } from '../operations';
import { idParams } from '../path-params';
import {
  webhookDeliveriesQuerySchema,
  webhookDeliveryListSchema,
  webhookEndpointInputSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from '../schemas/webhooks';

const webhookLinks = linksTo('/id', ['getWebhook', 'replaceWebhook', 'deleteWebhook', 'listWebhookDeliveries']);

/** Registering or replacing a webhook endpoint also refuses a URL that points inside (assertAllowedUrl). */
const webhookUrlRefused =
  'invalid_json, or invalid_request naming every invalid field in `details.issues`: among them `url` when its host ' +
  'is an internal address (loopback, private, link-local, ...) that OUTBOUND_ALLOWED_HOSTS does not allow.';

/**
 * Refuses an endpoint whose URL points inside: a literal address can be judged now, a host name only when each
 * delivery connects (its addresses may change).
 */
function assertAllowedUrl(endpoint: { url: string }, outbound: OutboundPolicy): void {
  const refusal = outbound.refusalOfLiteralHost(new URL(endpoint.url).hostname);
  if (refusal) {
    const message = `not an allowed destination (${refusal}; OUTBOUND_ALLOWED_HOSTS can allow it)`;
    throw new HttpError(400, 'invalid_request', `url: ${message}`, { issues: [{ field: 'url', message }] });
  }
}

export const webhooksOperations = [
  operation({
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    tag: 'Webhooks',
    summary: 'List webhook endpoints',
    access: admin,
    responses: { 200: json(webhookEndpointListSchema, 'Every endpoint, oldest first, with its signing secret.') },
    handle: async (_input, { deps }) => ({ status: 200, body: { endpoints: await listWebhookEndpoints(deps.db) } }),
  }),
  operation({
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    tag: 'Webhooks',
    summary: 'Register an endpoint for the events it wants; the response holds its signing secret',
    access: admin,
    body: webhookEndpointInputSchema,
    responses: { 201: withLinks(json(webhookEndpointSchema, 'Registered.'), webhookLinks) },
    failures: { 400: webhookUrlRefused },
    handle: async ({ body }, { deps }) => {
      assertAllowedUrl(body, deps.outbound);
      const { rotateSecret: _onReplaceOnly, previousSecretValidHours: _withRotateOnly, ...input } = body;
      return { status: 201, body: await createWebhookEndpoint(deps.db, input) };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/webhooks/{id}',
    operationId: 'getWebhook',
    tag: 'Webhooks',
    summary: 'Read an endpoint',
    access: admin,
    params: idParams.webhook,
    responses: { 200: json(webhookEndpointSchema, 'The endpoint.') },
    failures: { 404: 'not_found: no such endpoint.' },
    handle: async ({ params }, { deps }) => {
      const endpoint = await getWebhookEndpoint(deps.db, params.id);
      if (!endpoint) throw notFound('webhook endpoint', params.id);
      return { status: 200, body: endpoint };
    },
  }),
  operation({
    method: 'put',
    path: '/v1/webhooks/{id}',
    operationId: 'replaceWebhook',
    tag: 'Webhooks',
    summary:
      'Replace an endpoint’s URL, events and state; `rotateSecret` issues a new secret, the previous one still signing for `previousSecretValidHours` (24 by default)',
    access: admin,
    params: idParams.webhook,
    body: webhookEndpointInputSchema,
    responses: { 200: json(webhookEndpointSchema, 'Replaced.') },
    failures: { 404: 'not_found: no such endpoint.', 400: webhookUrlRefused },
    handle: async ({ params, body }, { deps }) => {
      assertAllowedUrl(body, deps.outbound);
      const { rotateSecret, previousSecretValidHours, ...input } = body;
      const rotation = rotateSecret ? { previousSecretValidMs: previousSecretValidHours * 3_600_000 } : undefined;
      const endpoint = await replaceWebhookEndpoint(deps.db, params.id, input, rotation);
      if (!endpoint) throw notFound('webhook endpoint', params.id);
      return { status: 200, body: endpoint };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhook',
    tag: 'Webhooks',
    summary: 'Delete an endpoint; deliveries still retrying stop',
    access: admin,
    params: idParams.webhook,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such endpoint.' },
    handle: async ({ params }, { deps }) => {
      if (!(await deleteWebhookEndpoint(deps.db, params.id))) throw notFound('webhook endpoint', params.id);
      return { status: 204 };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary: 'The endpoint’s latest deliveries, newest first, each with its attempts and their status',
    access: admin,
    params: idParams.webhook,
    query: webhookDeliveriesQuerySchema,
    responses: { 200: json(webhookDeliveryListSchema, 'Latest deliveries.') },
    failures: { 404: 'not_found: no such endpoint.' },
    handle: async ({ params, query }, { deps }) => {
      if (!(await getWebhookEndpoint(deps.db, params.id))) throw notFound('webhook endpoint', params.id);
      return { status: 200, body: { deliveries: await recentDeliveries(deps.db, params.id, query.limit) } };
    },
  }),
];
