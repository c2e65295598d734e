// Round robin: one rep at a time, rotation per rule and stage, eligibility re-checked, fair under concurrency.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('round-robin routing', () => {
  const suite = useTestService();

  /** A fresh group and round-robin rule per test, so each test has its own rotation starting at turn 0. */
  async function setUp(label: string, reps: string[], rule: Record<string, unknown> = {}) {
    await putReps(suite.admin, reps);
    await suite.admin.put(`/v1/groups/${label}`, { name: label, members: reps });
    await createRule(suite.admin, {
      name: label,
      criteria: { all: [{ field: 'country', op: 'equals', value: label }] },
      routeTo: { groups: [label] },
      distribution: 'round_robin',
      offerTimeoutSeconds: 60,
      ...rule,
    });
    return async () => {
      const routingId = uniqueRoutingId(label);
      await suite.admin.post('/v1/routings', {
        routingId,
        type: 'inbound',
        visitor: { id: `v-${routingId}`, country: label },
      });
      return routingId;
    };
  }

  const liveOfferReps = async (routingId: string) => {
    const { body } = await suite.admin.get(`/v1/routings/${routingId}`);
    return body.offers.filter((o: { result: string }) => o.result === 'pending').map((o: { repId: string }) => o.repId);
  };

  test('one rep at a time: decline and timeout move to the next rep, an accept connects', async () => {
    const start = await setUp('rr-walk', ['rw-a', 'rw-b', 'rw-c'], { offerTimeoutSeconds: 1 });
    const routingId = await start();
    await offerFor(suite.admin, 'rw-a', routingId);
    assert.deepEqual(await liveOfferReps(routingId), ['rw-a']);
    assert.equal((await suite.admin.decline(routingId, 'rw-a')).status, 200);
    await offerFor(suite.admin, 'rw-b', routingId);
    assert.deepEqual(await liveOfferReps(routingId), ['rw-b']);
    // rw-b lets the offer time out; rw-c is offered next and accepts.
    await offerFor(suite.admin, 'rw-c', routingId);
    assert.equal((await suite.admin.accept(routingId, 'rw-c')).status, 200);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.deepEqual(
      state.offers.map((o: { repId: string; result: string }) => `${o.repId}:${o.result}`),
      ['rw-a:declined', 'rw-b:timed_out', 'rw-c:accepted'],
    );
  });

  test('successive routings start with successive reps', async () => {
    const start = await setUp('rr-next', ['rn-a', 'rn-b', 'rn-c']);
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const routingId = await start();
      const [first] = await eventually(async () => {
        const reps = await liveOfferReps(routingId);
        return reps.length > 0 ? reps : undefined;
      });
      firsts.push(first);
      await suite.admin.post(`/v1/routings/${routingId}/cancel`);
    }
    assert.deepEqual(firsts, ['rn-a', 'rn-b', 'rn-c', 'rn-a']);
  });

  test('eligibility is checked again just before each offer', async () => {
    const start = await setUp('rr-recheck', ['rc-a', 'rc-b', 'rc-c']);
    const routingId = await start();
    await offerFor(suite.admin, 'rc-a', routingId);
    await suite.admin.put('/v1/users/rc-b/presence', { status: 'away' });
    await suite.admin.decline(routingId, 'rc-a');
    await offerFor(suite.admin, 'rc-c', routingId);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}`);
    const skipped = state.trace.find((entry: { event: string }) => entry.event === 'offer.skipped');
    assert.deepEqual(skipped.detail, { stage: 'route_to', repId: 'rc-b', reason: 'away' });
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('fair under concurrency: 300 routings at once give each of 5 reps exactly 60 first offers', async () => {
    const reps = ['rf-a', 'rf-b', 'rf-c', 'rf-d', 'rf-e'];
    // A long timeout: on a loaded machine the first offers must not expire (and move on) before they are counted.
    const start = await setUp('rr-fair', reps, { offerTimeoutSeconds: 3600 });
    const routingIds = await Promise.all(Array.from({ length: 300 }, () => start()));
    // Each routing's first offer, as recorded in the database (the earliest offer of each routing).
    const firstOffers = await eventually(async () => {
      const rows = await suite.service.db
        .selectFrom('offers')
        .select(['routing_id', 'rep_id', 'offered_at'])
        .where('routing_id', 'in', routingIds)
        .orderBy('offered_at')
        .execute();
      const first = new Map<string, string>();
      for (const row of rows) if (!first.has(row.routing_id)) first.set(row.routing_id, row.rep_id);
      return first.size === 300 ? first : undefined;
    }, 180_000);
    const perRep = reps.map((rep) => [...firstOffers.values()].filter((first) => first === rep).length);
    assert.deepEqual(perRep, [60, 60, 60, 60, 60]);
    await Promise.all(routingIds.map((id) => suite.admin.post(`/v1/routings/${id}/cancel`)));
  });
});
