// POST /v1/rules/simulate explains a routing without starting one.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, putReps } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('routing simulation', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['sam', 'tia']);
    await putReps(suite.admin, ['uma'], 'away');
    await suite.admin.put('/v1/groups/backup', { name: 'Backup', members: ['sam', 'uma'] });
    await createRule(suite.admin, {
      name: 'germany',
      criteria: { any: [{ field: 'country', op: 'in', value: ['DE', 'AT'] }] },
      routeTo: { users: ['sam', 'tia'] },
      fallbacks: [{ groups: ['backup'] }],
      distribution: 'round_robin',
    });
  });

  test('shows the matched rule, each stage’s candidates with reasons, and the fallback outcome', async () => {
    const { status, body } = await suite.admin.post('/v1/rules/simulate', {
      type: 'inbound',
      visitor: { id: 'v', country: 'de' },
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.ruleSetVersion, 1);
    assert.equal(body.rule.name, 'germany');
    assert.equal(body.rule.distribution, 'round_robin');
    assert.deepEqual(body.stages, [
      {
        name: 'route_to',
        candidates: [
          { userId: 'sam', eligible: true },
          { userId: 'tia', eligible: true },
        ],
        // The rotation's next turn as it stands: a fresh rotation starts with the first, each owed one weight.
        offerOrder: {
          decidedBy: 'round_robin',
          order: ['sam', 'tia'],
          shares: [
            { repId: 'sam', weight: 1, credit: -1, firstOffers: 1, calibrated: true },
            { repId: 'tia', weight: 1, credit: 1, firstOffers: 0, calibrated: true },
          ],
        },
      },
      {
        name: 'fallback_1',
        candidates: [
          { userId: 'sam', eligible: false, reason: 'already_tried' },
          { userId: 'uma', eligible: false, reason: 'away' },
        ],
        skipped: 'nobody_eligible',
      },
    ]);
    assert.equal(body.outcomeIfNobodyAccepts, 'meeting_booker');
    assert.deepEqual(body.meetingBooker, { userIds: ['sam', 'tia'] });
  });

  test('a visitor no rule matches, and a refused request', async () => {
    const { body } = await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'v', country: 'FR' } });
    assert.deepEqual([body.rule, body.outcomeIfNobodyAccepts], [null, 'no_match']);
    const bad = await suite.admin.post('/v1/rules/simulate', { type: 'inbound' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.issues[0].field, 'visitor');
  });

  test('simulating starts no routing and changes nothing', async () => {
    const before = await suite.service.env.client.workflow.count(`TaskQueue = '${suite.service.taskQueue}'`);
    await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'v', country: 'AT' } });
    const after = await suite.service.env.client.workflow.count(`TaskQueue = '${suite.service.taskQueue}'`);
    assert.equal(after.count, before.count);
    assert.equal((await suite.admin.get('/v1/reps/sam/offers')).body.offers.length, 0);
  });
});
