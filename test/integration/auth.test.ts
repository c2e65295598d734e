// Who may do what: admin key, experience key, and rep tokens that act only for their own rep.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

describe('authentication and authorisation', () => {
  const suite = useTestService();
  let experience: HttpClient;
  let anonymous: HttpClient;

  before(async () => {
    experience = suite.admin.withToken(suite.service.keys.experienceKey);
    anonymous = suite.admin.withToken(undefined);
    await putReps(suite.admin, ['ava', 'bea']);
    await createRule(suite.admin, { name: 'all', routeTo: { users: ['ava', 'bea'] }, offerTimeoutSeconds: 60 });
  });

  const code = (response: { status: number; body: { error?: { code: string } } }) =>
    `${response.status} ${response.body?.error?.code ?? ''}`.trim();

  test('no credentials or wrong ones: 401; public endpoints stay public', async () => {
    assert.equal(code(await anonymous.get('/v1/users')), '401 unauthenticated');
    assert.equal(code(await suite.admin.withToken('admin_guess').get('/v1/users')), '401 unauthenticated');
    assert.equal(code(await suite.admin.withToken('rep_forged').get('/v1/reps/ava/offers')), '401 unauthenticated');
    const malformed = await anonymous.request('GET', '/v1/users', undefined, { authorization: 'Basic YWRtaW4=' });
    assert.equal(malformed.status, 401);
    assert.equal((await anonymous.get('/healthz')).status, 200);
  });

  test('the experience key routes visitors but cannot configure', async () => {
    assert.equal(code(await experience.put('/v1/users/x', { name: 'X', email: 'x@example.test' })), '403 forbidden');
    assert.equal(code(await experience.post('/v1/rules', { name: 'r' })), '403 forbidden');
    const routingId = uniqueRoutingId('auth');
    const started = await experience.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v' } });
    assert.equal(started.status, 202);
    assert.equal((await experience.get(`/v1/routings/${routingId}`)).status, 200);
    assert.equal(code(await experience.post(`/v1/routings/${routingId}/accept`, { repId: 'ava' })), '403 forbidden');
    assert.equal((await experience.post(`/v1/routings/${routingId}/cancel`)).status, 200);
  });

  test('a rep token acts only for its own rep and cannot administer', async () => {
    const ava = await suite.admin.asRep('ava');
    assert.equal((await ava.put('/v1/users/ava/presence', { status: 'away' })).status, 200);
    assert.equal((await ava.put('/v1/users/ava/presence', { status: 'available' })).status, 200);
    assert.equal(code(await ava.put('/v1/users/bea/presence', { status: 'offline' })), '403 forbidden');
    assert.equal((await ava.get('/v1/reps/ava/offers')).status, 200);
    assert.equal(code(await ava.get('/v1/reps/bea/offers')), '403 forbidden');
    assert.equal(code(await ava.get('/v1/users')), '403 forbidden');
    assert.equal(code(await ava.put('/v1/users/ava', { name: 'Ava', email: 'ava@example.test' })), '403 forbidden');
    assert.equal(code(await ava.post('/v1/users/ava/tokens')), '403 forbidden');
    assert.equal(code(await ava.post('/v1/routings', { type: 'inbound', visitor: { id: 'v' } })), '403 forbidden');

    const routingId = uniqueRoutingId('rep');
    await experience.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v2' } });
    await offerFor(suite.admin, 'bea', routingId);
    // Ava cannot accept or decline in Bea's name, and the admin key cannot accept for anyone.
    assert.equal(code(await ava.post(`/v1/routings/${routingId}/accept`, { repId: 'bea' })), '403 forbidden');
    assert.equal(code(await ava.post(`/v1/routings/${routingId}/decline`, { repId: 'bea' })), '403 forbidden');
    assert.equal(code(await suite.admin.post(`/v1/routings/${routingId}/accept`, { repId: 'bea' })), '403 forbidden');
    assert.equal((await suite.admin.accept(routingId, 'bea')).status, 200);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    // Only the assigned rep (or an admin) ends the conversation.
    assert.equal(code(await ava.post(`/v1/routings/${routingId}/end`)), '403 forbidden');
    assert.equal((await (await suite.admin.asRep('bea')).post(`/v1/routings/${routingId}/end`)).status, 200);
  });

  test('tokens are stored hashed, and revoking or deleting the rep ends them', async () => {
    await putReps(suite.admin, ['cy']);
    const minted = await suite.admin.post('/v1/users/cy/tokens');
    assert.equal(minted.status, 201);
    const { token } = minted.body;
    assert.match(token, /^rep_[A-Za-z0-9_-]{43}$/);
    const stored = await suite.service.db.selectFrom('rep_tokens').selectAll().where('user_id', '=', 'cy').execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.token_hash, token);
    assert.ok(!JSON.stringify(stored).includes(token));

    const cy = suite.admin.withToken(token);
    assert.equal((await cy.get('/v1/reps/cy/offers')).status, 200);
    assert.deepEqual((await suite.admin.delete('/v1/users/cy/tokens')).body, { userId: 'cy', revoked: 1 });
    assert.equal((await cy.get('/v1/reps/cy/offers')).status, 401);

    const second = suite.admin.withToken((await suite.admin.post('/v1/users/cy/tokens')).body.token);
    assert.equal((await suite.admin.delete('/v1/users/cy')).status, 204);
    assert.equal((await second.get('/v1/reps/cy/offers')).status, 401);
    assert.equal(code(await suite.admin.post('/v1/users/nobody/tokens')), '404 not_found');
  });

  test('responses carry security headers and never a stack trace', async () => {
    const response = await suite.admin.get('/v1/users/nobody');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(response.headers.get('content-security-policy'));
    assert.equal(response.headers.get('x-powered-by'), null);
    assert.deepEqual(Object.keys(response.body.error).sort(), ['code', 'message']);
    assert.doesNotMatch(JSON.stringify(response.body), /at .*\.ts:\d+/);
  });
});
