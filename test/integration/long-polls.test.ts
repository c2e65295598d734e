// `GET /v1/routings/:id?waitSeconds=N` long polls hold a Temporal call (the SDK's result(), which long-polls the
// workflow history until the routing closes). A wait that times out, or whose client goes away, must release that
// call at once, or an API process collects one open call per poll for as long as each routing stays open.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, eventually, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

/** The API's own count of long polls whose Temporal call has not settled yet. */
async function longPollsOpen(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = /^routing_long_polls_open (\d+)$/m.exec(text);
  assert.ok(line, 'routing_long_polls_open is exported');
  return Number(line[1]);
}

describe('routing long polls', () => {
  const open: string[] = [];
  const suite = useTestService({
    cleanUp: async () => {
      for (const routingId of open) await suite.admin.post(`/v1/routings/${routingId}/cancel`);
    },
  });

  before(async () => {
    await putReps(suite.admin, ['lou']);
    // Offers that stay pending for an hour: every routing below stays open for the whole test.
    await createRule(suite.admin, { name: 'lou', routeTo: { users: ['lou'] }, offerTimeoutSeconds: 3600 });
    for (let i = 0; i < 10; i++) {
      const routingId = uniqueRoutingId('poll');
      const started = await suite.admin.post('/v1/routings', {
        routingId,
        type: 'inbound',
        visitor: { id: routingId },
      });
      assert.equal(started.status, 202);
      open.push(routingId);
    }
  });

  test('500 polls that time out on open routings leave no Temporal call open', async () => {
    assert.equal(await longPollsOpen(suite.service.baseUrl), 0);
    const polls = 500;
    const batch = 100;
    for (let sent = 0; sent < polls; sent += batch) {
      const answers = await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          suite.admin.get(`/v1/routings/${open[(sent + i) % open.length]}?waitSeconds=0.5`),
        ),
      );
      for (const answer of answers) assert.deepEqual([answer.status, answer.body.status], [200, 'routing']);
    }
    // Each answer is sent only after its wait has settled, so nothing may be left open, not even for a moment.
    assert.equal(await longPollsOpen(suite.service.baseUrl), 0);
  });

  test('polls whose client disconnects release their Temporal call without waiting out waitSeconds', async () => {
    const clients = open.map(() => new AbortController());
    const polls = open.map((routingId, i) =>
      fetch(`${suite.service.baseUrl}/v1/routings/${routingId}?waitSeconds=60`, {
        headers: { authorization: `Bearer ${suite.service.keys.adminKey}` },
        signal: clients[i]?.signal,
      }).catch(() => 'aborted'),
    );
    await eventually(async () => ((await longPollsOpen(suite.service.baseUrl)) === open.length ? true : undefined));
    for (const client of clients) client.abort();
    assert.deepEqual(
      await Promise.all(polls),
      open.map(() => 'aborted'),
    );
    // Well within the 60 s the polls asked for (eventually gives up after 10 s).
    await eventually(async () => ((await longPollsOpen(suite.service.baseUrl)) === 0 ? true : undefined));
  });

  test('a poll still returns the outcome when the routing ends during the wait', async () => {
    const routingId = open.pop() as string;
    const waiting = suite.admin.get(`/v1/routings/${routingId}?waitSeconds=30`);
    await eventually(async () => ((await longPollsOpen(suite.service.baseUrl)) === 1 ? true : undefined));
    assert.equal((await suite.admin.accept(routingId, 'lou')).status, 200);
    const answer = await waiting;
    assert.deepEqual([answer.status, answer.body.status, answer.body.repId], [200, 'connected', 'lou']);
    assert.equal(await longPollsOpen(suite.service.baseUrl), 0);
  });
});
