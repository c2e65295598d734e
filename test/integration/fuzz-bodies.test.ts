// Property: whatever a client sends to any endpoint, the answer is never a 5xx and the service stays healthy.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createRule, putReps } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

/** Every endpoint that takes input, with a valid body to mutate. `:id` is filled with fuzzed or known ids. */
const endpoints: { method: string; path: string; valid?: unknown }[] = [
  { method: 'PUT', path: '/v1/users/:id', valid: { name: 'N', email: 'n@example.test', capacity: 2 } },
  { method: 'PUT', path: '/v1/users/:id/presence', valid: { status: 'available' } },
  { method: 'POST', path: '/v1/users/:id/tokens' },
  { method: 'PUT', path: '/v1/groups/:id', valid: { name: 'G', members: ['fuzz-rep'] } },
  {
    method: 'POST',
    path: '/v1/rules',
    valid: { name: 'r', criteria: { all: [{ field: 'country', op: 'in', value: ['x'] }] }, position: 0 },
  },
  { method: 'PUT', path: '/v1/rules/:id', valid: { name: 'r' } },
  { method: 'PUT', path: '/v1/rules/order', valid: { ids: [] } },
  { method: 'POST', path: '/v1/rules/simulate', valid: { type: 'inbound', visitor: { id: 'v' } } },
  { method: 'GET', path: '/v1/rules?version=:id' },
  {
    method: 'PUT',
    path: '/v1/integrations/salesforce',
    valid: { contacts: [{ id: 'c', email: 'c@x.test', ownerEmail: 'o@x.test' }] },
  },
  {
    method: 'PUT',
    path: '/v1/integrations/outreach',
    valid: { prospects: [{ email: 'p@x.test', ownerEmail: 'o@x.test' }] },
  },
  { method: 'POST', path: '/v1/routings', valid: { type: 'pounce', visitor: { id: 'v', email: 'v@x.test' } } },
  { method: 'GET', path: '/v1/routings/:id?waitSeconds=:id' },
  { method: 'POST', path: '/v1/routings/:id/accept', valid: { repId: 'fuzz-rep' } },
  { method: 'POST', path: '/v1/routings/:id/decline', valid: { repId: 'fuzz-rep' } },
  { method: 'POST', path: '/v1/routings/:id/cancel' },
  { method: 'POST', path: '/v1/routings/:id/end' },
  { method: 'GET', path: '/v1/reps/:id/offers' },
];

/** Replaces, drops or adds one field somewhere in a valid body, with a value of any JSON type. */
function mutated(valid: unknown): fc.Arbitrary<unknown> {
  // Any UTF-16 code units in strings, NUL and lone surrogates included.
  const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
  if (typeof valid !== 'object' || valid === null || Array.isArray(valid)) return anyJson;
  const keys = Object.keys(valid);
  if (keys.length === 0) return fc.oneof(anyJson, fc.dictionary(fc.string(), anyJson));
  return fc.oneof(
    anyJson,
    fc
      .record({ key: fc.oneof(fc.constantFrom(...keys), fc.string({ unit: 'binary' })), value: anyJson })
      .map(({ key, value }) => ({
        ...valid,
        [key]: value,
      })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
    fc
      .constantFrom(...keys)
      .chain((key) => mutated((valid as Record<string, unknown>)[key]).map((inner) => ({ ...valid, [key]: inner }))),
  );
}

describe('fuzzed request bodies', () => {
  const suite = useTestService();
  let rep: HttpClient;

  before(async () => {
    await putReps(suite.admin, ['fuzz-rep']);
    await createRule(suite.admin, { name: 'fuzz', routeTo: { users: ['fuzz-rep'] }, offerTimeoutSeconds: 30 });
    rep = await suite.admin.asRep('fuzz-rep');
  });

  test('no 5xx for random and mutated bodies, ids, headers and credentials', async () => {
    const id = fc.oneof(
      fc.constantFrom('fuzz-rep', 'nobody', '0', '%00', '..', 'a%2Fb'),
      fc.string({ maxLength: 40, unit: 'binary' }).map((id) => encodeURIComponent(id.replace(/[\uD800-\uDFFF]/g, 'x'))),
    );
    const request = fc.record({
      endpoint: fc.constantFrom(...endpoints),
      id,
      asRep: fc.boolean(),
      raw: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 200, unit: 'binary' }),
        fc.constantFrom('{', '[]', 'null', '{"a":'),
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', ''),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ endpoint, id, asRep, raw, contentType, seed }) => {
        const body =
          endpoint.method === 'GET'
            ? undefined
            : (raw ?? fc.sample(mutated(endpoint.valid ?? {}), { seed, numRuns: 1 })[0]);
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        const client = asRep ? rep : suite.admin;
        const response = await client.request(endpoint.method, endpoint.path.replaceAll(':id', id), body, headers);
        assert.ok(
          response.status < 500,
          `${endpoint.method} ${endpoint.path} → ${response.status} ${JSON.stringify(response.body)}`,
        );
        if (response.status >= 400) assert.equal(typeof response.body?.error?.code, 'string');
      }),
      { numRuns: 1000 },
    );
    assert.equal((await suite.admin.get('/healthz')).status, 200);
    assert.equal((await suite.admin.get('/v1/users/fuzz-rep')).status, 200);
  });
});
