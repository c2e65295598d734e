// GET /openapi.json: a valid OpenAPI 3.1 document that documents every route the app serves, generated from the
// schemas the routes validate with, and describing the bodies the API really answers with.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compileErrors, validate } from '@readme/openapi-parser';
import type express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { createApiServer } from '../../api/api-server';
import { errorResponseSchema } from '../../api/schemas/errors';
import { routingStartedSchema, routingStateSchema, userSchema } from '../../api/schemas/responses';
import packageJson from '../../package.json';
import { HttpClient } from '../support/http';
import { testRateLimits } from '../support/service';
import { useTestService } from '../support/suite-service';

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
  const suite = useTestService();
  let anonymous: HttpClient;
  let document: any;

  before(async () => {
    anonymous = new HttpClient(suite.service.baseUrl);
    const response = await anonymous.get('/openapi.json');
    assert.equal(response.status, 200, 'served without credentials');
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    document = response.body;
  });

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
    const api = createApiServer({
      db: suite.service.db,
      client: suite.service.env.client,
      taskQueue: suite.service.taskQueue,
      keys: suite.service.keys,
      logger: pino({ level: 'silent' }),
      isReady: () => true,
      rateLimits: testRateLimits,
      events: { wakeOnAppendsTo: suite.service.database },
    });
    after(() => api.close(0));
    const served = servedRoutes(api.app);
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

  test('/v1 operations declare which bearer credentials they take; /healthz and /openapi.json are public', () => {
    const schemes = document.components.securitySchemes;
    assert.deepEqual(Object.keys(schemes).sort(), ['adminKey', 'experienceKey', 'repToken']);
    for (const scheme of Object.values<any>(schemes)) {
      assert.deepEqual([scheme.type, scheme.scheme], ['http', 'bearer']);
    }
    const credentialsOf = (path: string, method: string) =>
      document.paths[path][method].security.map((alternative: object) => Object.keys(alternative).join());
    assert.deepEqual(credentialsOf('/v1/rules', 'post'), ['adminKey']);
    assert.deepEqual(credentialsOf('/v1/routings', 'post'), ['experienceKey', 'adminKey']);
    assert.deepEqual(credentialsOf('/v1/users/{id}/presence', 'put'), ['repToken', 'adminKey']);
    assert.deepEqual(credentialsOf('/v1/routings/{id}/accept', 'post'), ['repToken']);
    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (path.startsWith('/v1/')) {
          assert.ok(operation.security.length > 0, where);
          for (const alternative of operation.security)
            assert.ok(
              Object.keys(alternative).every((name) => name in schemes),
              where,
            );
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
    // The pattern the server checks, not `format: email`, which allows addresses zod refuses (and the reverse).
    assert.equal(visitor.properties.email.pattern, z.regexes.email.source);
    assert.equal(visitor.properties.email.format, undefined);

    const errorRefs = ['400', '413', '415'].map(
      (status) => document.paths['/v1/routings'].post.responses[status]?.content['application/json'].schema.$ref,
    );
    assert.deepEqual(errorRefs, Array(3).fill('#/components/schemas/Error'));
  });

  test('real error bodies have the documented error shape', async () => {
    const unauthenticated = await anonymous.get('/v1/users');
    assert.equal(unauthenticated.status, 401);
    errorResponseSchema.parse(unauthenticated.body);

    const invalid = await suite.admin.post('/v1/routings', { type: 'inbound', visitor: {} });
    assert.equal(invalid.status, 400);
    const { error } = errorResponseSchema.parse(invalid.body);
    assert.deepEqual(
      error.details?.issues.map((issue) => issue.field),
      ['visitor.id'],
    );
  });

  test('real success bodies have the documented shapes', async () => {
    const user = await suite.admin.put('/v1/users/ann', { name: 'Ann', email: 'ann@acme.test', status: 'available' });
    assert.equal(user.status, 201);
    assertDocuments(userSchema, user.body);

    const started = await suite.admin.post('/v1/routings', { type: 'inbound', visitor: { id: 'v-openapi' } });
    assert.equal(started.status, 202);
    assertDocuments(routingStartedSchema, started.body);

    const state = await suite.admin.get(`/v1/routings/${started.body.routingId}?waitSeconds=10`);
    assert.equal(state.status, 200);
    assert.equal(state.body.status, 'no_match', 'no rules, so nothing matches');
    assertDocuments(routingStateSchema, state.body);
  });

  test('states the limits the server enforces on every request, so a generated client never sends what is refused', () => {
    const schema = (name: string) => document.components.schemas[name];
    // NUL characters are refused anywhere (api/text-safety.ts): in every text field and record key.
    assert.equal(schema('UserInput').properties.name.pattern, '^[^\\u0000]*$');
    assert.equal(schema('Visitor').properties.fields.propertyNames.pattern, '^[^\\u0000]*$');
    assert.equal(document.paths['/v1/rules/{id}'].put.parameters[0].schema.pattern, '^[A-Za-z0-9._:@-]+$');
    // A field with a pattern of its own (which replaces the NUL pattern) must refuse NUL by that pattern too.
    const patterns: string[] = [];
    JSON.stringify(document, (key, value) => {
      if (key === 'pattern' && typeof value === 'string') patterns.push(value);
      return value;
    });
    const lettingNulThrough = patterns.filter((pattern) =>
      ['x\u0000', 'x\u0000x', 'a@b.test\u0000'].some((text) => new RegExp(pattern, 'u').test(text)),
    );
    assert.deepEqual(lettingNulThrough, []);
    // Integers are safe integers; query values are never null.
    const version = document.paths['/v1/rules'].get.parameters[0].schema;
    assert.deepEqual([version.type, version.maximum], ['integer', Number.MAX_SAFE_INTEGER]);
    assert.equal(document.paths['/v1/routings/{id}'].get.parameters[1].schema.type, 'number');
    // A condition's value depends on its operator.
    const branches = schema('Condition').oneOf.map((branch: any) => [branch.properties.op.enum, branch.required]);
    assert.deepEqual(branches[0], [['exists', 'not_exists'], undefined]);
    assert.deepEqual(branches[2], [['in', 'not_in'], ['value']]);
    assert.equal(schema('RuleOrder').properties.ids.uniqueItems, true);
    // Refusals that depend on what is stored are documented.
    assert.match(document.paths['/v1/groups/{id}'].put.responses['400'].description, /unknown_reference/);
  });

  test('the server refuses what the document says it refuses', async () => {
    const nul = await suite.admin.put('/v1/users/nul', { name: 'A\u0000B', email: 'nul@acme.test' });
    assert.deepEqual([nul.status, nul.body.error.details.issues[0].field], [400, 'name']);
    const email = await suite.admin.put('/v1/users/bang', { name: 'Bang', email: 'a!b@acme.test' });
    assert.deepEqual([email.status, email.body.error.details.issues[0].field], [400, 'email']);
    const emptyWait = await suite.admin.get('/v1/routings/any?waitSeconds=');
    assert.deepEqual([emptyWait.status, emptyWait.body.error.details.issues[0].field], [400, 'waitSeconds']);
  });

  test('links chain what creates users, groups, rules, routings and webhooks to the operations on them', () => {
    const links = (path: string, method: string, status: string) =>
      document.paths[path][method].responses[status].links ?? {};
    assert.deepEqual(links('/v1/users/{id}', 'put', '201').GetUser, {
      operationId: 'getUser',
      parameters: { id: '$response.body#/id' },
    });
    assert.ok(links('/v1/rules', 'post', '201').DeleteRule);
    assert.deepEqual(links('/v1/routings', 'post', '202').AcceptOffer.parameters, { id: '$response.body#/routingId' });
    assert.ok(links('/v1/groups/{id}', 'put', '201').GetGroup);
    assert.ok(links('/v1/webhooks', 'post', '201').GetWebhook);
    const operationIds = new Set(
      Object.values<any>(document.paths).flatMap((item) => Object.values<any>(item).map((op) => op.operationId)),
    );
    for (const item of Object.values<any>(document.paths)) {
      for (const operation of Object.values<any>(item)) {
        for (const response of Object.values<any>(operation.responses)) {
          for (const link of Object.values<any>(response.links ?? {})) assert.ok(operationIds.has(link.operationId));
        }
      }
    }
  });

  test('an undeclared method on a declared path is 405 with Allow; OPTIONS lists the declared methods', async () => {
    const patch = await suite.admin.request('PATCH', '/v1/users');
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get('allow'), 'GET, HEAD, OPTIONS');
    assert.equal(errorResponseSchema.parse(patch.body).error.code, 'method_not_allowed');
    // The literal path wins over the templated one, as OpenAPI resolves them: DELETE is declared on /v1/rules/{id}.
    const order = await suite.admin.request('DELETE', '/v1/rules/order');
    assert.deepEqual([order.status, order.headers.get('allow')], [405, 'PUT, OPTIONS']);
    const options = await suite.admin.request('OPTIONS', '/v1/users/ann');
    assert.deepEqual([options.status, options.headers.get('allow')], [204, 'GET, HEAD, PUT, DELETE, OPTIONS']);
    const health = await anonymous.request('POST', '/healthz');
    assert.deepEqual([health.status, health.headers.get('allow')], [405, 'GET, HEAD, OPTIONS']);
    // Credentials are still checked first on /v1, and paths the contract does not declare are still 404.
    assert.equal((await anonymous.request('PATCH', '/v1/users')).status, 401);
    assert.equal((await suite.admin.request('PATCH', '/v1/nowhere')).status, 404);
  });
});
