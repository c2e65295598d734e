// The admin configuration API: users, presence, groups and ordered, versioned rules, over real HTTP.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { useTestService } from '../support/suite-service';

describe('configuration API', () => {
  const suite = useTestService();

  test('users: create, replace, read, list, presence, delete', async () => {
    const created = await suite.admin.put('/v1/users/u1', { name: 'Una', email: 'Una@Example.test', capacity: 3 });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, {
      id: 'u1',
      name: 'Una',
      email: 'Una@Example.test',
      chatUser: true,
      capacity: 3,
      status: 'offline',
      workingHours: null, // always available (README: Reps' availability)
      dailyAcceptCap: null,
      awayAfterMissedOffers: null,
    });
    const replaced = await suite.admin.put('/v1/users/u1', {
      name: 'Una B',
      email: 'una@example.test',
      chatUser: false,
    });
    assert.deepEqual([replaced.status, replaced.body.name, replaced.body.capacity], [200, 'Una B', null]);
    assert.equal((await suite.admin.put('/v1/users/u1/presence', { status: 'away' })).body.status, 'away');
    assert.equal((await suite.admin.get('/v1/users/u1')).body.status, 'away');
    assert.deepEqual(
      (await suite.admin.get('/v1/users')).body.users.map((u: { id: string }) => u.id),
      ['u1'],
    );
    const badPresence = await suite.admin.put('/v1/users/u1/presence', { status: 'busy' });
    assert.deepEqual([badPresence.status, badPresence.body.error.details.issues[0].field], [400, 'status']);
    assert.equal((await suite.admin.put('/v1/users/ghost/presence', { status: 'away' })).status, 404);
    const badId = await suite.admin.put('/v1/users/has%20space', { name: 'X', email: 'x@example.test' });
    assert.deepEqual([badId.status, badId.body.error.details.issues[0].field], [400, 'id']);
    const badCapacity = await suite.admin.put('/v1/users/u2', { name: 'X', email: 'x@example.test', capacity: -1 });
    assert.deepEqual([badCapacity.status, badCapacity.body.error.details.issues[0].field], [400, 'capacity']);
    assert.equal((await suite.admin.delete('/v1/users/u1')).status, 204);
    assert.equal((await suite.admin.delete('/v1/users/u1')).status, 404);
  });

  test('groups: create with members, replace, list, delete', async () => {
    await suite.admin.put('/v1/users/g1', { name: 'G1', email: 'g1@example.test' });
    await suite.admin.put('/v1/users/g2', { name: 'G2', email: 'g2@example.test' });
    const created = await suite.admin.put('/v1/groups/team', { name: 'Team', members: ['g2', 'g1', 'g2'] });
    assert.deepEqual(
      [created.status, created.body],
      [201, { id: 'team', name: 'Team', members: ['g2', 'g1'], workingHours: null }],
    );
    const replaced = await suite.admin.put('/v1/groups/team', { name: 'Team 2', members: ['g1'] });
    assert.deepEqual([replaced.status, replaced.body.members], [200, ['g1']]);
    assert.deepEqual((await suite.admin.get('/v1/groups')).body.groups, [
      { id: 'team', name: 'Team 2', members: ['g1'], workingHours: null },
    ]);
    // Deleting a user takes them out of their groups.
    await suite.admin.delete('/v1/users/g1');
    assert.deepEqual((await suite.admin.get('/v1/groups/team')).body.members, []);
    assert.equal((await suite.admin.delete('/v1/groups/team')).status, 204);
    assert.equal((await suite.admin.get('/v1/groups/team')).status, 404);
  });

  test('rules: insert at a position, replace, delete and reorder, each publishing an immutable version', async () => {
    const version = async () => (await suite.admin.get('/v1/rules')).body.version as number;
    const names = async (query = '') =>
      (await suite.admin.get(`/v1/rules${query}`)).body.rules.map((rule: { name: string }) => rule.name);
    const start = await version();

    const a = (await suite.admin.post('/v1/rules', { name: 'a' })).body;
    const c = (await suite.admin.post('/v1/rules', { name: 'c' })).body;
    const b = (await suite.admin.post('/v1/rules', { name: 'b', position: 1 })).body;
    const first = (await suite.admin.post('/v1/rules', { name: 'first', position: 0 })).body;
    assert.deepEqual(await names(), ['first', 'a', 'b', 'c']);
    assert.equal(b.ruleSetVersion, start + 3);
    assert.equal(a.distribution, 'first_available'); // defaults are filled in and returned
    assert.equal(a.offerTimeoutSeconds, 30);

    const replaced = await suite.admin.put(`/v1/rules/${a.id}`, { name: 'a2', distribution: 'round_robin' });
    assert.deepEqual([replaced.status, replaced.body.id, replaced.body.distribution], [200, a.id, 'round_robin']);
    assert.equal((await suite.admin.delete(`/v1/rules/${first.id}`)).status, 204);
    const reordered = await suite.admin.put('/v1/rules/order', { ids: [c.id, a.id, b.id] });
    assert.equal(reordered.status, 200);
    assert.deepEqual(await names(), ['c', 'a2', 'b']);
    assert.equal(await version(), start + 7);

    // Old versions stay readable exactly as they were.
    assert.deepEqual(await names(`?version=${start + 4}`), ['first', 'a', 'b', 'c']);
    const versions = (await suite.admin.get('/v1/rules/versions')).body.versions;
    assert.deepEqual(
      versions.slice(0, 2).map((v: { version: number; rules: number }) => [v.version, v.rules]),
      [
        [start + 7, 3],
        [start + 6, 3],
      ],
    );
    assert.equal((await suite.admin.get('/v1/rules?version=999')).status, 404);
  });

  test('refused rule changes publish nothing', async () => {
    const before = await suite.admin.get('/v1/rules');
    const ids = before.body.rules.map((rule: { id: string }) => rule.id);
    const cases = [
      await suite.admin.put('/v1/rules/order', { ids: ids.slice(1) }), // missing one
      await suite.admin.put('/v1/rules/order', { ids: [...ids, ids[0]] }), // duplicate
      await suite.admin.put('/v1/rules/order', { ids: [...ids.slice(1), 'nope'] }), // unknown
      await suite.admin.put('/v1/rules/nope', { name: 'x' }),
      await suite.admin.delete('/v1/rules/nope'),
      await suite.admin.post('/v1/rules', { name: 'x', routeTo: { groups: ['no-such-group'] } }),
      await suite.admin.post('/v1/rules', { name: 'x', offerTimeoutSeconds: 0 }),
      await suite.admin.post('/v1/rules', { name: 'x', distribution: 'random' }),
      await suite.admin.post('/v1/rules', { name: 'x', criteria: { all: [{ field: 'a..b', op: 'exists' }] } }),
      await suite.admin.post('/v1/rules', { name: 'x', position: -1 }),
    ];
    assert.deepEqual(
      cases.map((response) => response.status),
      [400, 400, 400, 404, 404, 400, 400, 400, 400, 400],
    );
    assert.deepEqual((await suite.admin.get('/v1/rules')).body, before.body);
  });
});
