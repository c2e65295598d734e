// The API contract as OpenAPI 3.1, generated once at start-up: the /v1 paths (and the public OAuth callback) from the
// operations' declarations (api/routes/, whose routes api/operations.ts makes from the same declarations), the
// service endpoints below.
// Served at GET /openapi.json.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import packageJson from '../package.json';
import { RETRY_AFTER_SECONDS } from '../runtime/outages';
import { credentials } from './access';
import { livenessSchema, notReadySchema, readinessSchema } from './health/schemas';
import { stateRequestConstraints } from './openapi-constraints';
import { type AnyOperation, json } from './operations';
import { operations } from './routes';
import { outboundTrackingRoutes } from './routes/outbound-tracking';
import { errorResponseSchema } from './schemas/errors';
import { healthSchema } from './schemas/responses';

const failure = (description: string) => json(errorResponseSchema, description);
/** Every operation is rate limited (api/rate-limits.ts); a public one by address. */
const rateLimited: ResponseConfig = {
  ...failure(
    'rate_limited: too many requests with this credential in the window (without valid credentials: from this ' +
      'address, and then whatever it sends until the window ends).',
  ),
  headers: {
    'Retry-After': {
      description: 'Seconds until the window resets.',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
    RateLimit: {
      description: 'The remaining quota (IETF RateLimit header fields, draft 8).',
      schema: { type: 'string' },
    },
    'RateLimit-Policy': { description: 'The quota and its window.', schema: { type: 'string' } },
  },
};

/** A dependency is out of reach (api/health/outages.ts): never the client's fault, and retrying later works. */
const unavailable = (callsTemporal: boolean): ResponseConfig => ({
  ...failure(
    callsTemporal
      ? 'database_unavailable, temporal_unavailable or worker_unavailable: the database or Temporal cannot be ' +
          'reached (or did not answer in time), or no routing worker is running to answer; retry after Retry-After.'
      : 'database_unavailable: the database cannot be reached (or did not answer in time); retry after Retry-After.',
  ),
  headers: {
    'Retry-After': {
      description: `Seconds to wait before retrying (${RETRY_AFTER_SECONDS}).`,
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
  },
});

/**
 * Adds what every operation shares: its credentials (none for a public one) and the failures its inputs and
 * credentials can cause.
 */
function operationRoute(op: AnyOperation): RouteConfig {
  const takesCredential = op.access.schemes.length > 0;
  const common: Record<number, string> = { 500: 'internal: an unexpected failure (never with a stack trace).' };
  if (takesCredential) {
    common[401] = 'unauthenticated: no `Authorization: Bearer` header, or the key or token is not valid.';
    common[403] = `forbidden: this operation accepts ${op.access.text}.`;
  }
  if (op.body || op.query || op.params || op.headers) {
    common[400] = 'invalid_request, naming every invalid field (or path parameter) in `details.issues`.';
  }
  if (op.body) {
    common[400] = 'invalid_json, or invalid_request naming every invalid field in `details.issues`.';
    common[413] = `payload_too_large: the body is over ${op.bodyLimit ?? '1 MB'}.`;
    common[415] = 'unsupported_media_type: bodies must be `application/json`.';
  }
  const failures = { ...common, ...op.failures };
  return {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: [`Accepts ${op.access.text}.`, op.description].filter(Boolean).join(' '),
    ...(takesCredential && { security: op.access.schemes.map((scheme) => ({ [scheme]: [] })) }),
    request: {
      ...(op.params && { params: op.params }),
      ...(op.query && { query: op.query }),
      ...(op.headers && { headers: op.headers }),
      ...(op.body && { body: { required: true, content: { 'application/json': { schema: op.body } } } }),
    },
    responses: {
      ...op.responses,
      ...Object.fromEntries(Object.entries(failures).map(([status, text]) => [status, failure(text)])),
      429: rateLimited,
      503: unavailable(op.callsTemporal ?? false),
    },
  };
}

function buildDocument() {
  const registry = new OpenAPIRegistry();
  for (const [scheme, description] of Object.entries(credentials)) {
    registry.registerComponent('securitySchemes', scheme, { type: 'http', scheme: 'bearer', description });
  }

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tags: ['Service'],
    summary: 'Readiness: can routings be started?',
    responses: { 200: json(healthSchema, 'Ready.'), 503: json(healthSchema, 'Still starting.') },
  });
  registry.registerPath({
    method: 'get',
    path: '/livez',
    operationId: 'liveness',
    tags: ['Service'],
    summary: 'Liveness: does the process answer? Checks no dependency, so an outage never gets it restarted',
    responses: { 200: json(livenessSchema, 'Alive.') },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tags: ['Service'],
    summary: 'Readiness: do the database and Temporal answer, each within 2 s? Load balancers send traffic only then',
    responses: {
      200: json(readinessSchema, 'Ready.'),
      503: {
        ...json(notReadySchema, 'Not ready: a dependency is unavailable, or the process is shutting down.'),
        headers: {
          'Retry-After': {
            description: 'Seconds to wait before checking again (absent while shutting down).',
            schema: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tags: ['Service'],
    summary:
      'Prometheus metrics: routing outcomes by rule, offers by result, time to first offer and to accept, reps by presence',
    responses: {
      200: {
        description: 'Prometheus text exposition format.',
        content: { 'text/plain': { schema: z.string() } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tags: ['Service'],
    summary: 'This document',
    responses: { 200: json(z.looseObject({ openapi: z.string() }), 'The OpenAPI 3.1 document.') },
  });
  for (const route of outboundTrackingRoutes) registry.registerPath(route);
  for (const op of operations) registry.registerPath(operationRoute(op));

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: packageJson.name,
      version: packageJson.version,
      description: packageJson.description,
      license: { name: packageJson.license, identifier: packageJson.license },
    },
    tags: ['Users', 'Groups', 'Rules', 'Routings', 'Visitors', 'Reps', 'Integrations', 'Webhooks', 'Service'].map(
      (name) => ({
        name,
      }),
    ),
  });
  stateRequestConstraints(document);
  return document;
}

/** Built when the API module loads, so a schema the generator cannot describe stops start-up rather than a request. */
export const openApiDocument = buildDocument();
const serialized = JSON.stringify(openApiDocument);

export const serveOpenApi: RequestHandler = (_req, res) => {
  res.type('application/json').send(serialized);
};
