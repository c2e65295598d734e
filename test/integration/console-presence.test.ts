// Presence tied to a live console, on the real Temporal server: reps' own event streams are leased in the database
// by the API process holding them, and the sweep a Temporal Schedule runs sets away a rep whose every stream has been
// gone for the grace period, telling them why. A stream held open keeps its rep; one reopened within the grace too;
// an API process killed with its streams open stops renewing their leases, which run out.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ScheduleHandle } from '@temporalio/client';
import { EventSource } from 'eventsource';
import { freePort } from '../../runtime/ports';
import { spawnProjectProcess } from '../../scripts/project-process';
import { consolePresenceScheduleId, ensureConsolePresenceSchedule } from '../../worker/console-presence-schedule';
import { eventually } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

const GRACE_SECONDS = 2;
const LEASE_MS = 3000;

interface PresenceEvent {
  status: string;
  reason?: string;
  at: string;
}

describe('presence tied to a live console', () => {
  let schedule: ScheduleHandle | undefined;
  const suite = useTestService({
    consolePresence: { leaseMs: LEASE_MS },
    cleanUp: async () => schedule?.delete(),
  });

  before(async () => {
    const { env, taskQueue } = suite.service;
    await ensureConsolePresenceSchedule(env.client, taskQueue, GRACE_SECONDS);
    schedule = env.client.schedule.getHandle(consolePresenceScheduleId(taskQueue));
  });

  /** A rep, available, and a token of theirs. */
  async function repWithToken(id: string): Promise<string> {
    const put = await suite.admin.put(`/v1/users/${id}`, {
      name: id,
      email: `${id}@presence.test`,
      status: 'available',
    });
    assert.ok(put.status === 200 || put.status === 201, JSON.stringify(put.body));
    return (await suite.admin.post(`/v1/users/${id}/tokens`)).body.token as string;
  }

  /** The rep's own event stream, open; `lastEventId` resumes after an event seen before. */
  async function openStream(baseUrl: string, repId: string, token: string, lastEventId?: string) {
    const received: (PresenceEvent & { id: string })[] = [];
    const query = lastEventId === undefined ? '' : `?lastEventId=${lastEventId}`;
    const source = new EventSource(`${baseUrl}/v1/reps/${repId}/events${query}`, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` },
        }),
    });
    source.addEventListener('presence.changed', (event) =>
      received.push({ ...JSON.parse(event.data), id: event.lastEventId }),
    );
    await new Promise<void>((resolve, reject) => {
      source.onopen = () => resolve();
      source.onerror = reject;
    });
    return { source, received };
  }

  const statusOf = async (repId: string) => (await suite.admin.get(`/v1/users/${repId}`)).body.status as string;

  /** Waits for a sweep the Schedule started after `instant` to finish: it judged the leases as they were then. */
  async function sweepStartedAfter(instant: number): Promise<{ setAway: string[] }> {
    const handle = schedule;
    assert.ok(handle, 'the schedule is set up before the tests');
    const taken = await eventually(async () => {
      const { info } = await handle.describe();
      return info.recentActions.find((action) => action.takenAt.getTime() > instant);
    }, 60_000);
    const { workflowId, firstExecutionRunId } = taken.action.workflow;
    return suite.service.env.client.workflow.getHandle(workflowId, firstExecutionRunId).result();
  }

  /** Past a lease and the grace from `instant`: a lease not renewed since then would have run out for the grace. */
  const pastLeaseAndGrace = (instant: number) => instant + LEASE_MS + GRACE_SECONDS * 1000 + 500;

  test('a rep with an open stream stays available; closing it sets them away after the grace, with the reason', async () => {
    const token = await repWithToken('pc-open');
    const { source, received } = await openStream(suite.service.baseUrl, 'pc-open', token);
    const openedAt = Date.now();
    // The console says available as it opens: the stream's cursor is that event.
    const rep = new HttpClient(suite.service.baseUrl, token);
    assert.equal((await rep.put('/v1/users/pc-open/presence', { status: 'available' })).status, 200);
    const { id: lastSeen } = await eventually(async () => received.at(-1));
    await sweepStartedAfter(pastLeaseAndGrace(openedAt));
    assert.equal(await statusOf('pc-open'), 'available', 'an open stream is renewed and keeps its rep');

    const closedAt = Date.now();
    source.close();
    await eventually(async () => ((await statusOf('pc-open')) === 'away' ? true : undefined), 60_000);

    // Back at their console, the stream resumes with what it missed: set away, and why.
    const back = await openStream(suite.service.baseUrl, 'pc-open', token, lastSeen);
    try {
      const event = await eventually(async () => back.received.find((e) => e.reason === 'console_disconnected'));
      assert.equal(event.status, 'away');
      assert.ok(Date.parse(event.at) >= closedAt + GRACE_SECONDS * 1000, 'not before the grace was over');
    } finally {
      back.source.close();
    }
  });

  test('a rep who reopens their stream within the grace stays available', async () => {
    const token = await repWithToken('pc-reopen');
    const first = await openStream(suite.service.baseUrl, 'pc-reopen', token);
    first.source.close();
    const reopened = await openStream(suite.service.baseUrl, 'pc-reopen', token);
    const reopenedAt = Date.now();
    try {
      const sweep = await sweepStartedAfter(pastLeaseAndGrace(reopenedAt));
      assert.ok(!sweep.setAway.includes('pc-reopen'));
      assert.equal(await statusOf('pc-reopen'), 'available');
    } finally {
      reopened.source.close();
    }
  });

  test("a killed API process's stream lease runs out, and its rep is set away", async () => {
    const token = await repWithToken('pc-killed');
    const { database, taskQueue, keys } = suite.service;
    const api = spawnProjectProcess({
      role: 'api',
      port: await freePort(),
      env: {
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS as string,
        TASK_QUEUE: taskQueue,
        ADMIN_API_KEY: keys.adminKey,
        EXPERIENCE_API_KEY: keys.experienceKey,
        LOG_LEVEL: 'warn',
        CONSOLE_PRESENCE_GRACE_SECONDS: String(GRACE_SECONDS),
        CONSOLE_PRESENCE_LEASE_SECONDS: String(LEASE_MS / 1000),
        ...(database.kind === 'postgres'
          ? { DATABASE_URL: database.url }
          : { DATA_DIR: path.dirname(database.file), DATABASE_URL: undefined }),
      },
    });
    after(() => (api.child.exitCode === null ? api.stop({ signal: 'SIGKILL' }) : undefined));
    await api.healthy();
    const { source } = await openStream(api.url as string, 'pc-killed', token);
    const lease = await eventually(() =>
      suite.service.db.selectFrom('rep_stream_leases').selectAll().where('rep_id', '=', 'pc-killed').executeTakeFirst(),
    );
    // The process dies with the stream open: it cannot end the lease.
    await api.stop({ signal: 'SIGKILL' });
    source.close();
    // Its lease was never ended, only left to run out.
    const left = await suite.service.db
      .selectFrom('rep_stream_leases')
      .selectAll()
      .where('stream_id', '=', lease.stream_id)
      .executeTakeFirst();
    assert.ok(left === undefined || left.expires_at >= lease.expires_at, JSON.stringify({ lease, left }));

    await eventually(async () => ((await statusOf('pc-killed')) === 'away' ? true : undefined), 60_000);
    const gone = await suite.service.db
      .selectFrom('rep_stream_leases')
      .select('stream_id')
      .where('rep_id', '=', 'pc-killed')
      .execute();
    assert.deepEqual(gone, [], 'the sweep forgets leases that ran out');
  });
});
