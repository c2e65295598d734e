// Faults survived: the worker SIGKILLed during an offer and during a round-robin timeout, the all-in-one process
// killed in the first task of a routing it started eagerly, the Temporal server restarted, the API stopped while
// routings run. Afterwards every routing reaches its correct outcome, no rep is
// offered twice, and no conversation is assigned twice.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { type DevServer, startDevServer } from '../../embedded/temporal-dev-server';
import { freePort } from '../../runtime/ports';
import { type ProjectProcess, spawnProjectProcess, startProjectProcess } from '../../scripts/project-process';
import { type Db, openDatabase } from '../../store/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createRule, eventually, offerFor, putReps } from '../support/fixtures';
import { HttpClient } from '../support/http';

const sleepBriefly = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('faults', () => {
  const temporalDir = mkdtempSync(path.join(tmpdir(), 'routing-faults-'));
  let temporalPort: number;
  let server: DevServer;
  let database: TestDatabase;
  let db: Db;
  let env: Record<string, string>;
  let worker: ProjectProcess;
  let api: ProjectProcess;
  let http: HttpClient;
  let apiPort: number;
  const keys = { ADMIN_API_KEY: `admin_${randomUUID()}`, EXPERIENCE_API_KEY: `exp_${randomUUID()}` };

  const startServer = () =>
    startDevServer({
      cliPath: process.env.TEMPORAL_CLI_PATH as string,
      port: temporalPort,
      dbFile: path.join(temporalDir, 'temporal.sqlite'),
    });

  async function startWorker() {
    worker = await startProjectProcess({ role: 'worker', port: await freePort(), env });
  }

  async function startApi() {
    api = await startProjectProcess({ role: 'api', port: apiPort, env });
  }

  before(async () => {
    temporalPort = await freePort();
    server = await startServer();
    database = await createTestDatabase();
    db = await openDatabase(database.config);
    const { config } = database;
    apiPort = await freePort();
    env = {
      TEMPORAL_ADDRESS: server.address,
      TASK_QUEUE: `faults-${randomUUID()}`,
      LOG_LEVEL: 'error',
      ...keys,
      ...(config.kind === 'postgres' ? { DATABASE_URL: config.url } : { DATA_DIR: path.dirname(config.file) }),
    };
    http = new HttpClient(`http://127.0.0.1:${apiPort}`, keys.ADMIN_API_KEY);
    await startWorker();
    await startApi();
    await putReps(http, ['ann', 'bob', 'cid']);
    const rule = (name: string, extra: Record<string, unknown>) =>
      createRule(http, { name, criteria: { all: [{ field: 'country', op: 'equals', value: name }] }, ...extra });
    await rule('standing', { routeTo: { users: ['ann', 'bob'] }, offerTimeoutSeconds: 120 });
    await rule('turns', {
      routeTo: { users: ['ann', 'bob', 'cid'] },
      distribution: 'round_robin',
      offerTimeoutSeconds: 4, // long enough to accept the next offer after a worker restart on a slow machine
    });
    await rule('booker', { routeTo: { users: ['cid'] }, offerTimeoutSeconds: 3 });
  });

  after(async () => {
    for (const process of [worker, api]) if (process?.child.exitCode === null) process.child.kill('SIGKILL');
    await db?.destroy();
    await database?.drop();
    await server?.stop();
    rmSync(temporalDir, { recursive: true, force: true });
  });

  const route = async (country: string) => {
    const routingId = `fault-${country}-${randomUUID()}`;
    const response = await http.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, country },
    });
    assert.equal(response.status, 202);
    return routingId;
  };
  const outcome = async (routingId: string) => (await http.get(`/v1/routings/${routingId}?waitSeconds=60`)).body;

  /** What the database recorded: each rep offered at most once, and at most one conversation. */
  async function assertRecordedOnce(routingId: string, repId: string | null) {
    const offers = await db.selectFrom('offers').select('rep_id').where('routing_id', '=', routingId).execute();
    assert.equal(new Set(offers.map((o) => o.rep_id)).size, offers.length, 'no rep offered twice');
    const conversations = await db
      .selectFrom('conversations')
      .selectAll()
      .where('routing_id', '=', routingId)
      .execute();
    assert.deepEqual(
      conversations.map((c) => c.rep_id),
      repId ? [repId] : [],
    );
  }

  test('worker SIGKILLed while an offer stands: a new worker carries on and the accept connects once', async () => {
    const routingId = await route('standing');
    await offerFor(http, 'ann', routingId);
    worker.child.kill('SIGKILL');
    await worker.exited;
    await startWorker();
    const [ann, bob] = await Promise.all([http.accept(routingId, 'ann'), http.accept(routingId, 'bob')]);
    assert.deepEqual([ann.status, bob.status].sort(), [200, 409]);
    const state = await outcome(routingId);
    assert.equal(state.status, 'connected');
    assert.equal(state.offers.length, 2);
    await assertRecordedOnce(routingId, state.repId);
  });

  /** Resolves once the instrumented worker says it polls (it has no health endpoint to wait for). */
  function saysPolling(instrumented: ProjectProcess): Promise<void> {
    return new Promise((resolve, reject) => {
      createInterface({ input: instrumented.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        if (line === 'polling') resolve();
      });
      void instrumented.exited.then((code) =>
        reject(new Error(`the instrumented worker exited (${code}) before polling`)),
      );
    });
  }

  test('worker killed after showing offers, before its task was recorded: the retry withdraws what it no longer offers', async () => {
    worker.child.kill('SIGKILL');
    await worker.exited;
    const dying = spawnProjectProcess({
      role: 'worker',
      entry: 'test/support/worker-dying-after-offer.ts',
      env: { ...env, DIE_AFTER_OFFER_PREFIX: 'fault-dying-' },
      stdout: 'pipe',
    });
    // Routed only once it polls: loading the project takes seconds on a busy machine, more than an offer's wait.
    await saysPolling(dying);
    const routingId = `fault-dying-${randomUUID()}`;
    await http.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, country: 'standing' },
    });
    await offerFor(http, 'bob', routingId); // shown by a workflow task that will never complete
    await dying.exited;
    await putReps(http, ['bob'], 'away'); // so the retried task offers ann alone
    try {
      await startWorker();
      const [ann, bob] = await Promise.all([http.accept(routingId, 'ann'), http.accept(routingId, 'bob')]);
      assert.deepEqual([ann.status, bob.status], [200, 409]);
      const state = await outcome(routingId);
      assert.equal(state.repId, 'ann');
      assert.deepEqual(
        state.offers.map((offer: { repId: string }) => offer.repId),
        ['ann'],
      );
      const offers = await db
        .selectFrom('offers')
        .select(['rep_id', 'result'])
        .where('routing_id', '=', routingId)
        .orderBy('rep_id')
        .execute();
      assert.deepEqual(
        offers.map((offer) => `${offer.rep_id} ${offer.result}`),
        ['ann accepted', 'bob withdrawn'],
      );
      await assertRecordedOnce(routingId, 'ann');
    } finally {
      await putReps(http, ['bob']);
    }
  });

  test('the all-in-one process dies in the first task of a routing it started eagerly: the retry offers it', async () => {
    worker.child.kill('SIGKILL');
    api.child.kill('SIGTERM');
    await Promise.all([worker.exited, api.exited]);
    // API and worker in one process, as `npm start` runs them: the start hands the first task to this worker.
    const dying = spawnProjectProcess({
      role: 'all-in-one',
      entry: 'test/support/worker-dying-after-offer.ts',
      port: apiPort,
      env: { ...env, DIE_AFTER_OFFER_PREFIX: 'fault-eager-', WITH_API: '1' },
    });
    await dying.healthy();
    const routingId = `fault-eager-${randomUUID()}`;
    const started = await http.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, country: 'standing' },
    });
    assert.equal(started.status, 202);
    await dying.exited; // killed itself once beginRouting showed the offers
    await startWorker();
    await startApi();
    const [ann, bob] = await Promise.all([http.accept(routingId, 'ann'), http.accept(routingId, 'bob')]);
    assert.deepEqual([ann.status, bob.status].sort(), [200, 409]);
    const state = await outcome(routingId);
    assert.equal(state.status, 'connected');
    await assertRecordedOnce(routingId, state.repId);
    // The first task died with the process that held it and was retried: Temporal timed it out.
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection });
      const history = await client.workflow.getHandle(routingId).fetchHistory();
      assert.ok(history.events?.some((event) => event.workflowTaskTimedOutEventAttributes));
    } finally {
      await connection.close();
    }
  });

  test('worker SIGKILLed during a round-robin timeout: the rotation continues without offering anyone twice', async () => {
    const routingId = await route('turns');
    const first = await eventually(
      async () => (await http.get(`/v1/routings/${routingId}`)).body.offers[0]?.repId as string | undefined,
    );
    worker.child.kill('SIGKILL');
    await worker.exited;
    await new Promise((resolve) => setTimeout(resolve, 4500)); // the first rep's offer times out with no worker
    await startWorker();
    const second = await eventually(async () => {
      const { body } = await http.get(`/v1/routings/${routingId}`);
      // (Until the new worker has processed the timeout, a query can still show the first offer pending.)
      return body.offers.find((o: { repId: string; result: string }) => o.result === 'pending' && o.repId !== first)
        ?.repId as string | undefined;
    }, 60_000);
    assert.equal((await http.accept(routingId, second)).status, 200);
    const state = await outcome(routingId);
    assert.equal(state.status, 'connected');
    assert.deepEqual(
      state.offers.map((o: { repId: string; result: string }) => o.result),
      ['timed_out', 'accepted'],
    );
    await assertRecordedOnce(routingId, second);
  });

  test('the Temporal server restarts while offers stand: routings continue', async () => {
    const routingId = await route('standing');
    await offerFor(http, 'bob', routingId);
    await server.stop();
    server = await startServer();
    const accepted = await eventually(async () => {
      const response = await http.accept(routingId, 'bob');
      return response.status === 200 ? response : undefined;
    }, 60_000);
    assert.equal(accepted.status, 200);
    const state = await outcome(routingId);
    assert.equal(state.status, 'connected');
    await assertRecordedOnce(routingId, 'bob');
  });

  test('the API stops while routings run: they still reach their outcome, read after it returns', async () => {
    const routingId = await route('booker');
    await offerFor(http, 'cid', routingId);
    // Clients keep reusing keep-alive connections while it drains; it must still finish and exit cleanly.
    let hammering = true;
    const hammer = (async () => {
      while (hammering) await http.get('/v1/users').catch(() => sleepBriefly());
    })();
    api.child.kill('SIGTERM');
    assert.equal(await api.exited, 0);
    hammering = false;
    await hammer;
    await new Promise((resolve) => setTimeout(resolve, 3500)); // the offer times out while no API runs
    await startApi();
    const state = await outcome(routingId);
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker, { userIds: ['cid'] });
    await assertRecordedOnce(routingId, null);
  });
});
