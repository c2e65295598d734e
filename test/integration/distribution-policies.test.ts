// The distribution policies on the real Temporal server: the weighted rotation (weights, calibration of a rep who
// joins, counts that survive a worker restart) and least busy (loads, idle time, re-ranking after a decline), each
// deciding offers and explained in the routing (`decidedBy` on each offer, the trace's reasons) and in simulate.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface Offer {
  repId: string;
  result: string;
  decidedBy: string;
}
interface TraceEntry {
  event: string;
  detail?: Record<string, unknown>;
}

describe('distribution policies', () => {
  const suite = useTestService();

  async function startRouting(country: string): Promise<string> {
    const routingId = uniqueRoutingId(country);
    const started = await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, country },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return routingId;
  }

  const routing = async (routingId: string) => (await suite.admin.get(`/v1/routings/${routingId}`)).body;
  // Until the routing's first activity has written it, its GET answers 404 (no offers yet): keep asking.
  const firstOffer = (routingId: string) =>
    eventually(async () => ((await routing(routingId)).offers as Offer[] | undefined)?.[0], 30_000);
  /** The detail of a trace entry that must be there. */
  const detailOf = (entry: TraceEntry | undefined): Record<string, unknown> => {
    assert.ok(entry?.detail, 'the trace explains the decision');
    return entry.detail;
  };
  const traceOf = async (routingId: string, event: string) =>
    ((await routing(routingId)).trace as TraceEntry[]).filter((entry) => entry.event === event);

  /** Routes one visitor, notes whom the rotation offered first, and cancels. */
  async function firstOfferOf(country: string): Promise<{ routingId: string; offer: Offer }> {
    const routingId = await startRouting(country);
    const offer = await firstOffer(routingId);
    assert.equal((await suite.admin.post(`/v1/routings/${routingId}/cancel`)).status, 200);
    return { routingId, offer };
  }

  /** An open conversation for `repId`, through a first-available rule of its own. */
  async function openConversation(repId: string): Promise<string> {
    const country = `busy-${repId}`;
    await createRule(suite.admin, {
      name: country,
      criteria: { all: [{ field: 'country', op: 'equals', value: country }] },
      routeTo: { users: [repId] },
    });
    const routingId = await startRouting(country);
    await offerFor(suite.admin, repId, routingId);
    assert.equal((await suite.admin.accept(routingId, repId)).status, 200);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    return routingId;
  }

  test('weighted round robin: weights 1:2:3 give first offers 1:2:3 per cycle, explained, and survive a worker restart', async () => {
    await putReps(suite.admin, ['w-one', 'w-two', 'w-three']);
    await createRule(suite.admin, {
      name: 'weighted',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'weighted' }] },
      routeTo: { users: ['w-one', 'w-two', 'w-three'], weights: { 'w-two': 2, 'w-three': 3 } },
      distribution: 'round_robin',
      offerTimeoutSeconds: 600,
    });
    const cycle = async () => {
      const seen = new Map<string, number>();
      for (let i = 0; i < 6; i++) {
        const { routingId, offer } = await firstOfferOf('weighted');
        assert.equal(offer.decidedBy, 'round_robin');
        seen.set(offer.repId, (seen.get(offer.repId) ?? 0) + 1);
        const [turn] = await traceOf(routingId, 'round_robin.turn');
        const shares = detailOf(turn).shares as { repId: string; weight: number }[];
        assert.deepEqual(
          shares.map(({ repId, weight }) => `${repId}:${weight}`),
          ['w-one:1', 'w-two:2', 'w-three:3'],
        );
        assert.equal((detailOf(turn).order as string[])[0], offer.repId, 'the turn explains the first offer');
      }
      return Object.fromEntries([...seen].sort());
    };
    assert.deepEqual(await cycle(), { 'w-one': 1, 'w-three': 3, 'w-two': 2 });
    // The counts are in the database, not the worker: a fresh worker carries on the same rotation.
    await suite.service.restartWorker({ downtimeMs: 200 });
    assert.deepEqual(await cycle(), { 'w-one': 1, 'w-three': 3, 'w-two': 2 });

    // Simulate shows the next turn as it stands, taking none.
    const simulated = await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'v-sim', country: 'weighted' } });
    assert.equal(simulated.status, 200);
    const order = simulated.body.stages[0].offerOrder;
    assert.equal(order.decidedBy, 'round_robin');
    assert.deepEqual(order.shares.map((share: { weight: number }) => share.weight).sort(), [1, 2, 3]);
    const again = await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'v-sim', country: 'weighted' } });
    assert.deepEqual(again.body.stages[0].offerOrder, order, 'a simulation takes no turn');
    assert.equal((await firstOfferOf('weighted')).offer.repId, order.order[0]);
  });

  test('weighted round robin: a newly added rep is calibrated to the others, not flooded', async () => {
    await putReps(suite.admin, ['c-a', 'c-b', 'c-new']);
    await suite.admin.put('/v1/groups/calibrated', { name: 'calibrated', members: ['c-a', 'c-b'] });
    await createRule(suite.admin, {
      name: 'calibrated',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'calibrated' }] },
      routeTo: { groups: ['calibrated'] },
      distribution: 'round_robin',
      offerTimeoutSeconds: 600,
    });
    for (let i = 0; i < 6; i++) await firstOfferOf('calibrated');
    await suite.admin.put('/v1/groups/calibrated', { name: 'calibrated', members: ['c-a', 'c-b', 'c-new'] });
    const firsts: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { routingId, offer } = await firstOfferOf('calibrated');
      firsts.push(offer.repId);
      if (i === 0) {
        const [turn] = await traceOf(routingId, 'round_robin.turn');
        const joined = (detailOf(turn).shares as { repId: string; calibrated: boolean; firstOffers: number }[]).find(
          (share) => share.repId === 'c-new',
        );
        assert.equal(joined?.calibrated, true, 'the explanation says the new rep was calibrated');
      }
    }
    // Six routings over three equal reps: two each; the six earlier ones owe the newcomer nothing.
    assert.deepEqual(
      ['c-a', 'c-b', 'c-new'].map((rep) => firsts.filter((first) => first === rep).length),
      [2, 2, 2],
    );
  });

  test('weighted round robin: a decline after a worker restart moves to the next rep the turn listed', async () => {
    await putReps(suite.admin, ['r-a', 'r-b', 'r-c']);
    await createRule(suite.admin, {
      name: 'restart-turn',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'restart-turn' }] },
      routeTo: { users: ['r-a', 'r-b', 'r-c'], weights: { 'r-c': 5 } },
      distribution: 'round_robin',
      offerTimeoutSeconds: 600,
    });
    const routingId = await startRouting('restart-turn');
    const first = await firstOffer(routingId);
    const [turn] = await traceOf(routingId, 'round_robin.turn');
    const order = detailOf(turn).order as string[];
    assert.deepEqual(order[0], 'r-c', 'the heaviest rep is owed the first turn');
    await suite.service.restartWorker({ downtimeMs: 200 });
    assert.equal((await suite.admin.decline(routingId, first.repId)).status, 200);
    await offerFor(suite.admin, order[1] as string, routingId);
    assert.equal((await suite.admin.accept(routingId, order[1] as string)).status, 200);
    const done = (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
    assert.equal(done.status, 'connected');
    assert.deepEqual(
      (done.offers as Offer[]).map((offer) => `${offer.repId}:${offer.result}:${offer.decidedBy}`),
      [`r-c:declined:round_robin`, `${order[1]}:accepted:round_robin`],
    );
  });

  test('least busy: fewest conversations for capacity first, ties to the idle longest, re-ranked after a decline across a worker restart', async () => {
    await putReps(suite.admin, ['lb-half', 'lb-quarter', 'lb-never', 'lb-ended']);
    await suite.admin.put('/v1/users/lb-half', {
      name: 'lb-half',
      email: 'lb-half@example.test',
      status: 'available',
      capacity: 2,
    });
    await suite.admin.put('/v1/users/lb-quarter', {
      name: 'lb-quarter',
      email: 'lb-quarter@example.test',
      status: 'available',
      capacity: 4,
    });
    await openConversation('lb-half'); // 1 of 2
    await openConversation('lb-quarter'); // 1 of 4
    const ended = await openConversation('lb-ended');
    assert.equal((await suite.admin.post(`/v1/routings/${ended}/end`)).status, 200); // idle, but not as long as lb-never

    await createRule(suite.admin, {
      name: 'least-busy',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'least-busy' }] },
      routeTo: { users: ['lb-half', 'lb-quarter', 'lb-ended', 'lb-never'] },
      distribution: 'least_busy',
      offerTimeoutSeconds: 600,
    });
    // The reps' list shows what least busy weighs.
    const listed = new Map(
      ((await suite.admin.get('/v1/users')).body.users as { id: string; activeConversations: number }[]).map((user) => [
        user.id,
        user,
      ]),
    );
    assert.deepEqual(
      ['lb-half', 'lb-quarter', 'lb-ended', 'lb-never'].map((id) => listed.get(id)?.activeConversations),
      [1, 1, 0, 0],
    );
    assert.equal((listed.get('lb-never') as unknown as { lastConversationAt: string | null }).lastConversationAt, null);
    const simulated = await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'v-lb', country: 'least-busy' } });
    assert.equal(simulated.status, 200);
    assert.deepEqual(simulated.body.stages[0].offerOrder.order, ['lb-never', 'lb-ended', 'lb-quarter', 'lb-half']);

    const routingId = await startRouting('least-busy');
    const first = await firstOffer(routingId);
    assert.equal(first.repId, 'lb-never');
    assert.equal(first.decidedBy, 'least_busy');
    const [ranked] = await traceOf(routingId, 'least_busy.ranked');
    assert.deepEqual(
      (detailOf(ranked).order as { repId: string; activeConversations: number; capacity: number | null }[]).map(
        ({ repId, activeConversations, capacity }) => `${repId}:${activeConversations}/${capacity}`,
      ),
      ['lb-never:0/null', 'lb-ended:0/null', 'lb-quarter:1/4', 'lb-half:1/2'],
    );

    // lb-ended takes another conversation meanwhile: after the decline the ranking is weighed again.
    await openConversation('lb-ended');
    await suite.service.restartWorker({ downtimeMs: 200 });
    assert.equal((await suite.admin.decline(routingId, 'lb-never')).status, 200);
    await offerFor(suite.admin, 'lb-quarter', routingId);
    const rankings = await traceOf(routingId, 'least_busy.ranked');
    assert.equal(rankings.length, 2);
    assert.deepEqual(
      (detailOf(rankings[1]).order as { repId: string }[]).map((load) => load.repId),
      ['lb-quarter', 'lb-half', 'lb-ended'],
    );
    assert.equal((await suite.admin.accept(routingId, 'lb-quarter')).status, 200);
    const done = (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
    assert.equal(done.status, 'connected');
    assert.deepEqual(
      (done.offers as Offer[]).map((offer) => `${offer.repId}:${offer.result}:${offer.decidedBy}`),
      ['lb-never:declined:least_busy', 'lb-quarter:accepted:least_busy'],
    );
  });
});
