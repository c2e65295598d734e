// What-if replays (POST /v1/rules/what-if): routings the live workflow recorded, replayed under the live rule set
// (no differences, visitor by visitor) and under a changed one (the expected shifts), and a replay that survives a
// worker restart without losing or double-counting a page.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, eventually, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { seedRecordedRoutings, seedRules } from '../support/recorded-routings';
import { useTestService } from '../support/suite-service';

interface Offer {
  repId: string;
  stage: string;
  offeredAt: string;
}

/** Starts a what-if run and waits for it to finish; returns the run as read. */
async function runWhatIf(admin: HttpClient, request: Record<string, unknown>, timeoutMs = 60_000) {
  const started = await admin.post('/v1/rules/what-if', request);
  assert.equal(started.status, 202, JSON.stringify(started.body));
  return eventually(async () => {
    const { status, body } = await admin.get(`/v1/rules/what-if/${started.body.id}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.notEqual(body.status, 'failed', body.error);
    return body.status === 'done' ? body : undefined;
  }, timeoutMs);
}

const repCounts = (
  result: { reps: { repId: string; before: { firstOffers: number }; after: { firstOffers: number } }[] },
  side: 'before' | 'after',
) =>
  Object.fromEntries(
    result.reps.filter((rep) => rep[side].firstOffers > 0).map((rep) => [rep.repId, rep[side].firstOffers]),
  );

describe('what-if replay of routings the live workflow recorded', () => {
  const suite = useTestService();
  const since = new Date(Date.now() - 1000).toISOString();
  const routingIds: string[] = [];
  const ruleIds = { big: '', de: '', nl: '', es: '' };

  /** Starts a routing and waits until its row holds its first offer (or its outcome, when no rule matched). */
  async function route(visitor: Record<string, unknown>) {
    const routingId = uniqueRoutingId('wi');
    const started = await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, ...visitor },
    });
    assert.ok(started.status === 201 || started.status === 202, JSON.stringify(started.body));
    await eventually(async () => {
      const row = await suite.service.db
        .selectFrom('routings')
        .select(['first_offer_at', 'status'])
        .where('routing_id', '=', routingId)
        .executeTakeFirst();
      return row && (row.first_offer_at !== null || row.status !== 'routing') ? true : undefined;
    });
    routingIds.push(routingId);
  }

  const presence = async (status: string, ...repIds: string[]) => {
    for (const repId of repIds) {
      const { status: code } = await suite.admin.put(`/v1/users/${repId}/presence`, { status });
      assert.equal(code, 200);
    }
  };

  before(async () => {
    await putReps(suite.admin, ['wa', 'wb', 'wc', 'we']);
    await putReps(suite.admin, ['wd'], 'away');
    await suite.admin.put('/v1/groups/w-big', { name: 'Big', members: ['wa', 'wb'] });
    await suite.admin.put('/v1/groups/w-backup', { name: 'Backup', members: ['wc', 'wd'] });
    ruleIds.big = (
      await createRule(suite.admin, {
        name: 'big',
        criteria: { all: [{ field: 'fields.employees', op: 'gte', value: 1000 }] },
        routeTo: { groups: ['w-big'] },
        fallbacks: [{ groups: ['w-backup'] }],
        offerTimeoutSeconds: 600,
      })
    ).id;
    ruleIds.de = (
      await createRule(suite.admin, {
        name: 'germany',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'DE' }] },
        routeTo: { users: ['wc', 'we'] },
        distribution: 'round_robin',
        offerTimeoutSeconds: 600,
      })
    ).id;
    ruleIds.nl = (
      await createRule(suite.admin, {
        name: 'netherlands',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'NL' }] },
        routeTo: { users: ['wb', 'we'] },
        distribution: 'least_busy',
        offerTimeoutSeconds: 600,
      })
    ).id;
    // Spain: a weighted rotation over four reps, one at their daily cap (0) and one outside their working hours (only
    // on a far-off date), both changed after the routings so the directory as it is now would decide otherwise.
    await putReps(suite.admin, ['wh', 'wi']);
    const capped = { name: 'wf', email: 'wf@example.test', status: 'available', dailyAcceptCap: 0 };
    const farOff = { timeZone: 'UTC', exceptions: [{ date: '2099-01-01', hours: [{ start: '09:00', end: '17:00' }] }] };
    const offHours = { name: 'wg', email: 'wg@example.test', status: 'available', workingHours: farOff };
    assert.equal((await suite.admin.put('/v1/users/wf', capped)).status, 201);
    assert.equal((await suite.admin.put('/v1/users/wg', offHours)).status, 201);
    ruleIds.es = (
      await createRule(suite.admin, {
        name: 'spain',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'ES' }] },
        routeTo: { users: ['wf', 'wg', 'wh', 'wi'], weights: { wf: 5, wg: 5, wh: 3, wi: 1 } },
        distribution: 'round_robin',
        offerTimeoutSeconds: 600,
      })
    ).id;
    for (let i = 0; i < 4; i++) await route({ country: 'ES' });
    assert.equal((await suite.admin.put('/v1/users/wf', { ...capped, dailyAcceptCap: null })).status, 200);
    assert.equal((await suite.admin.put('/v1/users/wg', { ...offHours, workingHours: null })).status, 200);
    for (let i = 0; i < 3; i++) await route({ fields: { employees: 5000 } });
    for (let i = 0; i < 2; i++) await route({ country: 'NL' });
    for (let i = 0; i < 3; i++) await route({ country: 'DE' });
    await route({ country: 'FR' });
    // The big team away: the backup group's available rep is offered.
    await presence('away', 'wa', 'wb');
    for (let i = 0; i < 2; i++) await route({ fields: { employees: 2000 } });
    await presence('available', 'wa', 'wd');
    for (let i = 0; i < 2; i++) await route({ fields: { employees: 3000 } });
    // Presence now differs from what the routings met: a replay must use what each recorded.
    await presence('away', 'wa', 'wc');
    for (const routingId of routingIds) await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('under the live rule set, every visitor meets the same rule, stage and first-offered reps', async () => {
    const { body: live } = await suite.admin.get('/v1/rules');
    const run = await runWhatIf(suite.admin, { version: live.version, since });
    assert.equal(run.ruleSetVersion, live.version);
    assert.deepEqual(run.progress, { total: routingIds.length, skipped: 0, replayed: routingIds.length });
    const { result } = run;
    assert.equal(result.total, routingIds.length);
    assert.equal(result.skipped, 0);
    assert.equal(result.changed, 0, JSON.stringify(result.examples.changed));
    assert.deepEqual([result.ruleChanged, result.stageChanged, result.repsChanged, result.nowUnmatched], [0, 0, 0, 0]);

    // "Before" is what the live workflow did, as each routing's own explanation tells it.
    const firstOffers: Record<string, number> = {};
    const byRule: Record<string, number> = {};
    for (const routingId of routingIds) {
      const { body: routing } = await suite.admin.get(`/v1/routings/${routingId}`);
      const key = routing.rule?.id ?? '';
      byRule[key] = (byRule[key] ?? 0) + 1;
      const first = routing.offers[0] as Offer | undefined;
      for (const offer of routing.offers as Offer[]) {
        if (first && offer.offeredAt === first.offeredAt && offer.stage === first.stage) {
          firstOffers[offer.repId] = (firstOffers[offer.repId] ?? 0) + 1;
        }
      }
    }
    // Spain's four went by weight to the two reps neither capped nor off hours.
    const { wh = 0, wi = 0, ...others } = firstOffers;
    assert.equal(wh + wi, 4, JSON.stringify(firstOffers));
    assert.ok(wh > wi, JSON.stringify(firstOffers));
    assert.deepEqual(others, { wa: 5, wb: 5, wc: 4, we: 1 });
    assert.deepEqual(repCounts(result, 'before'), firstOffers);
    assert.deepEqual(repCounts(result, 'after'), firstOffers);
    for (const rule of result.rules) {
      assert.equal(rule.before, byRule[rule.ruleId ?? ''], rule.ruleId);
      assert.equal(rule.after, rule.before, rule.ruleId);
    }
  });

  test('the draft, started as a copy of the live rules, replays with no difference visitor by visitor', async () => {
    assert.equal((await suite.admin.post('/v1/rules/draft', {})).status, 201);
    const run = await runWhatIf(suite.admin, { draft: true, since });
    assert.equal(run.ruleSetVersion, null);
    assert.equal(run.request.draft, true);
    assert.equal(run.result.total, routingIds.length);
    assert.equal(run.result.changed, 0, JSON.stringify(run.result.examples.changed));
    assert.deepEqual(repCounts(run.result, 'after'), repCounts(run.result, 'before'));
  });

  test('a changed draft reports the expected shifts, and live routing goes on under the live rules', async () => {
    const { body: live } = await suite.admin.get('/v1/rules');
    const big = live.rules.find((rule: { id: string }) => rule.id === ruleIds.big);
    const { id: _id, ...input } = big;
    const edited = await suite.admin.put(`/v1/rules/draft/rules/${ruleIds.big}`, {
      ...input,
      routeTo: { users: ['wd'] },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal((await suite.admin.delete(`/v1/rules/draft/rules/${ruleIds.de}`)).status, 204);

    const { result } = await runWhatIf(suite.admin, { draft: true, since });
    // The five big visitors whose first stage had someone eligible now go to wd (no routing recorded wd's presence
    // then, so wd's present one counts: available); the two that found the big team away recorded wd away too, so
    // they still go to the backup group's wc. Germany is gone: its three visitors now match no rule. The
    // Netherlands and Spain rules are as they were.
    assert.equal(result.total, routingIds.length);
    assert.equal(result.changed, 8);
    assert.equal(result.nowUnmatched, 3);
    assert.equal(result.ruleChanged, 3);
    assert.equal(result.stageChanged, 3);
    assert.equal(result.repsChanged, 8);
    const { wh = 0, wi = 0, ...after } = repCounts(result, 'after');
    assert.equal(wh + wi, 4);
    assert.deepEqual(after, { wd: 5, wc: 2, wb: 2 });
    const wd = result.reps.find((rep: { repId: string }) => rep.repId === 'wd');
    assert.deepEqual(wd.after, { firstOffers: 5, share: 0.3846 });
    const counts = Object.fromEntries(
      result.rules.map((rule: { ruleId: string | null; before: number; after: number }) => [
        rule.ruleId ?? 'none',
        [rule.before, rule.after],
      ]),
    );
    assert.deepEqual(counts, {
      [ruleIds.big]: [7, 7],
      [ruleIds.de]: [3, 0],
      [ruleIds.nl]: [2, 2],
      [ruleIds.es]: [4, 4],
      none: [1, 4],
    });
    assert.equal(result.examples.nowUnmatched.length, 3);
    for (const example of result.examples.nowUnmatched) {
      assert.deepEqual(example.before.ruleId, ruleIds.de);
      assert.deepEqual(example.after, { ruleId: null, stage: null, repIds: [] });
    }
    const shifted = result.examples.changed.find(
      (example: { after: { repIds: string[] } }) => example.after.repIds[0] === 'wd',
    );
    assert.deepEqual(shifted.after, { ruleId: ruleIds.big, stage: 'route_to', repIds: ['wd'] });

    // The draft routes nobody: a German visitor is still offered by the live Germany rule, at the live version.
    const routingId = uniqueRoutingId('wi-live');
    await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-live-de', country: 'DE' } });
    const routed = await eventually(async () => {
      const { body } = await suite.admin.get(`/v1/routings/${routingId}`);
      return body.offers?.length > 0 ? body : undefined;
    });
    assert.equal(routed.rule.id, ruleIds.de);
    assert.equal((await suite.admin.get('/v1/rules')).body.version, live.version);
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);

    // Published, the draft is the next version; the earlier version still replays as it was.
    assert.equal((await suite.admin.post('/v1/rules/draft/publish', {})).status, 200);
    const earlier = await runWhatIf(suite.admin, { version: live.version, since, until: routed.startedAt });
    assert.equal(earlier.result.changed, 0, JSON.stringify(earlier.result.examples.changed));
    assert.equal(earlier.result.total, routingIds.length);
  });

  test('bad requests name their field; runs are for admins only', async () => {
    const noSince = await suite.admin.post('/v1/rules/what-if', { version: 1 });
    assert.equal(noSince.status, 400);
    assert.equal(noSince.body.error.details.issues[0].field, 'since');
    const unknown = await suite.admin.post('/v1/rules/what-if', { version: 999, since });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.details.issues[0].field, 'version');
    assert.equal((await suite.admin.get('/v1/rules/what-if/nope')).status, 404);
    // No draft (the last one was published): a clear 404, and nothing started.
    const noDraft = await suite.admin.post('/v1/rules/what-if', { draft: true, since });
    assert.equal(noDraft.status, 404, JSON.stringify(noDraft.body));
    assert.match(noDraft.body.error.message, /draft/);
    const both = await suite.admin.post('/v1/rules/what-if', { draft: true, version: 1, since });
    assert.equal(both.status, 400);
    const rep = await suite.admin.asRep('wa');
    assert.equal((await rep.post('/v1/rules/what-if', { version: 1, since })).status, 403);
  });
});

describe('a what-if replay across a worker restart', () => {
  // Two routings a page: the replay takes many pages, so the restart lands in the middle of it.
  const suite = useTestService({ whatIfPageSize: 2 });
  const ROUTINGS = 400;
  const since = '2026-01-01T00:00:00.000Z';

  before(async () => {
    const rules = await seedRules(suite.service.db, { segments: 6, reps: 12 });
    await seedRecordedRoutings(suite.service.db, rules, { count: ROUTINGS + 1, start: new Date(since) });
    // One routing as recorded before 0022_what_if: no rule-set version (nor stage checks). It is skipped, and said so.
    await suite.service.db
      .updateTable('routings')
      .set({ rule_set_version: null })
      .where('routing_id', '=', 'rec-0000000')
      .execute();
  });

  test('loses no page and counts none twice', async () => {
    const { body: live } = await suite.admin.get('/v1/rules');
    const started = await suite.admin.post('/v1/rules/what-if', { version: live.version, since });
    assert.equal(started.status, 202);
    const replayedAtRestart = await eventually(async () => {
      const { body } = await suite.admin.get(`/v1/rules/what-if/${started.body.id}`);
      return body.progress.replayed > 0 ? body.progress.replayed : undefined;
    });
    await suite.service.restartWorker({ downtimeMs: 500 });
    assert.ok(replayedAtRestart < ROUTINGS, `the replay was over (${replayedAtRestart}) before the restart`);
    const interrupted = await eventually(async () => {
      const { body } = await suite.admin.get(`/v1/rules/what-if/${started.body.id}`);
      return body.status === 'done' ? body : undefined;
    }, 120_000);
    assert.deepEqual(interrupted.progress, { total: ROUTINGS, skipped: 1, replayed: ROUTINGS });
    assert.equal(interrupted.result.total, ROUTINGS);
    assert.equal(interrupted.result.skipped, 1);
    // Seeded as the live workflow would have recorded them: replayed under the same version, nothing changes.
    assert.equal(interrupted.result.changed, 0, JSON.stringify(interrupted.result.examples.changed));

    const uninterrupted = await runWhatIf(suite.admin, { version: live.version, since }, 120_000);
    assert.deepEqual(interrupted.result, uninterrupted.result);
  });

  test('a sample replays that many routings, spread over the window', async () => {
    const { body: live } = await suite.admin.get('/v1/rules');
    const run = await runWhatIf(suite.admin, { version: live.version, since, sample: 50 }, 120_000);
    assert.deepEqual(run.progress, { total: 50, skipped: 1, replayed: 50 });
    assert.equal(run.result.total, 50);
  });
});
