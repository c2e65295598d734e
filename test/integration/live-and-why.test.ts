// The admins' live panel (a snapshot of the routings in flight, then every rep's events) and a rep's "why": each of
// their recent routings told from that routing's own explanation, with nothing about other reps.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

interface Received {
  id: string;
  type: string;
  data: { routingId?: string; repId: string; result?: string };
}

/** The admins' stream, resumed after `lastEventId` as the console does after reading the snapshot. */
function followLive(baseUrl: string, adminKey: string, lastEventId: number) {
  const received: Received[] = [];
  const source = new EventSource(`${baseUrl}/v1/live/events`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...(init?.headers as Record<string, string>),
          authorization: `Bearer ${adminKey}`,
          'last-event-id': String(lastEventId),
        },
      }),
  });
  for (const type of ['offer.created', 'offer.withdrawn', 'routing.connected']) {
    source.addEventListener(type, (event) =>
      received.push({ id: event.lastEventId, type, data: JSON.parse(event.data) }),
    );
  }
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(error);
  });
  return { source, received, opened };
}

interface LiveRouting {
  routingId: string;
  offers: { repId: string; expiresAt: string }[];
}

const inFlight = async (admin: HttpClient, routingId: string) =>
  ((await admin.get('/v1/live/routings')).body.routings as LiveRouting[]).find((r) => r.routingId === routingId);

describe('live panel and reps’ why', () => {
  const suite = useTestService();
  const [ann, ben, dan, cat] = ['why-ann', 'why-ben', 'why-dan', 'why-cat'] as const;
  let liveRule: { id: string };

  before(async () => {
    await putReps(suite.admin, [ann, ben, cat]);
    await putReps(suite.admin, [dan], 'away');
    liveRule = await createRule(suite.admin, {
      name: 'LiveCo team',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'LiveCo' }] },
      routeTo: { users: [ann, ben, dan] },
      offerTimeoutSeconds: 120,
    });
    await createRule(suite.admin, {
      name: 'OtherCo team',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'OtherCo' }] },
      routeTo: { users: [cat] },
      offerTimeoutSeconds: 120,
    });
  });

  const route = async (company: string) => {
    const routingId = uniqueRoutingId('live');
    const visitor = { id: `v-${routingId}`, name: 'Jo Live', company };
    assert.equal((await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor })).status, 202);
    return routingId;
  };

  test('the snapshot and the stream show a routing offered, then gone once accepted', async () => {
    const snapshot = (await suite.admin.get('/v1/live/routings')).body;
    assert.equal(typeof snapshot.lastEventId, 'number');
    assert.equal(snapshot.truncated, false);
    const live = followLive(suite.service.baseUrl, suite.service.keys.adminKey, snapshot.lastEventId);
    await live.opened;
    try {
      const routingId = await route('LiveCo');
      const offered = await eventually(async () => {
        const routing = await inFlight(suite.admin, routingId);
        return routing?.offers.length === 2 ? routing : undefined;
      });
      assert.deepEqual(offered.offers.map((offer) => offer.repId).sort(), [ann, ben]);
      const ofRouting = () => live.received.filter((event) => event.data.routingId === routingId);
      await eventually(async () => (ofRouting().length === 2 ? true : undefined));
      assert.deepEqual(
        ofRouting()
          .map((event) => [event.type, event.data.repId])
          .sort(),
        [
          ['offer.created', ann],
          ['offer.created', ben],
        ],
      );

      assert.equal((await suite.admin.accept(routingId, ann)).status, 200);
      await eventually(async () => (ofRouting().length === 4 ? true : undefined));
      assert.deepEqual(
        ofRouting()
          .slice(2)
          .map((event) => [event.type, event.data.repId, event.data.result])
          .sort(),
        [
          ['offer.withdrawn', ben, 'withdrawn'],
          ['routing.connected', ann, undefined],
        ],
      );
      assert.equal(await inFlight(suite.admin, routingId), undefined);
      // Event ids only grow, across reps: one cursor resumes the whole stream.
      const ids = live.received.map((event) => Number(event.id));
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
    } finally {
      live.source.close();
    }
  });

  test('only the admin key follows every routing', async () => {
    const asAnn = await suite.admin.asRep(ann);
    assert.equal((await asAnn.get('/v1/live/routings')).status, 403);
    assert.equal((await asAnn.get('/v1/live/events')).status, 403);
  });

  test('a rep’s why matches the routing’s own explanation, and names no other rep', async () => {
    const routingId = await route('LiveCo');
    await offerFor(suite.admin, ben, routingId);
    const whyOf = async (repId: string) => {
      const response = await (await suite.admin.asRep(repId)).get(
        `/v1/reps/${repId}/routings?visitorId=${encodeURIComponent(`v-${routingId}`)}`,
      );
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.routings.length, 1);
      return { routing: response.body.routings[0], text: JSON.stringify(response.body) };
    };

    const explanation = (await suite.admin.get(`/v1/routings/${routingId}`)).body;
    const danCandidate = explanation.stages[0].candidates.find((c: { userId: string }) => c.userId === dan);
    const danWhy = await whyOf(dan);
    assert.deepEqual(danWhy.routing.why, { code: danCandidate.reason, stage: explanation.stages[0].name });
    assert.equal(danWhy.routing.why.code, 'away');
    assert.deepEqual(danWhy.routing.rule, { id: liveRule.id, name: 'LiveCo team' });

    const catWhy = await whyOf(cat);
    assert.deepEqual(catWhy.routing.why, { code: 'not_named' });

    assert.equal((await suite.admin.accept(routingId, ben)).status, 200);
    const annWhy = await eventually(async () => {
      const why = await whyOf(ann);
      return why.routing.why.offer?.result === 'withdrawn' ? why : undefined;
    });
    const recorded = (await suite.admin.get(`/v1/routings/${routingId}`)).body;
    const annOffer = recorded.offers.find((offer: { repId: string }) => offer.repId === ann);
    assert.deepEqual(annWhy.routing.why, {
      code: 'offered',
      stage: annOffer.stage,
      offer: {
        result: 'withdrawn',
        offeredAt: annOffer.offeredAt,
        expiresAt: annOffer.expiresAt,
        endedAt: annOffer.endedAt,
      },
    });
    assert.equal(annWhy.routing.status, 'connected');
    const benWhy = await whyOf(ben);
    assert.equal(benWhy.routing.why.offer.result, 'accepted');

    // Nothing in a rep's answer names another rep: not who else was named, offered or connected.
    for (const [rep, why] of [
      [ann, annWhy],
      [dan, danWhy],
      [cat, catWhy],
      [ben, benWhy],
    ] as const) {
      for (const other of [ann, ben, dan, cat].filter((id) => id !== rep)) {
        assert.ok(!why.text.includes(other), `${rep}'s answer names ${other}: ${why.text}`);
      }
    }
  });

  test('a rep cannot read another rep’s why; an admin can read any rep’s', async () => {
    const asAnn = await suite.admin.asRep(ann);
    const refused = await asAnn.get(`/v1/reps/${ben}/routings`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    assert.equal((await suite.admin.get(`/v1/reps/${ben}/routings?limit=2`)).status, 200);
    assert.equal((await suite.admin.get('/v1/reps/nobody-here/routings')).status, 404);
    const tooMany = await asAnn.get(`/v1/reps/${ann}/routings?limit=26`);
    assert.equal(tooMany.status, 400);
    assert.match(JSON.stringify(tooMany.body), /limit/);
  });

  test('a rep pages through their recent routings, newest first', async () => {
    const first = await route('OtherCo');
    const second = await route('OtherCo');
    await offerFor(suite.admin, cat, second);
    const asCat = await suite.admin.asRep(cat);
    const page1 = (await asCat.get(`/v1/reps/${cat}/routings?limit=1`)).body;
    assert.equal(page1.routings[0].routingId, second);
    assert.equal(page1.routings[0].why.code, 'offered');
    const page2 = (await asCat.get(`/v1/reps/${cat}/routings?limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`))
      .body;
    assert.equal(page2.routings[0].routingId, first);
    for (const routingId of [first, second]) await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });
});
