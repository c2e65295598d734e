// Faults only a Temporal cluster has: its history service killed while offers stand, its matching service and its
// frontend restarted, each while routings flow through two API and two worker processes. Every routing reaches
// its outcome, with exactly one winner among reps racing through different APIs, and nothing is lost.
// Runs in the suite's cluster pass (TEST_CLUSTER_DIR names the local cluster the suite started).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../runtime/ports';
import { type ClusterService, startService, stopService, waitForFrontend } from '../../scripts/cluster/local-cluster';
import { type ProjectProcess, startProjectProcess } from '../../scripts/project-process';
import { type Db, openDatabase } from '../../store/database';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createRule, putReps } from '../support/fixtures';
import { HttpClient, type JsonResponse } from '../support/http';

const clusterDir = process.env.TEST_CLUSTER_DIR;
const serverDir = process.env.TEST_TEMPORAL_SERVER_DIR;
const address = process.env.TEST_TEMPORAL_ADDRESS as string;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Routings started per fault, one every 150 ms; the fault strikes after the first third. */
const ROUTINGS_PER_FAULT = 24;

describe('a Temporal cluster losing a service under load', { skip: !clusterDir && 'runs in the cluster pass' }, () => {
  let database: TestDatabase;
  let db: Db;
  const processes: ProjectProcess[] = [];
  let apis: HttpClient[];
  const keys = { ADMIN_API_KEY: `admin_${randomUUID()}`, EXPERIENCE_API_KEY: `exp_${randomUUID()}` };

  before(async () => {
    database = await createTestDatabase();
    db = await openDatabase(database.config);
    const { config } = database;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: address,
      TASK_QUEUE: `cluster-faults-${randomUUID()}`,
      LOG_LEVEL: 'error',
      ...keys,
      ...(config.kind === 'postgres' ? { DATABASE_URL: config.url } : { DATA_DIR: config.file }),
    };
    for (let i = 0; i < 2; i++) {
      processes.push(await startProjectProcess({ role: 'worker', port: await freePort(), env }));
    }
    apis = [];
    for (let i = 0; i < 2; i++) {
      const api = await startProjectProcess({ role: 'api', port: await freePort(), env });
      processes.push(api);
      apis.push(new HttpClient(api.url as string, keys.ADMIN_API_KEY));
    }
    await putReps(apis[0] as HttpClient, ['ann', 'bob']);
    await createRule(apis[0] as HttpClient, {
      name: 'both',
      routeTo: { users: ['ann', 'bob'] },
      offerTimeoutSeconds: 300,
    });
  });

  after(async () => {
    for (const process of processes) await process.stop();
    await db?.destroy();
    await database?.drop();
  });

  /**
   * Sends until the service gives a definite answer: a refused connection, a 502/503/504 or a timeout means a part
   * is down for the moment, which is what a client retries through. Any other answer is returned.
   */
  async function definite(send: () => Promise<JsonResponse>): Promise<JsonResponse> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const response = await send().catch(() => undefined);
      if (response && ![502, 503, 504].includes(response.status)) return response;
      if (Date.now() > deadline) throw new Error(`no definite answer within 90 s (last: ${response?.status})`);
      await sleep(200);
    }
  }

  /** One visitor's journey: triggered, offered to both reps, and both accept at once through different APIs. */
  async function visit(label: string) {
    const [first, second] = apis as [HttpClient, HttpClient];
    const routingId = `cluster-${label}-${randomUUID()}`;
    const experience = first.withToken(keys.EXPERIENCE_API_KEY);
    const started = await definite(() =>
      experience.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: `v-${routingId}` } }),
    );
    assert.equal(started.status, 202, JSON.stringify(started.body));
    for (const rep of ['ann', 'bob']) {
      await definite(async () => {
        const offers = await first.get(`/v1/reps/${rep}/offers`);
        const offered = offers.body?.offers?.some((offer: { routingId: string }) => offer.routingId === routingId);
        // Not offered yet reads as "retry", like a part that is down.
        return offered || offers.status !== 200 ? offers : { ...offers, status: 503 };
      });
    }
    const answers = await Promise.all([
      definite(async () => (await first.asRep('ann')).post(`/v1/routings/${routingId}/accept`, { repId: 'ann' })),
      definite(async () => (await second.asRep('bob')).post(`/v1/routings/${routingId}/accept`, { repId: 'bob' })),
    ]);
    return { routingId, statuses: answers.map((answer) => answer.status).sort() };
  }

  /** Routings flow while `fault` strikes; every one must connect exactly once. */
  async function underLoad(label: string, fault: () => Promise<void>) {
    const visits: Promise<{ routingId: string; statuses: number[] }>[] = [];
    let faulted: Promise<void> | undefined;
    for (let i = 0; i < ROUTINGS_PER_FAULT; i++) {
      if (i === Math.floor(ROUTINGS_PER_FAULT / 3)) faulted = fault();
      visits.push(visit(`${label}-${i}`));
      await sleep(150);
    }
    await faulted;
    const results = await Promise.all(visits);
    for (const { routingId, statuses } of results) {
      assert.deepEqual(statuses, [200, 409], `${routingId}: one winner, one told already_assigned`);
      const state = await definite(() => (apis[1] as HttpClient).get(`/v1/routings/${routingId}?waitSeconds=30`));
      assert.equal(state.body.status, 'connected', routingId);
      const conversations = await db
        .selectFrom('conversations')
        .select('rep_id')
        .where('routing_id', '=', routingId)
        .execute();
      assert.deepEqual(
        conversations.map((row) => row.rep_id),
        [state.body.repId],
        `${routingId}: one conversation, the winner's`,
      );
    }
  }

  const restart = (service: ClusterService, signal: NodeJS.Signals, downMs: number) => async () => {
    await stopService(clusterDir as string, service, signal);
    await sleep(downMs);
    startService({ dir: clusterDir as string, serverDir: serverDir as string }, service);
    await waitForFrontend(address, 120_000);
  };

  test('history service SIGKILLed while offers stand', () =>
    underLoad('history', restart('history', 'SIGKILL', 1_000)));

  test('matching service restarted', () => underLoad('matching', restart('matching', 'SIGTERM', 500)));

  test('frontend restarted', () => underLoad('frontend', restart('frontend', 'SIGTERM', 500)));
});
