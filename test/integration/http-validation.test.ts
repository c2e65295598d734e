// Bad input gets a clear 4xx naming the field and the reason, and leaves stored state as it was.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { putReps } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('HTTP input validation', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['zoe']);
  });

  const fields = (body: { error: { details?: { issues: { field: string }[] } } }) =>
    body.error.details?.issues.map((issue) => issue.field);

  test('healthz answers 200 once routings can be started', async () => {
    const response = await suite.admin.get('/healthz');
    assert.deepEqual([response.status, response.body], [200, { status: 'ok' }]);
  });

  test('malformed JSON is a 400 invalid_json', async () => {
    const response = await suite.admin.post('/v1/routings', '{"type": "inbound", "visitor": {');
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_json');
  });

  test('missing fields are named in the 400', async () => {
    const noType = await suite.admin.post('/v1/routings', { visitor: { id: 'v1' } });
    assert.equal(noType.status, 400);
    assert.equal(noType.body.error.code, 'invalid_request');
    assert.deepEqual(fields(noType.body), ['type']);
    assert.match(noType.body.error.message, /^type: /);

    const noVisitorId = await suite.admin.post('/v1/routings', { type: 'inbound', visitor: {} });
    assert.deepEqual(fields(noVisitorId.body), ['visitor.id']);

    const noBody = await suite.admin.post('/v1/routings');
    assert.equal(noBody.status, 400);
    assert.deepEqual(fields(noBody.body), ['body']);
  });

  test('wrong types, bad values and unknown fields are refused with their path', async () => {
    const cases: [unknown, string][] = [
      [{ type: 'outbound', visitor: { id: 'v' } }, 'type'],
      [{ type: 'inbound', visitor: { id: 'v', email: 'not-an-email' } }, 'visitor.email'],
      [{ type: 'inbound', visitor: { id: 'v', segments: 'vip' } }, 'visitor.segments'],
      [{ type: 'inbound', visitor: { id: 'v' }, priority: 1 }, 'priority'],
      [{ type: 'inbound', visitor: { id: 'v', tier: 'gold' } }, 'visitor.tier'],
      [{ type: 'inbound', visitor: { id: 'v', outbound: { provider: 'hubspot' } } }, 'visitor.outbound.provider'],
      [{ type: 'inbound', routingId: 'has spaces', visitor: { id: 'v' } }, 'routingId'],
    ];
    for (const [body, field] of cases) {
      const response = await suite.admin.post('/v1/routings', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const named = fields(response.body) ?? [];
      assert.ok(named.includes(field), `${JSON.stringify(body)} named ${named.join(',')}`);
    }
    const accept = await suite.admin.post('/v1/routings/any/accept', { repId: 7 });
    assert.deepEqual(fields(accept.body), ['repId']);
    const wait = await suite.admin.get('/v1/routings/any?waitSeconds=soon');
    assert.deepEqual([wait.status, fields(wait.body)], [400, ['waitSeconds']]);
  });

  test('NUL characters are refused wherever they appear, naming where', async () => {
    const inBody = await suite.admin.put('/v1/users/nul', { name: 'a\u0000b', email: 'nul@example.test' });
    assert.deepEqual([inBody.status, fields(inBody.body)], [400, ['name']]);
    const nested = await suite.admin.post('/v1/routings', {
      type: 'inbound',
      visitor: { id: 'v', segments: ['ok', '\u0000'] },
    });
    assert.deepEqual([nested.status, fields(nested.body)], [400, ['visitor.segments.1']]);
    const inPath = await suite.admin.post('/v1/users/%00/tokens');
    assert.deepEqual([inPath.status, fields(inPath.body)], [400, ['path']]);
    assert.equal((await suite.admin.get('/v1/users/nul')).status, 404);
  });

  test('bodies that are not JSON get 415, oversized ones 413', async () => {
    const text = await suite.admin.request('POST', '/v1/routings', 'type=inbound', { 'content-type': 'text/plain' });
    assert.equal(text.status, 415);
    assert.equal(text.body.error.code, 'unsupported_media_type');
    const huge = await suite.admin.post('/v1/routings', {
      type: 'inbound',
      visitor: { id: 'v', name: 'x'.repeat(2_000_000) },
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'payload_too_large');
  });

  test('unknown routings, users and routes are 404 in the error shape', async () => {
    for (const path of ['/v1/routings/nope', '/v1/users/nope', '/v1/reps/nope/offers', '/v1/nothing']) {
      const response = await suite.admin.get(path);
      assert.equal(response.status, 404, path);
      assert.equal(response.body.error.code, 'not_found');
    }
    assert.equal((await suite.admin.accept('nope', 'zoe')).status, 404);
  });

  test('refused configuration leaves stored state exactly as it was', async () => {
    const before = await suite.admin.get('/v1/users');
    const duplicate = await suite.admin.put('/v1/users/zed', { name: 'Zed', email: 'ZOE@example.test' });
    assert.deepEqual([duplicate.status, duplicate.body.error.code], [409, 'duplicate_email']);
    const badGroup = await suite.admin.put('/v1/groups/g', { name: 'G', members: ['zoe', 'ghost'] });
    assert.deepEqual([badGroup.status, fields(badGroup.body)], [400, ['members']]);
    assert.match(badGroup.body.error.message, /ghost/);
    const badRule = await suite.admin.post('/v1/rules', { name: 'r', fallbacks: [{ users: ['ghost'] }] });
    assert.deepEqual([badRule.status, fields(badRule.body)], [400, ['fallbacks.0.users']]);
    const badOp = await suite.admin.post('/v1/rules', {
      name: 'r',
      criteria: { all: [{ field: 'country', op: 'gt', value: 'x' }] },
    });
    assert.deepEqual([badOp.status, fields(badOp.body)], [400, ['criteria.all.0.value']]);

    assert.deepEqual(await suite.admin.get('/v1/users'), before);
    assert.equal((await suite.admin.get('/v1/groups/g')).status, 404);
    assert.deepEqual((await suite.admin.get('/v1/rules/versions')).body, { versions: [] });
  });
});
