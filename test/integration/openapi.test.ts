// GET /openapi.json: a valid OpenAPI 3.1 document that documents every route the app serves, generated from the
// schemas the routes validate with, and describing the bodies the API really answers with.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import type express from 'express';
import pino from 'pino';
import type { z } from 'zod';
import { createApp } from '../../api/app';
import { RepEventHub } from '../../api/rep-event-hub';
import { RoutingGateway } from '../../api/routing-gateway';
import { errorResponseSchema } from '../../api/schemas/errors';
import { routingStartedSchema, routingStateSchema, userSchema } from '../../api/schemas/responses';
import packageJson from '../../package.json';
import { HttpClient } from '../support/http';
import { startTestService, type TestService, testRateLimits } from '../support/service';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** `METHOD /path` for every route in the app's router stack, nested routers included, in OpenAPI path syntax. */
function servedRoutes(app: express.Express): string[] {
  const routes: string[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path, methods } = layer.route;
        assert.equal(typeof path, 'string', `route ${String(path)}: only string paths can be compared`);
        for (const [method, handled] of Object.entries(methods)) {
          assert.notEqual(method, '_all', `${path}: app.all() routes cannot be documented per method`);
          if (handled) routes.push(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        // A router mounted under a path would prefix its routes; every router here is mounted at the root.
        assert.ok(layer.slash, `router ${layer.name} is mounted under a path: teach this test its prefix`);
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as any).router.stack);
  return routes.sort();
}

function documentedRoutes(document: any): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
}

/** Follows a local `$ref` (`#/components/schemas/X`) to what it names. */
function resolve(document: any, schema: any): any {
  if (!schema?.$ref) return schema;
  const target = (schema.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce((node: any, key) => node?.[key], document);
  assert.ok(target, `unresolved ${schema.$ref}`);
  return resolve(document, target);
}

/** Parses `body` with `schema` and refuses top-level fields the schema does not document. */
function assertDocuments(schema: z.ZodObject, body: Record<string, unknown>) {
  schema.parse(body);
  const undocumented = Object.keys(body).filter((key) => !(key in schema.shape));
  assert.deepEqual(undocumented, [], 'fields missing from the response schema');
}

describe('OpenAPI document', () => {
  let service: TestService;
  let anonymous: HttpClient;
  let admin: HttpClient;
  let document: any;

  before(async () => {
    service = await startTestService();
    anonymous = new HttpClient(service.baseUrl);
    admin = new HttpClient(service.baseUrl, service.keys.adminKey);
    const response = await anonymous.get('/openapi.json');
    assert.equal(response.status, 200, 'served without credentials');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    document = response.body;
  });
  after(() => service.stop());

  test('is OpenAPI 3.1 named and versioned after the package', () => {
    assert.match(document.openapi, /^3\.1\.\d+$/);
    assert.equal(document.info.title, packageJson.name);
    assert.equal(document.info.version, packageJson.version);
  });

  test('passes an OpenAPI 3.1 validator', async () => {
    const result = await validate(structuredClone(document));
    assert.ok(result.valid, compileErrors(result));
    assert.equal(result.specification, 'OpenAPI');
  });

  test('documents every route the app serves, and nothing it does not', () => {
    const events = new RepEventHub(service.db, { wakeOnAppendsTo: service.database });
    after(() => events.close());
    const app = createApp({
      db: service.db,
      keys: service.keys,
      events,
      logger: pino({ level: 'silent' }),
      routings: new RoutingGateway(service.env.client, service.taskQueue),
      isReady: () => true,
      rateLimits: testRateLimits,
    });
    const served = servedRoutes(app);
    assert.ok(served.length >= 25, `found only ${served.length} routes: is the router stack walked right?`);
    const documented = documentedRoutes(document);
    assert.deepEqual(
      served.filter((route) => !documented.includes(route)),
      [],
      'served but not in api/openapi.ts',
    );
    assert.deepEqual(
      documented.filter((route) => !served.includes(route)),
      [],
      'documented but not served',
    );
  });

  test('/v1 operations need a bearer credential; /healthz and /openapi.json are public', () => {
    const scheme = document.components.securitySchemes.bearerAuth;
    assert.deepEqual([scheme.type, scheme.scheme], ['http', 'bearer']);
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/v1/')) {
          assert.deepEqual(operation.security, [{ bearerAuth: [] }], where);
          assert.equal(
            operation.responses['401']?.content['application/json'].schema.$ref,
            '#/components/schemas/Error',
          );
        } else {
          assert.equal(operation.security, undefined, where);
        }
      }
    }
  });

  test('POST /v1/routings documents the body the route parses', () => {
    const requestBody = document.paths['/v1/routings'].post.requestBody;
    assert.equal(requestBody.required, true);
    const body = resolve(document, requestBody.content['application/json'].schema);
    assert.ok(body.required.includes('type') && body.required.includes('visitor'), JSON.stringify(body.required));
    assert.equal(body.additionalProperties, false, 'unknown fields are refused');
    assert.deepEqual(body.properties.type.enum, ['pounce', 'inbound']);
    const visitor = resolve(document, body.properties.visitor);
    assert.ok(visitor.required.includes('id'), JSON.stringify(visitor.required));
    assert.equal(visitor.properties.email.format, 'email');

    const errorRefs = ['400', '413', '415'].map(
      (status) => document.paths['/v1/routings'].post.responses[status]?.content['application/json'].schema.$ref,
    );
    assert.deepEqual(errorRefs, Array(3).fill('#/components/schemas/Error'));
  });

  test('real error bodies have the documented error shape', async () => {
    const unauthenticated = await anonymous.get('/v1/users');
    assert.equal(unauthenticated.status, 401);
    errorResponseSchema.parse(unauthenticated.body);

    const invalid = await admin.post('/v1/routings', { type: 'inbound', visitor: {} });
    assert.equal(invalid.status, 400);
    const { error } = errorResponseSchema.parse(invalid.body);
    assert.deepEqual(
      error.details?.issues.map((issue) => issue.field),
      ['visitor.id'],
    );
  });

  test('real success bodies have the documented shapes', async () => {
    const user = await admin.put('/v1/users/ann', { name: 'Ann', email: 'ann@acme.test', status: 'available' });
    assert.equal(user.status, 201);
    assertDocuments(userSchema, user.body);

    const started = await admin.post('/v1/routings', { type: 'inbound', visitor: { id: 'v-openapi' } });
    assert.equal(started.status, 202);
    assertDocuments(routingStartedSchema, started.body);

    const state = await admin.get(`/v1/routings/${started.body.routingId}?waitSeconds=10`);
    assert.equal(state.status, 200);
    assert.equal(state.body.status, 'no_match', 'no rules, so nothing matches');
    assertDocuments(routingStateSchema, state.body);
  });
});
