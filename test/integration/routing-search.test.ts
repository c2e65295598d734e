// GET /v1/routings: routings driven through the real service, found by each filter, newest first, a page at a time,
// with pages that stay put while new routings start. The expected order comes from the start times the routings
// recorded, never from the wall clock.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface Summary {
  routingId: string;
  startedAt: string;
  status: string;
}

/** Newest first: by start, then by routing id, both in byte order. */
const newestFirst = (a: { startedAt: string; routingId: string }, b: { startedAt: string; routingId: string }) =>
  a.startedAt !== b.startedAt ? (a.startedAt < b.startedAt ? 1 : -1) : a.routingId < b.routingId ? 1 : -1;

describe('routing search', () => {
  let ruleFa: string;
  let ruleSolo: string;
  const suite = useTestService({
    cleanUp: async () => {
      for (const { routingId } of Object.values(routings)) await suite.admin.post(`/v1/routings/${routingId}/cancel`);
    },
  });
  /** Each routing's id, visitor and recorded start, by name. */
  const routings: Record<string, { routingId: string; visitorId: string; startedAt: string }> = {};

  const start = async (name: string, country: string, type = 'inbound', email?: string) => {
    const routingId = uniqueRoutingId(name);
    const visitorId = `v-${routingId}`;
    const visitor = { id: visitorId, country, ...(email && { email }) };
    const response = await suite.admin.post('/v1/routings', { routingId, type, visitor });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}`);
    routings[name] = { routingId, visitorId, startedAt: state.startedAt };
    return routingId;
  };
  const settled = async (routingId: string, status: string) => {
    const { body } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(body.status, status, JSON.stringify(body));
  };
  const ids = (...names: string[]) =>
    names
      .map((name) => routings[name] as { routingId: string; startedAt: string })
      .sort(newestFirst)
      .map((routing) => routing.routingId);
  const search = async (query: string) => {
    const response = await suite.admin.get(`/v1/routings?${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as { routings: Summary[]; nextCursor: string | null };
  };
  const found = async (query: string) => (await search(query)).routings.map((routing) => routing.routingId);

  before(async () => {
    await putReps(suite.admin, ['ann', 'ben', 'cat']);
    ruleFa = (
      await createRule(suite.admin, {
        name: 'both',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'fa' }] },
        routeTo: { users: ['ann', 'ben'] },
        offerTimeoutSeconds: 60,
      })
    ).id;
    ruleSolo = (
      await createRule(suite.admin, {
        name: 'cat alone',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'solo' }] },
        routeTo: { users: ['cat'] },
        offerTimeoutSeconds: 60,
      })
    ).id;
    // a: ann wins over ben; b: a pounce the visitor leaves; c: cat's; d: no rule; e: still routing.
    const a = await start('a', 'fa', 'inbound', 'Jo.Doe@Example.test');
    await offerFor(suite.admin, 'ann', a);
    assert.equal((await suite.admin.accept(a, 'ann')).status, 200);
    await settled(a, 'connected');
    const b = await start('b', 'fa', 'pounce');
    await offerFor(suite.admin, 'ben', b);
    assert.equal((await suite.admin.post(`/v1/routings/${b}/cancel`)).status, 200);
    await settled(b, 'cancelled');
    const c = await start('c', 'solo');
    await offerFor(suite.admin, 'cat', c);
    assert.equal((await suite.admin.accept(c, 'cat')).status, 200);
    await settled(c, 'connected');
    await settled(await start('d', 'nowhere'), 'no_match');
    await offerFor(suite.admin, 'ben', await start('e', 'fa'));
  });

  test('all routings, newest first, with what they ended as', async () => {
    const { routings: page, nextCursor } = await search('');
    assert.deepEqual(
      page.map((routing) => routing.routingId),
      ids('a', 'b', 'c', 'd', 'e'),
    );
    assert.equal(nextCursor, null);
    const a = page.find((routing) => routing.routingId === routings.a?.routingId) as unknown as Record<string, unknown>;
    assert.equal(a.status, 'connected');
    assert.equal(a.repId, 'ann');
    assert.equal(a.ruleId, ruleFa);
    assert.equal(a.type, 'inbound');
    assert.deepEqual(a.visitor, { id: routings.a?.visitorId, country: 'fa', email: 'Jo.Doe@Example.test' });
    assert.equal(a.startedAt, routings.a?.startedAt);
    assert.ok(typeof a.acceptedAt === 'string' && typeof a.firstOfferAt === 'string');
  });

  test('each filter finds exactly its routings', async () => {
    assert.deepEqual(await found('status=connected'), ids('a', 'c'));
    assert.deepEqual(await found('status=routing'), ids('e'));
    assert.deepEqual(await found('status=no_match'), ids('d'));
    assert.deepEqual(await found(`ruleId=${ruleFa}`), ids('a', 'b', 'e'));
    assert.deepEqual(await found(`ruleId=${ruleSolo}`), ids('c'));
    // Offered to ben (a, b, e: ann won a), or assigned to ann (a) or cat (c).
    assert.deepEqual(await found('repId=ben'), ids('a', 'b', 'e'));
    assert.deepEqual(await found('repId=ann'), ids('a', 'b', 'e'));
    assert.deepEqual(await found('repId=cat'), ids('c'));
    assert.deepEqual(await found('repId=nobody'), []);
    assert.deepEqual(await found('type=pounce'), ids('b'));
    assert.deepEqual(await found('type=inbound'), ids('a', 'c', 'd', 'e'));
    assert.deepEqual(await found(`visitorId=${routings.b?.visitorId}`), ids('b'));
    assert.deepEqual(await found(`visitorEmail=${encodeURIComponent('JO.DOE@example.TEST')}`), ids('a'));
    // The window is on the recorded starts: since is inclusive, until exclusive.
    const cStart = encodeURIComponent(routings.c?.startedAt as string);
    assert.deepEqual(await found(`since=${cStart}`), ids('c', 'd', 'e'));
    assert.deepEqual(await found(`until=${cStart}`), ids('a', 'b'));
    assert.deepEqual(await found(`since=${cStart}&until=${cStart}`), []);
    // Filters combine.
    assert.deepEqual(await found(`ruleId=${ruleFa}&status=connected&repId=ben`), ids('a'));
  });

  test('pages follow one another by cursor, and routings started meanwhile do not shift them', async () => {
    const first = await search('limit=2');
    assert.deepEqual(
      first.routings.map((routing) => routing.routingId),
      ids('a', 'b', 'c', 'd', 'e').slice(0, 2),
    );
    assert.ok(first.nextCursor);
    // A routing starts between two pages: it is newer than every page already handed out.
    await start('f', 'nowhere');
    const second = await search(`limit=2&cursor=${encodeURIComponent(first.nextCursor)}`);
    assert.deepEqual(
      second.routings.map((routing) => routing.routingId),
      ids('a', 'b', 'c', 'd', 'e').slice(2, 4),
    );
    const third = await search(`limit=2&cursor=${encodeURIComponent(second.nextCursor as string)}`);
    assert.deepEqual(
      third.routings.map((routing) => routing.routingId),
      ids('a', 'b', 'c', 'd', 'e').slice(4),
    );
    assert.equal(third.nextCursor, null);
    // A new search starts from the newest.
    assert.deepEqual(await found('limit=1'), ids('f'));
  });

  test('routings started at the same instant are paged by routing id, none twice and none skipped', async () => {
    const startedAt = '2020-05-05T05:05:05.005Z';
    const tied = ['tie-1', 'tie-2', 'tie-3', 'tie-4', 'tie-5'];
    await suite.service.db
      .insertInto('routings')
      .values(
        tied.map((routingId) => ({
          routing_id: routingId,
          type: 'inbound',
          visitor_id: `v-${routingId}`,
          visitor: JSON.stringify({ id: `v-${routingId}` }),
          status: 'no_match',
          rule_id: null,
          rep_id: null,
          started_at: startedAt,
          ended_at: startedAt,
        })),
      )
      .execute();
    const window = 'since=2020-01-01T00:00:00Z&until=2021-01-01T00:00:00Z';
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await search(`${window}&limit=2${cursor && `&cursor=${encodeURIComponent(cursor)}`}`);
      seen.push(...page.routings.map((routing) => routing.routingId));
      cursor = page.nextCursor ?? '';
    } while (cursor);
    assert.deepEqual(seen, [...tied].reverse());
  });

  test('bad parameters are refused with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=', 'limit'],
      ['limit=1.5', 'limit'],
      ['since=2026-12-03', 'since'],
      ['until=2026-12-03T25:00:00Z', 'until'],
      ['status=open', 'status'],
      ['type=outbound', 'type'],
      ['ruleId=a%20b', 'ruleId'],
      ['repId=', 'repId'],
      ['visitorEmail=not-an-email', 'visitorEmail'],
      ['cursor=abc', 'cursor'],
      ['sort=oldest', 'sort'],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await suite.admin.get(`/v1/routings?${query}`);
      assert.equal(status, 400, query);
      // Every issue names the parameter (an empty id breaks two of its rules).
      assert.deepEqual(
        [...new Set(body.error.details.issues.map((issue: { field: string }) => issue.field))],
        [field],
        query,
      );
    }
  });

  test('admins only: the experience key reads routings by id but cannot list them, nor can reps', async () => {
    const experience = suite.admin.withToken(suite.service.keys.experienceKey);
    assert.equal((await experience.get(`/v1/routings/${routings.a?.routingId}`)).status, 200);
    assert.equal((await experience.get('/v1/routings')).status, 403);
    assert.equal((await (await suite.admin.asRep('ann')).get('/v1/routings?repId=ann')).status, 403);
  });

  test('/openapi.json states every constraint of the search', async () => {
    const { body: document } = await suite.admin.get('/openapi.json');
    const parameters = document.paths['/v1/routings'].get.parameters as {
      name: string;
      in: string;
      schema: Record<string, unknown>;
    }[];
    const schema = (name: string) => parameters.find((parameter) => parameter.name === name)?.schema ?? {};
    assert.deepEqual(parameters.map((parameter) => parameter.name).sort(), [
      'cursor',
      'limit',
      'repId',
      'ruleId',
      'since',
      'status',
      'type',
      'until',
      'visitorEmail',
      'visitorId',
    ]);
    assert.ok(parameters.every((parameter) => parameter.in === 'query'));
    assert.deepEqual([schema('limit').minimum, schema('limit').maximum, schema('limit').default], [1, 200, 50]);
    assert.equal(schema('limit').type, 'integer');
    for (const name of ['since', 'until', 'cursor', 'repId', 'ruleId', 'visitorEmail']) {
      assert.equal(typeof schema(name).pattern, 'string', name);
    }
    assert.deepEqual(schema('status').enum, [
      'routing',
      'connected',
      'meeting_booker',
      'no_rep',
      'no_match',
      'cancelled',
      'expired',
      'superseded',
    ]);
    assert.deepEqual(schema('type').enum, ['pounce', 'inbound']);
    const reports = document.paths['/v1/reports/speed-to-lead'].get.parameters as { name: string }[];
    assert.deepEqual(reports.map((parameter) => parameter.name).sort(), [
      'groupBy',
      'ruleId',
      'since',
      'type',
      'until',
    ]);
  });
});
