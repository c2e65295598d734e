// First-available routing end to end: real Temporal server, real worker, HTTP over a real socket.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activeConversation } from '../../store/projection';
import { acceptUpdate } from '../../workflows/messages';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService } from '../support/service';

describe('first-available routing', () => {
  let service: TestService;
  let http: HttpClient;

  before(async () => {
    service = await startTestService();
    http = new HttpClient(service.baseUrl, service.keys.adminKey);
    await putReps(http, ['ann', 'ben', 'cat', 'dan', 'eve']);
    await http.put('/v1/groups/fallback', { name: 'Fallback', members: ['eve'] });
    // Rules are matched in order; each test picks its rule through visitor.country.
    await createRule(http, {
      name: 'race',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'race' }] },
      routeTo: { users: ['ann', 'ben'] },
      offerTimeoutSeconds: 60,
    });
    await createRule(http, {
      name: 'timeout',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'timeout' }] },
      routeTo: { users: ['cat', 'dan'] },
      offerTimeoutSeconds: 0.5,
    });
    await createRule(http, {
      name: 'nobooker',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'nobooker' }] },
      routeTo: { users: ['cat'] },
      offerTimeoutSeconds: 0.3,
      meetingBooker: { enabled: false },
    });
    await createRule(http, {
      name: 'decline',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'decline' }] },
      routeTo: { users: ['cat', 'dan'] },
      fallbacks: [{ groups: ['fallback'] }],
      offerTimeoutSeconds: 60,
    });
  });
  after(() => service.stop());

  const start = async (country: string, type = 'inbound') => {
    const routingId = uniqueRoutingId(country);
    const response = await http.post('/v1/routings', { routingId, type, visitor: { id: `v-${routingId}`, country } });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    assert.deepEqual(response.body, { routingId, status: 'routing' });
    return routingId;
  };

  test('the winner’s 200 means the conversation is recorded: listed and endable at once', async () => {
    const routingId = await start('race');
    await offerFor(http, 'ann', routingId);
    assert.equal((await http.accept(routingId, 'ann')).status, 200);
    const ann = await http.asRep('ann');
    const listed = await ann.get('/v1/reps/ann/conversations');
    assert.ok(listed.body.conversations.some((c: { routingId: string }) => c.routingId === routingId));
    const ended = await ann.post(`/v1/routings/${routingId}/end`);
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
  });

  test('an accept the API never wrote (its process died first) reaches the database through the workflow', async () => {
    const routingId = await start('race');
    await offerFor(http, 'ben', routingId);
    // Straight to the workflow, as an API process does before it writes the answer.
    const answer = await service.env.client.workflow
      .getHandle(routingId)
      .executeUpdate(acceptUpdate, { args: [{ repId: 'ben' }], updateId: 'accept:ben' });
    assert.equal(answer.outcome, 'connected');
    const conversation = await eventually(() => activeConversation(service.db, routingId));
    assert.equal(conversation.rep_id, 'ben');
    const { body: offers } = await http.get('/v1/reps/ann/offers');
    assert.ok(!offers.offers.some((offer: { routingId: string }) => offer.routingId === routingId));
  });

  test('two reps accepting at once: exactly one wins, the other gets 409 already_assigned', async () => {
    const routingId = await start('race');
    await offerFor(http, 'ann', routingId);
    await offerFor(http, 'ben', routingId);

    const [ann, ben] = await Promise.all([http.accept(routingId, 'ann'), http.accept(routingId, 'ben')]);
    const statuses = [ann.status, ben.status].sort();
    assert.deepEqual(statuses, [200, 409]);
    const [winner, loser] = ann.status === 200 ? ['ann', ben] : ['ben', ann];
    assert.equal(loser.body.error.code, 'already_assigned');

    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.equal(state.repId, winner);
    assert.equal(state.rule.name, 'race');
    assert.deepEqual(
      Object.fromEntries(state.offers.map((offer: { repId: string; result: string }) => [offer.repId, offer.result])),
      { ann: winner === 'ann' ? 'accepted' : 'withdrawn', ben: winner === 'ben' ? 'accepted' : 'withdrawn' },
    );
    // Neither rep still sees the offer once it is taken.
    for (const rep of ['ann', 'ben']) {
      const { body } = await http.get(`/v1/reps/${rep}/offers`);
      assert.equal(body.offers.filter((offer: { routingId: string }) => offer.routingId === routingId).length, 0);
    }
    // The winner asking again is told it won; the loser still loses.
    assert.equal((await http.accept(routingId, winner)).status, 200);
    const again = await http.accept(routingId, loser === ann ? 'ann' : 'ben');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'already_assigned');
  });

  test('an offered rep is shown the visitor, the rule and the expiry', async () => {
    const routingId = await start('race');
    const offer = await offerFor(http, 'ann', routingId);
    assert.equal(offer.type, 'inbound');
    assert.equal(offer.visitor.country, 'race');
    assert.equal(offer.stage, 'route_to');
    assert.ok(Date.parse(offer.expiresAt) - Date.parse(offer.offeredAt) === 60_000);
    // The offer the rep sees (written by beginRouting) is the one the workflow records, to the millisecond.
    const { body: state } = await http.get(`/v1/routings/${routingId}`);
    const recorded = state.offers.find((each: { repId: string }) => each.repId === 'ann');
    assert.deepEqual([recorded.offeredAt, recorded.expiresAt], [offer.offeredAt, offer.expiresAt]);
    assert.equal((await http.post(`/v1/routings/${routingId}/cancel`)).status, 200);
  });

  test('nobody accepting within the timeout falls through to the meeting booker', async () => {
    const routingId = await start('timeout');
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker, { userIds: ['cat', 'dan'] });
    assert.deepEqual(
      state.offers.map((offer: { result: string }) => offer.result),
      ['timed_out', 'timed_out'],
    );
    assert.ok(state.trace.some((entry: { event: string }) => entry.event === 'offers.timed_out'));
    const late = await http.accept(routingId, 'cat');
    assert.equal(late.status, 409);
    assert.equal(late.body.error.code, 'routing_closed');
  });

  test('with the meeting booker off, nobody accepting ends as no_rep', async () => {
    const routingId = await start('nobooker');
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'no_rep');
    assert.equal(state.meetingBooker, null);
    assert.deepEqual(
      state.offers.map((offer: { repId: string; result: string }) => [offer.repId, offer.result]),
      [['cat', 'timed_out']],
    );
  });

  test('a pounce routing nobody engages with expires without a meeting booker', async () => {
    const routingId = await start('timeout', 'pounce');
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'expired');
    assert.equal(state.meetingBooker, null);
  });

  test('when every offered rep declines, the next stage is offered at once', async () => {
    const routingId = await start('decline');
    await offerFor(http, 'cat', routingId);
    assert.equal((await http.decline(routingId, 'cat')).status, 200);
    assert.equal((await http.decline(routingId, 'dan')).status, 200);
    const offer = await offerFor(http, 'eve', routingId);
    assert.equal(offer.stage, 'fallback_1');
    // A retried decline is idempotent; a rep who holds no offer is refused.
    assert.equal((await http.decline(routingId, 'dan')).status, 200);
    const stranger = await http.decline(routingId, 'ann');
    assert.equal(stranger.status, 409);
    assert.equal(stranger.body.error.code, 'not_offered');
    assert.equal((await http.accept(routingId, 'eve')).status, 200);
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.deepEqual(
      state.stages.map((stage: { name: string }) => stage.name),
      ['route_to', 'fallback_1'],
    );
  });

  test('a rep without a live offer cannot accept', async () => {
    const routingId = await start('race');
    await offerFor(http, 'ann', routingId);
    const response = await http.accept(routingId, 'cat');
    assert.equal(response.status, 409);
    assert.equal(response.body.error.code, 'not_offered');
    await http.post(`/v1/routings/${routingId}/cancel`);
  });

  test('the visitor leaving cancels the routing and withdraws its offers', async () => {
    const routingId = await start('race');
    await offerFor(http, 'ann', routingId);
    assert.equal((await http.post(`/v1/routings/${routingId}/cancel`)).status, 200);
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'cancelled');
    assert.ok(state.offers.every((offer: { result: string }) => offer.result === 'withdrawn'));
    await eventually(async () => {
      const { body } = await http.get('/v1/reps/ann/offers');
      return body.offers.some((offer: { routingId: string }) => offer.routingId === routingId) ? undefined : true;
    });
    // Cancelling again is idempotent.
    const again = await http.post(`/v1/routings/${routingId}/cancel`);
    assert.deepEqual([again.status, again.body], [200, { status: 'cancelled' }]);
  });

  test('a visitor no rule matches ends as no_match', async () => {
    const routingId = await start('nowhere');
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'no_match');
    assert.equal(state.rule, null);
    assert.equal(state.ruleSetVersion, 4);
  });
});
