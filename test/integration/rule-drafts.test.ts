// Draft rule sets and versioned writes, over real HTTP with a real worker: a draft changes nothing that routes
// visitors until it is published; If-Match turns a second admin's stale change into 412 instead of a silent overwrite.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

const ifMatch = (etag: string | null) => ({ 'if-match': etag ?? '' });

describe('rule drafts', () => {
  const suite = useTestService();
  let admin: HttpClient;

  const route = async () => {
    const routingId = uniqueRoutingId('draft');
    const started = await admin.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: `v-${routingId}` } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return routingId;
  };
  const liveVersion = async () => (await admin.get('/v1/rules')).body.version as number;

  test('a draft routes nobody until it is published; publishing records who and when', async () => {
    admin = suite.admin;
    await putReps(admin, ['ann', 'bob']);
    const rule = await createRule(admin, { name: 'to ann', routeTo: { users: ['ann'] }, offerTimeoutSeconds: 600 });
    const before = await admin.get('/v1/rules');
    assert.equal(before.headers.get('etag'), `"rules-v${before.body.version}"`);
    assert.equal(before.body.publishedBy, 'admin');

    assert.equal((await admin.get('/v1/rules/draft')).status, 404);
    const started = await admin.post('/v1/rules/draft', {});
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual(
      [started.body.baseVersion, started.body.revision, started.body.rules],
      [before.body.version, 1, before.body.rules],
    );
    assert.equal((await admin.post('/v1/rules/draft', {})).body.error?.code, 'draft_exists');

    const replaced = await admin.put(`/v1/rules/draft/rules/${rule.id}`, {
      name: 'to bob',
      routeTo: { users: ['bob'] },
      offerTimeoutSeconds: 600,
    });
    assert.deepEqual([replaced.status, replaced.body.draftRevision], [200, 2], JSON.stringify(replaced.body));
    const added = await admin.post('/v1/rules/draft/rules', { name: 'unused', enabled: false, position: 0 });
    assert.equal(added.status, 201);
    assert.equal((await admin.put('/v1/rules/draft/rules/order', { ids: [rule.id, added.body.id] })).status, 200);

    // The live rules and routing are as they were.
    assert.deepEqual((await admin.get('/v1/rules')).body, before.body);
    const beforePublish = await route();
    await offerFor(admin, 'ann', beforePublish);

    const published = await admin.post('/v1/rules/draft/publish', { publishedBy: 'Dana Ops' });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    assert.equal(published.body.version, before.body.version + 1);
    assert.equal(published.body.publishedBy, 'Dana Ops');
    assert.ok(Date.parse(published.body.publishedAt) >= Date.parse(before.body.publishedAt));
    assert.deepEqual(
      published.body.rules.map((r: { id: string; name: string }) => [r.id, r.name]),
      [
        [rule.id, 'to bob'],
        [added.body.id, 'unused'],
      ],
    );
    assert.equal(published.headers.get('etag'), `"rules-v${published.body.version}"`);
    assert.equal((await admin.get('/v1/rules/draft')).status, 404, 'publishing removes the draft');

    const afterPublish = await route();
    await offerFor(admin, 'bob', afterPublish);
    const routed = await admin.get(`/v1/routings/${afterPublish}`);
    assert.equal(routed.body.ruleSetVersion, published.body.version);
    const versions = (await admin.get('/v1/rules/versions')).body.versions;
    assert.deepEqual(
      versions.slice(0, 2).map((v: { version: number; publishedBy: string }) => [v.version, v.publishedBy]),
      [
        [published.body.version, 'Dana Ops'],
        [before.body.version, 'admin'],
      ],
    );
    await admin.post(`/v1/routings/${beforePublish}/cancel`);
    await admin.post(`/v1/routings/${afterPublish}/cancel`);
  });

  test('two admins editing the draft at once: the stale change gets 412 and changes nothing', async () => {
    const started = await admin.post('/v1/rules/draft', {});
    const rule = started.body.rules[0];
    const etag = started.headers.get('etag');
    const read = await admin.get('/v1/rules/draft');
    assert.equal(read.headers.get('etag'), etag);

    const first = await admin.put(`/v1/rules/draft/rules/${rule.id}`, { name: 'first admin' }, ifMatch(etag));
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.notEqual(first.headers.get('etag'), etag);
    const second = await admin.put(`/v1/rules/draft/rules/${rule.id}`, { name: 'second admin' }, ifMatch(etag));
    assert.deepEqual([second.status, second.body.error.code], [412, 'precondition_failed']);
    assert.equal((await admin.get('/v1/rules/draft')).body.rules[0].name, 'first admin');

    // At the same moment, with the same tag: exactly one wins.
    const current = (await admin.get('/v1/rules/draft')).headers.get('etag');
    const race = await Promise.all(
      ['x', 'y', 'z'].map((name) => admin.post('/v1/rules/draft/rules', { name }, ifMatch(current))),
    );
    assert.deepEqual(race.map((r) => r.status).sort(), [201, 412, 412]);
    assert.equal((await admin.get('/v1/rules/draft')).body.rules.length, started.body.rules.length + 1);

    // Weak tags never match (strong comparison); `*` matches any draft; stale publish and discard are refused too.
    const latest = (await admin.get('/v1/rules/draft')).headers.get('etag') ?? '';
    assert.equal((await admin.post('/v1/rules/draft/rules', { name: 'w' }, ifMatch(`W/${latest}`))).status, 412);
    assert.equal((await admin.post('/v1/rules/draft/publish', {}, ifMatch(etag))).status, 412);
    assert.equal((await admin.delete('/v1/rules/draft', ifMatch(etag))).status, 412);
    assert.equal((await admin.post('/v1/rules/draft/rules', { name: 'star' }, { 'if-match': '*' })).status, 201);
    assert.equal((await admin.delete('/v1/rules/draft', ifMatch(latest))).status, 412);
    const discarded = await admin.delete(
      '/v1/rules/draft',
      ifMatch((await admin.get('/v1/rules/draft')).headers.get('etag')),
    );
    assert.equal(discarded.status, 204);
  });

  test('live rules: If-Match is optional, and a stale one gets 412', async () => {
    const read = await admin.get('/v1/rules');
    const etag = read.headers.get('etag');
    const created = await admin.post('/v1/rules', { name: 'live a', enabled: false }, ifMatch(etag));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('etag'), `"rules-v${created.body.ruleSetVersion}"`);
    const stale = await admin.post('/v1/rules', { name: 'live b', enabled: false }, ifMatch(etag));
    assert.deepEqual([stale.status, stale.body.error.code], [412, 'precondition_failed']);
    assert.equal((await admin.delete(`/v1/rules/${created.body.id}`, ifMatch(etag))).status, 412);
    assert.equal(await liveVersion(), created.body.ruleSetVersion, 'nothing was published by the stale changes');
    // Clients that send no If-Match keep working as before.
    const deleted = await admin.delete(`/v1/rules/${created.body.id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.headers.get('etag'), `"rules-v${created.body.ruleSetVersion + 1}"`);
  });

  test('discard leaves the live rules; publishing over a live change needs force; a draft can roll back', async () => {
    const live = await admin.get('/v1/rules');
    await admin.post('/v1/rules/draft', {});
    await admin.post('/v1/rules/draft/rules', { name: 'discarded idea' });
    assert.equal((await admin.delete('/v1/rules/draft')).status, 204);
    assert.equal((await admin.delete('/v1/rules/draft')).status, 404);
    assert.equal((await admin.post('/v1/rules/draft/rules', { name: 'no draft' })).status, 404);
    assert.deepEqual((await admin.get('/v1/rules')).body, live.body);

    // A live change after the draft started: publishing would undo it, so it is refused unless forced.
    await admin.post('/v1/rules/draft', {});
    await admin.post('/v1/rules/draft/rules', { name: 'drafted', enabled: false });
    const liveChange = await admin.post('/v1/rules', { name: 'hotfix', enabled: false });
    const outdated = await admin.post('/v1/rules/draft/publish', { publishedBy: 'Eve' });
    assert.deepEqual([outdated.status, outdated.body.error.code], [409, 'draft_outdated']);
    assert.equal(await liveVersion(), liveChange.body.ruleSetVersion);
    const forced = await admin.post('/v1/rules/draft/publish', { publishedBy: 'Eve', force: true });
    assert.equal(forced.status, 200, JSON.stringify(forced.body));
    assert.ok(!forced.body.rules.some((r: { name: string }) => r.name === 'hotfix'));
    assert.ok(forced.body.rules.some((r: { name: string }) => r.name === 'drafted'));

    // Rolling back: a draft started from an earlier version publishes its rules as the next version.
    const rollback = await admin.post('/v1/rules/draft', { fromVersion: live.body.version });
    assert.deepEqual([rollback.body.baseVersion, rollback.body.rules], [forced.body.version, live.body.rules]);
    const rolledBack = await admin.post('/v1/rules/draft/publish', {});
    assert.deepEqual(
      [rolledBack.body.version, rolledBack.body.publishedBy, rolledBack.body.rules],
      [forced.body.version + 1, 'admin', live.body.rules],
    );
    assert.equal((await admin.post('/v1/rules/draft', { fromVersion: 9999 })).status, 404);
  });
});
