// The store on the database under test (SQLite or PostgreSQL, see test/run.ts): migrations run by processes starting
// together, writes racing on a connection pool, text order, and statements with very many parameters.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ruleInputSchema } from '../../domain/rules';
import { type Db, openDatabase } from '../../store/database';
import {
  deleteUser,
  getGroup,
  listGroups,
  listUsers,
  putGroup,
  putUser,
  targetUserIds,
  userIdsByEmail,
  usersByIds,
} from '../../store/directory';
import { ConflictError } from '../../store/errors';
import { accountsById, accountTeam, contactsByEmail, upsertSalesforce } from '../../store/integrations';
import { migrationProvider } from '../../store/migrations';
import { activeConversationCounts, liveOffersForRep } from '../../store/projection';
import { repEventsAfter } from '../../store/rep-events';
import { takeTurn } from '../../store/round-robin';
import { applyRoutingProjection } from '../../store/routing-writes';
import { currentRuleSet, editLiveRules, listRuleSetVersions, ruleEdits, ruleSetAt } from '../../store/rules';
import { createTestDatabase, databaseUnderTest, type TestDatabase } from '../support/database';

const user = (id: string, email = `${id}@db.test`) => ({
  name: id,
  email,
  chatUser: true,
  capacity: null,
  status: 'available' as const,
  workingHours: null,
  dailyAcceptCap: null,
  awayAfterMissedOffers: null,
});

describe(`the store on ${databaseUnderTest()}`, () => {
  let database: TestDatabase;
  let db: Db;

  before(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.config);
  });
  after(async () => {
    await db.destroy();
    await database.drop();
  });

  test('200 concurrent takeTurn calls on one rotation get 200 distinct consecutive turns', async () => {
    const turns = await Promise.all(
      Array.from({ length: 200 }, (_, i) => takeTurn(db, 'rotation-200', `routing-${i}`)),
    );
    assert.deepEqual(
      [...turns].sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.equal(await takeTurn(db, 'rotation-200', 'routing-200'), 200);
    // A routing asking again (a re-run activity) gets the turn it took, and the rotation does not move.
    assert.equal(await takeTurn(db, 'rotation-200', 'routing-7'), turns[7]);
    assert.equal(await takeTurn(db, 'rotation-200', 'routing-201'), 201);
    assert.equal(await takeTurn(db, 'another-rotation', 'routing-0'), 0);
  });

  test('databases opened at once migrate once, and reopening changes nothing', async () => {
    const fresh = await createTestDatabase();
    try {
      const opened = await Promise.all(Array.from({ length: 4 }, () => openDatabase(fresh.config)));
      const expected = Object.keys(await migrationProvider.getMigrations()).sort();
      for (const each of opened) {
        const applied = await each
          .selectFrom('kysely_migration' as any)
          .select('name')
          .orderBy('name')
          .execute();
        assert.deepEqual(
          applied.map((row: any) => row.name),
          expected,
        );
      }
      await Promise.all(opened.map((each) => each.destroy()));
      const reopened = await openDatabase(fresh.config);
      await putUser(reopened, 'after-reopen', user('after-reopen'));
      assert.deepEqual(
        (await listUsers(reopened)).map((u) => u.id),
        ['after-reopen'],
      );
      await reopened.destroy();
    } finally {
      await fresh.drop();
    }
  });

  test('ids list in byte order, as SQLite compares text, whatever the database collation', async () => {
    const ids = ['order-b', 'Order-C', 'order-a-z', 'order-ab', 'order.x', 'ORDER_y'];
    for (const id of ids) await putUser(db, id, user(id));
    const listed = (await listUsers(db)).map((u) => u.id).filter((id) => id.toLowerCase().startsWith('order'));
    assert.deepEqual(listed, ['ORDER_y', 'Order-C', 'order-a-z', 'order-ab', 'order-b', 'order.x']);
    const everyone = await targetUserIds(db, { users: [], groups: [], allUsers: true });
    assert.deepEqual(
      everyone.filter((id) => id.toLowerCase().startsWith('order')),
      listed,
    );
    await putGroup(db, 'group-b', { name: 'b', members: ['order-b'], workingHours: null });
    await putGroup(db, 'Group-a', { name: 'a', members: ['order-ab', 'Order-C'], workingHours: null });
    assert.deepEqual(
      (await listGroups(db)).map((g) => g.id),
      ['Group-a', 'group-b'],
    );
  });

  test('concurrent rule changes each publish their own version', async () => {
    const inputs = Array.from({ length: 20 }, (_, i) => ruleInputSchema.parse({ name: `concurrent-${i}` }));
    const created = await Promise.all(inputs.map((input) => editLiveRules(db, ruleEdits.create(input))));
    assert.deepEqual(
      created.map((c) => c?.revision.version ?? 0).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const current = await currentRuleSet(db);
    assert.equal(current.version, 20);
    assert.deepEqual(current.rules.map((rule) => rule.name).sort(), inputs.map((input) => input.name).sort());
    assert.deepEqual(
      (await listRuleSetVersions(db)).map((v) => v.version),
      Array.from({ length: 20 }, (_, i) => 20 - i),
    );
    assert.equal((await ruleSetAt(db, 20))?.rules.length, 20);
    // Past PostgreSQL's 32-bit integer: no such version, as on SQLite, rather than an error.
    for (const version of [21, 2 ** 31, 1e15, 0.5]) assert.equal(await ruleSetAt(db, version), undefined);
  });

  test('concurrent writes of one user create it once; one email goes to one user', async () => {
    const sameId = await Promise.all(Array.from({ length: 10 }, () => putUser(db, 'racer', user('racer'))));
    assert.equal(sameId.filter((result) => result.created).length, 1);

    const sameEmail = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => putUser(db, `email-racer-${i}`, user(`x${i}`, 'Shared@Race.test'))),
    );
    assert.equal(sameEmail.filter((result) => result.status === 'fulfilled').length, 1);
    for (const result of sameEmail) {
      if (result.status === 'rejected') assert.ok(result.reason instanceof ConflictError, String(result.reason));
    }
    assert.equal((await userIdsByEmail(db, ['shared@race.test'])).size, 1);
  });

  test('concurrent writes of one group leave one whole member list', async () => {
    const members = ['order-b', 'order-ab', 'Order-C'];
    const lists = Array.from({ length: 10 }, (_, i) => [...members.slice(i % 3), ...members.slice(0, i % 3)]);
    const results = await Promise.all(
      lists.map((list) => putGroup(db, 'raced-group', { name: 'raced', members: list, workingHours: null })),
    );
    assert.equal(results.filter((result) => result.created).length, 1);
    const group = await getGroup(db, 'raced-group');
    assert.ok(group);
    assert.ok(
      lists.some((list) => JSON.stringify(list) === JSON.stringify(group.members)),
      JSON.stringify(group.members),
    );
  });

  test('a user deleted while being added to a group is never left a member', async () => {
    for (let i = 0; i < 40; i++) {
      await putUser(db, `leaver-${i}`, user(`leaver-${i}`));
      await Promise.allSettled([
        putGroup(db, `joined-${i}`, { name: 'joined', members: [`leaver-${i}`], workingHours: null }),
        deleteUser(db, `leaver-${i}`),
      ]);
      assert.deepEqual((await getGroup(db, `joined-${i}`))?.members ?? [], [], `round ${i}`);
    }
  });

  test('concurrent syncs of overlapping Salesforce records all succeed', async () => {
    const accounts = Array.from({ length: 50 }, (_, i) => ({
      id: `ACC-${i}`,
      name: `Account ${i}`,
      domains: [`acc${i}.test`, `www.acc${i}.test`],
      ownerEmail: `owner${i % 5}@us.test`,
    }));
    const contacts = accounts.map((account, i) => ({
      id: `CON-${i}`,
      email: `c${i}@acc${i}.test`,
      ownerEmail: account.ownerEmail,
      accountId: account.id,
    }));
    const team = accounts.flatMap((account) =>
      ['ae', 'se'].map((role) => ({ accountId: account.id, userEmail: `${role}@us.test`, role })),
    );
    const syncs = Array.from({ length: 8 }, (_, i) => {
      const order = <T>(rows: T[]) => (i % 2 === 0 ? rows : [...rows].reverse());
      return { accounts: order(accounts), contacts: order(contacts), accountTeamMembers: order(team) };
    });
    const results = await Promise.all(syncs.map((sync) => upsertSalesforce(db, sync)));
    for (const result of results)
      assert.deepEqual(result, { contacts: 50, leads: 0, accounts: 50, accountTeamMembers: 100 });
    assert.equal(
      (
        await accountsById(
          db,
          accounts.map((a) => a.id),
        )
      ).length,
      50,
    );
    assert.equal((await contactsByEmail(db, ['C7@ACC7.test']))[0]?.id, 'CON-7');
    assert.equal((await accountTeam(db, 'ACC-3')).length, 2);
  });

  test('lookups and inserts with more values than one statement may bind', async () => {
    // Beyond SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
    const ids = Array.from({ length: 70_000 }, (_, i) => `bulk-${i}`);
    await putUser(db, 'bulk-69999', user('bulk-69999'));
    const found = await usersByIds(db, ids);
    assert.deepEqual([...found.keys()], ['bulk-69999']);
    assert.deepEqual(await activeConversationCounts(db, ids), new Map());

    await applyRoutingProjection(db, {
      routingId: 'bulk-routing',
      created: [],
      closed: [],
      connection: { repId: 'bulk-69999', startedAt: new Date().toISOString() },
    });
    assert.deepEqual(await activeConversationCounts(db, ids), new Map([['bulk-69999', 1]]));

    const emails = Array.from({ length: 70_000 }, (_, i) => `bulk-${i}@db.test`);
    assert.deepEqual(await userIdsByEmail(db, emails), new Map([['bulk-69999@db.test', 'bulk-69999']]));
  });

  /** A routing's first write, as its workflow makes it: the routing row and its visitor with the first offers. */
  const firstWrite = (routingId: string) => ({
    routingId,
    routing: {
      type: 'inbound',
      visitorId: 'v',
      status: 'routing',
      ruleId: 'r',
      repId: null,
      startedAt: '2030-01-01T00:00:00.000Z',
      endedAt: null,
    },
    visitor: { id: 'v' },
  });

  test("a rep's live offers list oldest first, then by routing id", async () => {
    const offeredAt = '2030-01-01T00:00:00.000Z';
    const offer = (routingId: string, at = offeredAt) => ({
      routingId,
      repId: 'offer-rep',
      routingType: 'inbound',
      ruleId: 'r',
      stage: 'route_to',
      offeredAt: at,
      expiresAt: '2030-01-01T00:01:00.000Z',
    });
    for (const routingId of ['offer-b', 'Offer-c', 'offer-a']) {
      await applyRoutingProjection(db, { ...firstWrite(routingId), created: [offer(routingId)], closed: [] });
    }
    await applyRoutingProjection(db, {
      ...firstWrite('offer-0'),
      created: [offer('offer-0', '2029-12-31T23:59:59.999Z')],
      closed: [],
    });
    assert.deepEqual(
      (await liveOffersForRep(db, 'offer-rep')).map((o) => o.routingId),
      ['offer-0', 'Offer-c', 'offer-a', 'offer-b'],
    );
  });

  const projectionOffer = (routingId: string, repId: string) => ({
    routingId,
    repId,
    routingType: 'inbound',
    ruleId: 'r',
    stage: 'route_to',
    offeredAt: '2030-01-01T00:00:00.000Z',
    expiresAt: '2030-01-01T00:01:00.000Z',
  });

  test('a write naming the live offers withdraws one a lost workflow task showed', async () => {
    const routingId = 'lost-task';
    // The lost attempt offered ann; its retry offers bob instead.
    await applyRoutingProjection(db, {
      ...firstWrite(routingId),
      created: [projectionOffer(routingId, 'ann')],
      closed: [],
    });
    const { applied } = await applyRoutingProjection(db, {
      routingId,
      created: [projectionOffer(routingId, 'bob')],
      closed: [],
      liveRepIds: ['bob'],
    });
    assert.deepEqual(applied, { offersMade: 1, offersClosed: ['withdrawn'] });
    assert.deepEqual(await liveOffersForRep(db, 'ann'), []);
    assert.deepEqual(
      (await liveOffersForRep(db, 'bob')).map((offer) => offer.routingId),
      [routingId],
    );
  });

  test('the API and the worker writing one outcome at once: it is applied, and announced, once', async () => {
    const routingId = 'outcome-race';
    const routing = (status: string, repId: string | null) => ({
      type: 'inbound',
      visitorId: 'v',
      status,
      ruleId: 'r',
      repId,
      startedAt: '2030-01-01T00:00:00.000Z',
      endedAt: status === 'routing' ? null : '2030-01-01T00:00:05.000Z',
    });
    await applyRoutingProjection(db, {
      routingId,
      routing: routing('routing', null),
      created: [projectionOffer(routingId, 'cy'), projectionOffer(routingId, 'di')],
      closed: [],
    });
    const before = await repEventsAfter(db, ['cy', 'di'], 0, 1000);
    const endedAt = '2030-01-01T00:00:05.000Z';
    const outcome = {
      routingId,
      routing: routing('connected', 'cy'),
      created: [],
      closed: [
        { repId: 'cy', result: 'accepted' as const, endedAt },
        { repId: 'di', result: 'withdrawn' as const, endedAt },
      ],
      liveRepIds: [],
      connection: { repId: 'cy', startedAt: endedAt },
    };
    const writes = await Promise.all(Array.from({ length: 8 }, () => applyRoutingProjection(db, outcome)));
    assert.equal(writes.filter(({ applied }) => applied.finished).length, 1);
    assert.deepEqual(writes.flatMap(({ applied }) => applied.offersClosed).sort(), ['accepted', 'withdrawn']);
    const events = (await repEventsAfter(db, ['cy', 'di'], 0, 1000)).slice(before.length);
    assert.deepEqual(events.map((event) => `${event.repId} ${event.type}`).sort(), [
      'cy routing.connected',
      'di offer.withdrawn',
    ]);
  });
});
