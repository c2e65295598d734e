// Idempotent triggers and routings that outlive the worker running them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('triggers and restarts', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['kim', 'lee']);
    await createRule(suite.admin, {
      name: 'slow',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'slow' }] },
      routeTo: { users: ['kim', 'lee'] },
      offerTimeoutSeconds: 60,
    });
    await createRule(suite.admin, { name: 'quick', routeTo: { users: ['kim'] }, offerTimeoutSeconds: 1 });
  });

  const runsOf = async (routingId: string) => {
    const runs: string[] = [];
    for await (const execution of suite.service.env.client.workflow.list({ query: `WorkflowId = '${routingId}'` })) {
      runs.push(execution.runId);
    }
    return runs;
  };

  test('the same routingId sent many times at once starts one routing', async () => {
    const routingId = uniqueRoutingId('dup');
    const body = { routingId, type: 'inbound', visitor: { id: 'v-dup', country: 'slow' } };
    const responses = await Promise.all(Array.from({ length: 8 }, () => suite.admin.post('/v1/routings', body)));
    for (const response of responses)
      assert.deepEqual([response.status, response.body], [202, { routingId, status: 'routing' }]);
    await offerFor(suite.admin, 'kim', routingId);
    const { runId } = await suite.service.env.client.workflow.getHandle(routingId).describe();
    assert.equal((await suite.admin.accept(routingId, 'kim')).status, 200);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);

    // After it has finished, the same id still answers with that routing, never a new one.
    const late = await suite.admin.post('/v1/routings', { ...body, type: 'pounce' });
    assert.deepEqual([late.status, late.body], [202, { routingId, status: 'connected' }]);
    const { runId: runIdAfter } = await suite.service.env.client.workflow.getHandle(routingId).describe();
    assert.equal(runIdAfter, runId);
    // Visibility is eventually consistent, but it can only ever hold that one run.
    assert.ok((await runsOf(routingId)).every((id) => id === runId));
  });

  test('a routing can be read the instant it is started', async () => {
    const routingId = uniqueRoutingId('instant');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: 'v-instant', country: 'slow' },
    });
    const { status, body } = await suite.admin.get(`/v1/routings/${routingId}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.routingId, routingId);
    assert.equal(body.status, 'routing');
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('routings are findable in Temporal visibility by status, rule and rep', async () => {
    const routingId = uniqueRoutingId('visible');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: 'v-visible', country: 'slow' },
    });
    await offerFor(suite.admin, 'kim', routingId);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}`);
    const find = (query: string) =>
      eventually(async () => {
        for await (const execution of suite.service.env.client.workflow.list({
          query: `WorkflowId = '${routingId}' AND ${query}`,
        })) {
          return execution.workflowId;
        }
        return undefined;
      });
    // Running, it carries the status it was started with; its rule and offered reps are written once, at its end.
    assert.equal(await find(`RoutingStatus = 'routing'`), routingId);
    assert.equal((await suite.admin.accept(routingId, 'lee')).status, 200);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(
      await find(
        `RoutingStatus = 'connected' AND AssignedRep = 'lee' AND OfferedReps = 'kim' AND RoutingRule = '${state.rule.id}'`,
      ),
      routingId,
    );
  });

  test('an offer standing while the worker restarts can still be accepted', async () => {
    const routingId = uniqueRoutingId('restart');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: 'v-restart', country: 'slow' },
    });
    await offerFor(suite.admin, 'lee', routingId);
    await suite.service.restartWorker({ downtimeMs: 200 });
    const accepted = await suite.admin.accept(routingId, 'lee');
    assert.deepEqual([accepted.status, accepted.body], [200, { outcome: 'connected' }]);
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.equal(state.repId, 'lee');
  });

  test('an offer timeout that passes while no worker runs is honoured when one returns', async () => {
    const routingId = uniqueRoutingId('timer');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: 'v-timer', country: 'other' },
    });
    await offerFor(suite.admin, 'kim', routingId);
    await suite.service.restartWorker({ downtimeMs: 1500 });
    const { body: state } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker, { userIds: ['kim'] });
  });
});
