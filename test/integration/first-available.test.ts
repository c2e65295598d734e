// First-available routing end to end: real Temporal server, real worker, HTTP over a real socket.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { activeConversation } from '../../store/projection';
import { acceptUpdate } from '../../workflows/messages';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('first-available routing', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['ann', 'ben', 'cat', 'dan', 'eve']);
    await suite.admin.put('/v1/groups/fallback', { name: 'Fallback', members: ['eve'] });
    // Rules are matched in order; each test picks its rule through visitor.country.
    await createRule(suite.admin, {
      name: 'race',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'race' }] },
      routeTo: { users: ['ann', 'ben'] },
      offerTimeoutSeconds: 60,
    });
    await createRule(suite.admin, {
      name: 'timeout',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'timeout' }] },
      routeTo: { users: ['cat', 'dan'] },
      offerTimeoutSeconds: 0.5,
    });
    await createRule(suite.admin, {
      name: 'nobooker',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'nobooker' }] },
      routeTo: { users: ['cat'] },
      offerTimeoutSeconds: 0.3,
      meetingBooker: { enabled: false },
    });
    await createRule(suite.admin, {
      name: 'decline',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'decline' }] },
      routeTo: { users: ['cat', 'dan'] },
      fallbacks: [{ groups: ['fallback'] }],
      offerTimeoutSeconds: 60,
    });
  });

  const start = async (country: string, type = 'inbound') => {
    const routingId = uniqueRoutingId(country);
    const response = await suite.admin.post('/v1/routings', {
      routingId,
      type,
      visitor: { id: `v-${routingId}`, country },
    });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.deepEqual(response.body, { routingId, status: 'routing' });
    return routingId;
  };

  test('the winner’s 200 means the conversation is recorded: listed and endable at once', async () => {
    const routingId = await start('race');
    await offerFor(suite.admin, 'ann', routingId);
    assert.equal((await suite.admin.accept(routingId, 'ann')).status, 200);
    const ann = await suite.admin.asRep('ann');
    const listed = await ann.get('/v1/reps/ann/conversations');
    assert.ok(listed.body.conversations.some((c: { routingId: string }) => c.routingId === routingId));
    const ended = await ann.post(`/v1/routings/${routingId}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
  });

  test('an accept the API never wrote (its process died first) reaches the database through the workflow', async () => {
    const routingId = await start('race');
    await offerFor(suite.admin, 'ben', routingId);
    // Straight to the workflow, as an API process does before it writes the answer.
    const answer = await suite.service.env.client.workflow
      .getHandle(routingId)
      .executeUpdate(acceptUpdate, { args: [{ repId: 'ben' }], updateId: 'accept:ben' });
    assert.equal(answer.outcome, 'connected');
    const conversation = await eventually(() => activeConversation(suite.service.db, routingId));
    assert.equal(conversation.rep_id, 'ben');
    const { body: offers } = await suite.admin.get('/v1/reps/ann/offers');
    assert.ok(!offers.offers.some((offer: { routingId: string }) => offer.routingId === routingId));
  });

  test('two reps accepting at once: exactly one wins, the other gets 409 already_assigned', async () => {
    const routingId = await start('race');
    await offerFor(suite.admin, 'ann', routingId);
    await offerFor(suite.admin, 'ben', routingId);

    const [ann, ben] = await Promise.all([suite.admin.accept(routingId, 'ann'), suite.admin.accept(routingId, 'ben')]);
    const statuses = [ann.status, ben.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const [winner, loser] = ann.status === 200 ? ['ann', ben] : ['ben', ann];
    assert.equal(loser.body.error.code, 'already_assigned');

    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.equal(state.repId, winner);
    assert.equal(state.rule.name, 'race');
    assert.deepEqual(
      Object.fromEntries(state.offers.map((offer: { repId: string; result: string }) => [offer.repId, offer.result])),
      { ann: winner === 'ann' ? 'accepted' : 'withdrawn', ben: winner === 'ben' ? 'accepted' : 'withdrawn' },
    );
    // Neither rep still sees the offer once it is taken.
    for (const rep of ['ann', 'ben']) {
      const { body } = await suite.admin.get(`/v1/reps/${rep}/offers`);
      assert.equal(body.offers.filter((offer: { routingId: string }) => offer.routingId === routingId).length, 0);
    }
    // The winner asking again is told it won; the loser still loses.
    assert.equal((await suite.admin.accept(routingId, winner)).status, 200);
    const again = await suite.admin.accept(routingId, loser === ann ? 'ann' : 'ben');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_assigned');
  });

  test('an offered rep is shown the visitor, the rule and the expiry', async () => {
    const routingId = await start('race');
    const offer = await offerFor(suite.admin, 'ann', routingId);
    assert.equal(offer.type, 'inbound');
    assert.equal(offer.visitor.country, 'race');
    assert.equal(offer.stage, 'route_to');
    assert.ok(Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt) === 60_000);
    // The offer the rep sees (written by beginRouting) is the one the workflow records, to the millisecond.
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}`);
    const recorded = state.offers.find((each: { repId: string }) => each.repId === 'ann');
    assert.deepEqual([recorded.offeredAt, recorded.expiresAt], [offer.offeredAt, offer.expiresAt]);
    assert.equal((await suite.admin.post(`/v1/routings/${routingId}/cancel`)).status, 200);
  });

  test('nobody accepting within the timeout falls through to the meeting booker', async () => {
    const routingId = await start('timeout');
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker, { userIds: ['cat', 'dan'] });
    assert.deepEqual(
      state.offers.map((offer: { result: string }) => offer.result),
      ['timed_out', 'timed_out'],
    );
    assert.ok(state.trace.some((entry: { event: string }) => entry.event === 'offers.timed_out'));
    const late = await suite.admin.accept(routingId, 'cat');
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'routing_closed');
  });

  test('with the meeting booker off, nobody accepting ends as no_rep', async () => {
    const routingId = await start('nobooker');
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'no_rep');
    assert.equal(state.meetingBooker, null);
    assert.deepEqual(
      state.offers.map((offer: { repId: string; result: string }) => [offer.repId, offer.result]),
      [['cat', 'timed_out']],
    );
  });

  test('a pounce routing nobody engages with expires without a meeting booker', async () => {
    const routingId = await start('timeout', 'pounce');
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'expired');
    assert.equal(state.meetingBooker, null);
  });

  test('when every offered rep declines, the next stage is offered at once', async () => {
    const routingId = await start('decline');
    await offerFor(suite.admin, 'cat', routingId);
    assert.equal((await suite.admin.decline(routingId, 'cat')).status, 200);
    assert.equal((await suite.admin.decline(routingId, 'dan')).status, 200);
    const offer = await offerFor(suite.admin, 'eve', routingId);
    assert.equal(offer.stage, 'fallback_1');
    // A retried decline is idempotent; a rep who holds no offer is refused.
    assert.equal((await suite.admin.decline(routingId, 'dan')).status, 200);
    const stranger = await suite.admin.decline(routingId, 'ann');
    assert.equal(stranger.status, 409);
    assert.equal(stranger.body.error.code, 'not_offered');
    assert.equal((await suite.admin.accept(routingId, 'eve')).status, 200);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.deepEqual(
      state.stages.map((stage: { name: string }) => stage.name),
      ['route_to', 'fallback_1'],
    );
  });

  test('a rep without a live offer cannot accept', async () => {
    const routingId = await start('race');
    await offerFor(suite.admin, 'ann', routingId);
    const response = await suite.admin.accept(routingId, 'cat');
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'not_offered');
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('the visitor leaving cancels the routing and withdraws its offers', async () => {
    const routingId = await start('race');
    await offerFor(suite.admin, 'ann', routingId);
    assert.equal((await suite.admin.post(`/v1/routings/${routingId}/cancel`)).status, 200);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'cancelled');
    assert.ok(state.offers.every((offer: { result: string }) => offer.result === 'withdrawn'));
    await eventually(async () => {
      const { body } = await suite.admin.get('/v1/reps/ann/offers');
      return body.offers.some((offer: { routingId: string }) => offer.routingId === routingId) ? undefined : true;
    });
    // Cancelling again is idempotent.
    const again = await suite.admin.post(`/v1/routings/${routingId}/cancel`);
    assert.deepEqual([again.status, again.body], [200, { status: 'cancelled' }]);
  });

  test('a visitor no rule matches ends as no_match', async () => {
    const routingId = await start('nowhere');
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'no_match');
    assert.equal(state.rule, null);
    assert.equal(state.ruleSetVersion, 4);
  });
});
