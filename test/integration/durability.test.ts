// Idempotent triggers and routings that outlive the worker running them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService } from '../support/service';

describe('triggers and restarts', () => {
  let service: TestService;
  let http: HttpClient;

  before(async () => {
    service = await startTestService();
    http = new HttpClient(service.baseUrl, service.keys.adminKey);
    await putReps(http, ['kim', 'lee']);
    await createRule(http, {
      name: 'slow',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'slow' }] },
      routeTo: { users: ['kim', 'lee'] },
      offerTimeoutSeconds: 60,
    });
    await createRule(http, { name: 'quick', routeTo: { users: ['kim'] }, offerTimeoutSeconds: 1 });
  });
  after(() => service.stop());

  const runsOf = async (routingId: string) => {
    const runs: string[] = [];
    for await (const execution of service.env.client.workflow.list({ query: `WorkflowId = '${routingId}'` })) {
      runs.push(execution.runId);
    }
    return runs;
  };

  test('the same routingId sent many times at once starts one routing', async () => {
    const routingId = uniqueRoutingId('dup');
    const body = { routingId, type: 'inbound', visitor: { id: 'v-dup', country: 'slow' } };
    const responses = await Promise.all(Array.from({ length: 8 }, () => http.post('/v1/routings', body)));
    for (const response of responses)
      assert.deepEqual([response.status, response.body], [202, { routingId, status: 'routing' }]);
    await offerFor(http, 'kim', routingId);
    const { runId } = await service.env.client.workflow.getHandle(routingId).describe();
    assert.equal((await http.accept(routingId, 'kim')).status, 200);
    await http.get(`/v1/routings/${routingId}?waitSeconds=10`);

    // After it has finished, the same id still answers with that routing, never a new one.
    const late = await http.post('/v1/routings', { ...body, type: 'pounce' });
    assert.deepEqual([late.status, late.body], [202, { routingId, status: 'connected' }]);
    const { runId: runIdAfter } = await service.env.client.workflow.getHandle(routingId).describe();
    assert.equal(runIdAfter, runId);
    // Visibility is eventually consistent, but it can only ever hold that one run.
    assert.ok((await runsOf(routingId)).every((id) => id === runId));
  });

  test('a routing can be read the instant it is started', async () => {
    const routingId = uniqueRoutingId('instant');
    await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-instant', country: 'slow' } });
    const { status, body } = await http.get(`/v1/routings/${routingId}`);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.routingId, routingId);
    assert.equal(body.status, 'routing');
    await http.post(`/v1/routings/${routingId}/cancel`);
  });

  test('routings are findable in Temporal visibility by status, rule and rep', async () => {
    const routingId = uniqueRoutingId('visible');
    await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-visible', country: 'slow' } });
    await offerFor(http, 'kim', routingId);
    const { body: state } = await http.get(`/v1/routings/${routingId}`);
    const find = (query: string) =>
      eventually(async () => {
        for await (const execution of service.env.client.workflow.list({
          query: `WorkflowId = '${routingId}' AND ${query}`,
        })) {
          return execution.workflowId;
        }
        return undefined;
      });
    // Running, it carries the status it was started with; its rule and offered reps are written once, at its end.
    assert.equal(await find(`RoutingStatus = 'routing'`), routingId);
    assert.equal((await http.accept(routingId, 'lee')).status, 200);
    await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(
      await find(
        `RoutingStatus = 'connected' AND AssignedRep = 'lee' AND OfferedReps = 'kim' AND RoutingRule = '${state.rule.id}'`,
      ),
      routingId,
    );
  });

  test('an offer standing while the worker restarts can still be accepted', async () => {
    const routingId = uniqueRoutingId('restart');
    await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-restart', country: 'slow' } });
    await offerFor(http, 'lee', routingId);
    await service.restartWorker({ downtimeMs: 200 });
    const accepted = await http.accept(routingId, 'lee');
    assert.deepEqual([accepted.status, accepted.body], [200, { outcome: 'connected' }]);
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=10`);
    assert.equal(state.status, 'connected');
    assert.equal(state.repId, 'lee');
  });

  test('an offer timeout that passes while no worker runs is honoured when one returns', async () => {
    const routingId = uniqueRoutingId('timer');
    await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-timer', country: 'other' } });
    await offerFor(http, 'kim', routingId);
    await service.restartWorker({ downtimeMs: 1500 });
    const { body: state } = await http.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker, { userIds: ['kim'] });
  });
});
