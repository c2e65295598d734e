// Replay: the current workflow code must reproduce recorded routings exactly, or running routings would break on
// deploy. Committed histories in test/histories are replayed every run; fresh ones from each scenario are too.
// After a deliberate, patched() change, add a scenario and record its history with
// RECORD_HISTORIES=1 npm test -- test/integration/replay.test.ts: only histories not yet committed are written, so
// those of earlier code stay, proving that routings started before the change still replay.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { holdStreamLeases } from '../../store/console-presence';
import {
  type ConsolePresenceSweepInput,
  sweepConsolePresenceWorkflowType,
} from '../../workflows/sweep-console-presence';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const historiesDir = path.resolve(__dirname, '..', 'histories');
const replayOptions = () => ({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string } });

describe('workflow replay', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['ray', 'sky']);
    const rule = (name: string, extra: Record<string, unknown>) =>
      createRule(suite.admin, { name, criteria: { all: [{ field: 'country', op: 'equals', value: name }] }, ...extra });
    await rule('first', { routeTo: { users: ['ray', 'sky'] }, offerTimeoutSeconds: 60 });
    await rule('turns', { routeTo: { users: ['ray', 'sky'] }, distribution: 'round_robin', offerTimeoutSeconds: 1 });
    await rule('booker', { routeTo: { users: ['ray'] }, offerTimeoutSeconds: 0.3 });
    await rule('weighted', {
      routeTo: { users: ['ray', 'sky'], weights: { sky: 3 } },
      distribution: 'round_robin',
      rotationResets: 'day',
      offerTimeoutSeconds: 1,
    });
    await rule('least', { routeTo: { users: ['ray', 'sky'] }, distribution: 'least_busy', offerTimeoutSeconds: 1 });
    // nox has working hours, never now: passed over as outside_hours, listed by the booker.
    await suite.admin.put('/v1/users/nox', {
      name: 'nox',
      email: 'nox@example.test',
      status: 'available',
      workingHours: {
        timeZone: 'UTC',
        exceptions: [{ date: '2001-01-01', hours: [{ start: '09:00', end: '17:00' }] }],
      },
    });
    await rule('hours', { routeTo: { users: ['nox', 'ray'] }, offerTimeoutSeconds: 0.3 });
    await rule('idle', { routeTo: { users: ['sky'] }, offerTimeoutSeconds: 60, endConversationAfterSeconds: 1 });
  });

  /** Records `history` as test/histories/`name`.json when asked to, unless one is committed already. */
  function record(name: string, history: unknown) {
    const file = path.join(historiesDir, `${name}.json`);
    if (process.env.RECORD_HISTORIES === '1' && !existsSync(file)) {
      writeFileSync(file, `${historyToJSON(history as Parameters<typeof historyToJSON>[0])}\n`);
    }
  }

  /** Routes one visitor through `drive`, waits for the outcome, and returns the routing's history. */
  async function scenario(
    name: string,
    country: string,
    drive: (routingId: string) => Promise<void>,
    type = 'inbound',
  ) {
    const routingId = uniqueRoutingId(name);
    await suite.admin.post('/v1/routings', { routingId, type, visitor: { id: `v-${routingId}`, country } });
    await drive(routingId);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    const history = await suite.service.env.client.workflow.getHandle(routingId).fetchHistory();
    record(name, history);
    return { routingId, history };
  }

  test('fresh histories of every outcome replay without nondeterminism', async () => {
    const scenarios = [
      await scenario('connected-first-offer', 'first', async (id) => {
        await offerFor(suite.admin, 'ray', id);
        await Promise.all([suite.admin.accept(id, 'ray'), suite.admin.accept(id, 'sky')]);
      }),
      await scenario('round-robin-decline-timeout', 'turns', async (id) => {
        // The first rep in turn declines (if the offer has not already timed out); the next one lets it time out.
        const first = await eventually(async () => (await suite.admin.get(`/v1/routings/${id}`)).body.offers[0]?.repId);
        await suite.admin.decline(id, first);
      }),
      await scenario('weighted-round-robin-decline-timeout', 'weighted', async (id) => {
        // The rep the weighted rotation owes declines; the next one lets the offer time out.
        const first = await eventually(async () => (await suite.admin.get(`/v1/routings/${id}`)).body.offers[0]?.repId);
        await suite.admin.decline(id, first);
      }),
      await scenario('least-busy-decline-timeout', 'least', async (id) => {
        // The least busy rep declines; the ranking is weighed again and the next one lets the offer time out.
        const first = await eventually(async () => (await suite.admin.get(`/v1/routings/${id}`)).body.offers[0]?.repId);
        await suite.admin.decline(id, first);
      }),
      await scenario('meeting-booker', 'booker', async () => {}),
      await scenario('cancelled', 'first', async (id) => {
        await offerFor(suite.admin, 'sky', id);
        await suite.admin.post(`/v1/routings/${id}/cancel`);
      }),
      await scenario('no-match', 'nowhere', async () => {}),
      await scenario('outside-working-hours', 'hours', async () => {}),
      await scenario('connected-idle-end', 'idle', async (id) => {
        await offerFor(suite.admin, 'sky', id);
        await suite.admin.accept(id, 'sky');
      }),
    ];
    // The workflow that ended the idle conversation replays too.
    const idle = scenarios.at(-1)?.routingId as string;
    const idleEnd = suite.service.env.client.workflow.getHandle(`${idle}:end-idle`);
    assert.deepEqual(await idleEnd.result(), { ended: true });
    const idleEndHistory = await idleEnd.fetchHistory();
    record('idle-conversation-ended', idleEndHistory);
    await Worker.runReplayHistory(replayOptions(), idleEndHistory, `${idle}:end-idle`);
    for (const { routingId, history } of scenarios) {
      await Worker.runReplayHistory(replayOptions(), history, routingId);
    }
  });

  test('a console presence sweep replays, as its Schedule starts it', async () => {
    const { env, taskQueue, db } = suite.service;
    await putReps(suite.admin, ['lea']);
    // lea's only stream ended a minute ago: a sweep with a grace of 30 s sets her away.
    await holdStreamLeases(db, [{ streamId: 'lea-stream', repId: 'lea' }], new Date(Date.now() - 60_000).toISOString());
    const workflowId = uniqueRoutingId('console-presence-sweep');
    const input: ConsolePresenceSweepInput = { graceSeconds: 30 };
    const result = await env.client.workflow.execute(sweepConsolePresenceWorkflowType, {
      taskQueue,
      workflowId,
      args: [input],
    });
    assert.deepEqual(result, { setAway: ['lea'] });
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    record('console-presence-sweep', history);
    await Worker.runReplayHistory(replayOptions(), history, workflowId);
  });

  test('committed histories still replay', async () => {
    const files = readdirSync(historiesDir).filter((name) => name.endsWith('.json'));
    assert.ok(files.length >= 7, `expected recorded histories in ${historiesDir}`);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(historiesDir, file), 'utf8')));
      await assert.doesNotReject(Worker.runReplayHistory(replayOptions(), history, file), file);
    }
  });
});
