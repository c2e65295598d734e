// Pounce routings superseded by inbound ones, and capacity taken by connected conversations until they end.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('pounce supersession and capacity', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['pia', 'quinn']);
    const capped = await suite.admin.put('/v1/users/cap', {
      name: 'Cap',
      email: 'cap@example.test',
      status: 'available',
      capacity: 1,
    });
    assert.equal(capped.status, 201);
    await createRule(suite.admin, {
      name: 'capped',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'capped' }] },
      routeTo: { users: ['cap'] },
      offerTimeoutSeconds: 60,
    });
    await createRule(suite.admin, { name: 'everyone', routeTo: { users: ['pia', 'quinn'] }, offerTimeoutSeconds: 60 });
  });

  const start = async (type: string, visitor: Record<string, unknown>) => {
    const routingId = uniqueRoutingId(type);
    const response = await suite.admin.post('/v1/routings', { routingId, type, visitor });
    assert.equal(response.status, 202);
    return routingId;
  };

  test('an inbound routing ends the same visitor’s open pounce routing as superseded', async () => {
    const visitor = { id: uniqueRoutingId('visitor') };
    const pounceId = await start('pounce', visitor);
    await offerFor(suite.admin, 'pia', pounceId);
    const otherVisitorPounce = await start('pounce', { id: uniqueRoutingId('other') });
    await offerFor(suite.admin, 'pia', otherVisitorPounce);

    const inboundId = await start('inbound', visitor);
    const { body: pounce } = await suite.admin.get(`/v1/routings/${pounceId}?waitSeconds=10`);
    assert.equal(pounce.status, 'superseded');
    assert.deepEqual(pounce.trace.at(-1).detail, { byRoutingId: inboundId });
    assert.ok(pounce.offers.every((offer: { result: string }) => offer.result === 'withdrawn'));
    // The inbound routing goes on as usual, and a pounce for another visitor is untouched.
    await offerFor(suite.admin, 'quinn', inboundId);
    assert.equal((await suite.admin.accept(inboundId, 'quinn')).status, 200);
    assert.equal((await suite.admin.get(`/v1/routings/${otherVisitorPounce}`)).body.status, 'routing');
    const late = await suite.admin.accept(pounceId, 'pia');
    assert.deepEqual([late.status, late.body.error.code], [409, 'routing_closed']);
    await suite.admin.post(`/v1/routings/${otherVisitorPounce}/cancel`);
  });

  test('a rep at capacity is passed over until a conversation ends', async () => {
    const first = await start('inbound', { id: 'cap-1', country: 'capped' });
    await offerFor(suite.admin, 'cap', first);
    assert.equal((await suite.admin.accept(first, 'cap')).status, 200);
    await suite.admin.get(`/v1/routings/${first}?waitSeconds=10`);

    const second = await start('inbound', { id: 'cap-2', country: 'capped' });
    const { body: full } = await suite.admin.get(`/v1/routings/${second}?waitSeconds=10`);
    assert.deepEqual(full.stages[0].candidates, [{ userId: 'cap', eligible: false, reason: 'at_capacity' }]);
    assert.equal(full.stages[0].skipped, 'nobody_eligible');
    assert.equal(full.status, 'meeting_booker');
    assert.deepEqual(full.meetingBooker, { userIds: ['cap'] });

    const ended = await suite.admin.post(`/v1/routings/${first}/end`);
    assert.deepEqual([ended.status, ended.body], [200, { routingId: first, repId: 'cap', ended: true }]);
    assert.equal((await suite.admin.post(`/v1/routings/${first}/end`)).status, 409);
    const third = await start('inbound', { id: 'cap-3', country: 'capped' });
    await eventually(() => offerFor(suite.admin, 'cap', third));
    await suite.admin.post(`/v1/routings/${third}/cancel`);
  });
});
