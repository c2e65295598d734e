// What the rep console reads besides offers: the rep's own record, and their open conversations with the visitor
// each one is with, until it is ended.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { openConversationsSchema } from '../../api/schemas/responses';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('rep console API', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['gil', 'hal']);
    await createRule(suite.admin, { name: 'both', routeTo: { users: ['gil', 'hal'] }, offerTimeoutSeconds: 60 });
  });

  test('a rep reads their own record, and no one else’s', async () => {
    const gil = await suite.admin.asRep('gil');
    const own = await gil.get('/v1/users/gil');
    assert.equal(own.status, 200);
    assert.deepEqual([own.body.id, own.body.status], ['gil', 'available']);
    assert.equal((await gil.get('/v1/users/hal')).body.error.code, 'forbidden');
    assert.equal((await gil.get('/v1/users')).status, 403, 'the list stays admin-only');
    assert.equal((await suite.admin.get('/v1/users/gil')).status, 200);
  });

  test('an accepted routing is listed as the rep’s open conversation until it is ended', async () => {
    const gil = await suite.admin.asRep('gil');
    const hal = await suite.admin.asRep('hal');
    const routingId = uniqueRoutingId('console-api');
    const visitor = { id: `v-${routingId}`, name: 'Jo', company: 'BigCo' };
    await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor });
    await offerFor(suite.admin, 'gil', routingId);
    assert.deepEqual((await gil.get('/v1/reps/gil/conversations')).body, { conversations: [] });

    assert.equal((await suite.admin.accept(routingId, 'gil')).status, 200);
    const listed = await eventually(async () => {
      const { body } = await gil.get('/v1/reps/gil/conversations');
      return body.conversations.length > 0 ? body : undefined;
    });
    openConversationsSchema.parse(listed);
    assert.deepEqual(
      listed.conversations.map((each: any) => [each.routingId, each.type, each.visitor]),
      [[routingId, 'inbound', visitor]],
    );
    assert.deepEqual((await hal.get('/v1/reps/hal/conversations')).body, { conversations: [] }, 'hal lost the race');
    assert.equal((await suite.admin.get('/v1/reps/gil/conversations')).body.conversations.length, 1, 'admins may look');
    assert.equal((await hal.get('/v1/reps/gil/conversations')).status, 403);
    assert.equal((await suite.admin.get('/v1/reps/nobody/conversations')).status, 404);

    assert.equal((await gil.post(`/v1/routings/${routingId}/end`)).status, 200);
    assert.deepEqual((await gil.get('/v1/reps/gil/conversations')).body, { conversations: [] });
  });
});
