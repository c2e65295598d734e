// Outages are honest: the service (a worker process and an API process, as in scale-out) runs on a PostgreSQL server
// and a Temporal dev server of its own, so the test can stop them. Under a steady, bounded load of routings that reps
// race to accept, PostgreSQL is stopped and started again, then the Temporal server is (on the same port and state
// file). While each is down, requests that need it answer 503 with Retry-After and a code naming it (never 500) and
// /readyz names it; afterwards every routing started before, during and after reaches its outcome, with one winner.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { after, before, describe, type TestContext, test } from 'node:test';
import { promisify } from 'node:util';
import { type DevServer, startDevServer } from '../../embedded/temporal-dev-server';
import { freePort } from '../../runtime/ports';
import { type ProjectProcess, spawnProjectProcess } from '../../scripts/project-process';
import { type Db, openDatabase } from '../../store/database';
import { databaseUnderTest } from '../support/database';
import { createRule, eventually, putReps } from '../support/fixtures';
import { HttpClient, type JsonResponse } from '../support/http';

const root = path.resolve(__dirname, '..', '..');
const postgresScript = path.join(root, 'scripts', 'postgres.sh');
const reps = ['ann', 'bob', 'cid'];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs scripts/postgres.sh; returns what it printed on stdout. */
async function postgres(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [postgresScript, ...args], { cwd: root });
  return stdout;
}

/**
 * A steady, bounded load: a new routing every 100 ms (at most 20 requests in flight), and every rep accepting each
 * offer they see. Like a well-behaved client, it retries a request refused with 503 (a start under the same routing
 * id, which never starts a second routing). It records every answer that is not a success.
 */
class Load {
  /** Every routing id the load has asked to start, answered or not. */
  readonly routings: string[] = [];
  /** Routings whose start was answered 202. */
  readonly started = new Set<string>();
  /** routing id -> the reps whose accept was answered 200. */
  readonly winners = new Map<string, Set<string>>();
  /** Refusals by status and code, e.g. `503 database_unavailable`. */
  readonly refusals = new Map<string, number>();
  /** 503s that came without Retry-After. */
  missingRetryAfter = 0;
  private triggering = true;
  private running = true;
  private inFlight = 0;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly experience: HttpClient,
    private readonly repClients: Map<string, HttpClient>,
  ) {
    this.loops.push(this.trigger(), ...[...repClients.keys()].map((repId) => this.acceptOffers(repId)));
  }

  /** How many 503s with `code` the load has been answered so far. */
  unavailable(code: string): number {
    return this.refusals.get(`503 ${code}`) ?? 0;
  }

  private record(response: JsonResponse, ok: number[]): boolean {
    if (ok.includes(response.status)) return true;
    const key = `${response.status} ${response.body?.error?.code ?? ''}`;
    this.refusals.set(key, (this.refusals.get(key) ?? 0) + 1);
    if (response.status === 503 && !/^\d+$/.test(response.headers.get('retry-after') ?? '')) this.missingRetryAfter++;
    return false;
  }

  /** A request that did not get an answer at all (the API itself is never stopped here, so this is a failure). */
  private noAnswer(error: unknown): JsonResponse {
    return { status: 0, headers: new Headers(), body: { error: { code: String(error) } } };
  }

  private async trigger() {
    while (this.triggering) {
      if (this.inFlight < 20) {
        const routingId = `outage-${randomUUID()}`;
        this.routings.push(routingId);
        this.inFlight++;
        void this.start(routingId).finally(() => this.inFlight--);
      }
      await pause(100);
    }
  }

  private async start(routingId: string) {
    while (this.running) {
      const response = await this.experience
        .post('/v1/routings', { routingId, type: 'inbound', visitor: { id: `v-${routingId}`, country: 'outage' } })
        .catch((error) => this.noAnswer(error));
      if (this.record(response, [202])) {
        this.started.add(routingId);
        return;
      }
      await pause(200); // sooner than Retry-After says, to see more of the outage
    }
  }

  private async acceptOffers(repId: string) {
    const rep = this.repClients.get(repId) as HttpClient;
    const answered = new Set<string>();
    while (this.running) {
      const offers = await rep.get(`/v1/reps/${repId}/offers`).catch((error) => this.noAnswer(error));
      if (this.record(offers, [200])) {
        for (const { routingId } of offers.body.offers as { routingId: string }[]) {
          if (answered.has(routingId)) continue;
          const accepted = await rep
            .post(`/v1/routings/${routingId}/accept`, { repId })
            .catch((error) => this.noAnswer(error));
          // 200 won, 409 lost the race (or the offer was withdrawn); after a 503, try again on the next round.
          if (this.record(accepted, [200, 409]) || accepted.status === 409) answered.add(routingId);
          if (accepted.status === 200) {
            const winners = this.winners.get(routingId) ?? new Set();
            this.winners.set(routingId, winners.add(repId));
          }
        }
      }
      await pause(50);
    }
  }

  stopTriggering() {
    this.triggering = false;
  }

  async stop() {
    this.triggering = false;
    this.running = false;
    await Promise.all(this.loops);
    await eventually(async () => (this.inFlight === 0 ? true : undefined), 30_000);
  }
}

describe('outages', {
  skip:
    databaseUnderTest() === 'postgres'
      ? false
      : 'runs once, in the PostgreSQL pass: it stops and restarts a PostgreSQL server of its own (and a Temporal server)',
}, () => {
  const temporalDir = mkdtempSync(path.join(tmpdir(), 'routing-outages-'));
  const keys = { ADMIN_API_KEY: `admin_${randomUUID()}`, EXPERIENCE_API_KEY: `exp_${randomUUID()}` };
  let postgresDir: string | undefined;
  let temporalPort: number;
  let temporal: DevServer | undefined;
  let db: Db | undefined;
  let env: Record<string, string>;
  const processes: ProjectProcess[] = [];
  let http: HttpClient;
  let apiUrl: string;
  let workerHealth: string;
  const repClients = new Map<string, HttpClient>();
  let load: Load;

  const startTemporal = async () => {
    temporal = await startDevServer({
      cliPath: process.env.TEMPORAL_CLI_PATH as string,
      port: temporalPort,
      dbFile: path.join(temporalDir, 'temporal.sqlite'),
    });
  };

  function spawnProcess(role: 'api' | 'worker', port: number) {
    const started = spawnProjectProcess({ role, port, env, stdout: 'pipe', stderr: 'ignore' });
    // Only its fatal log lines (a process ending on an uncaught error) reach the test's output, not the SDK core's
    // console warnings about retrying the stopped server.
    createInterface({ input: started.child.stdout as Readable }).on('line', (line) => {
      if (line.startsWith('{')) console.log(`${role}: ${line}`);
    });
    processes.push(started);
    return started;
  }

  const readiness = (url: string) =>
    fetch(url).then(async (response) => ({ response, body: (await response.json()) as any }));

  before(async () => {
    const started = Object.fromEntries(
      (await postgres('start'))
        .trim()
        .split('\n')
        .map((line) => line.split(/=(.*)/s, 2)),
    );
    postgresDir = started.TEST_POSTGRES_DIR;
    const databaseUrl = started.TEST_POSTGRES_URL as string;
    temporalPort = await freePort();
    await startTemporal();
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    env = {
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: (temporal as DevServer).address,
      TASK_QUEUE: `outages-${randomUUID()}`,
      LOG_LEVEL: 'fatal', // rate limits: test/run.ts gives every spawned process generous ones
      ...keys,
    };
    const worker = spawnProcess('worker', metricsPort);
    const api = spawnProcess('api', apiPort);
    apiUrl = `http://127.0.0.1:${apiPort}`;
    http = new HttpClient(apiUrl, keys.ADMIN_API_KEY);
    workerHealth = `http://127.0.0.1:${metricsPort}`;
    await api.healthy();
    await worker.healthy();
    db = await openDatabase({ kind: 'postgres', url: databaseUrl });

    await putReps(http, reps);
    await createRule(http, {
      name: 'everyone at once',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'outage' }] },
      routeTo: { users: reps },
      offerTimeoutSeconds: 300, // no offer expires during an outage: each routing ends connected
    });
    for (const repId of reps) repClients.set(repId, await http.asRep(repId));
    load = new Load(http.withToken(keys.EXPERIENCE_API_KEY), repClients);
  });

  after(async () => {
    await load?.stop().catch(() => {});
    for (const started of processes) await started.stop({ signal: 'SIGKILL' });
    await db?.destroy();
    await temporal?.stop();
    if (postgresDir) await postgres('stop', postgresDir);
    rmSync(temporalDir, { recursive: true, force: true });
  });

  /** Waits until the load has been answered `count` 503s with `code`; on failure, says what it was answered. */
  const refused = (count: number, code: string) =>
    eventually(async () => (load.unavailable(code) >= count ? true : undefined), 60_000).catch((error) => {
      throw new Error(
        `${error.message}: ${count} x 503 ${code} awaited; refusals ${JSON.stringify(Object.fromEntries(load.refusals))}`,
      );
    });

  /** Waits until `count` more routings than now have been started (answered 202). */
  const moreStarted = (count: number) => {
    const target = load.started.size + count;
    return eventually(async () => (load.started.size >= target ? true : undefined), 60_000);
  };

  /** A dependency's outage as the API and the worker report it: /readyz 503 naming it, /livez still 200. */
  async function assertNotReady(dependency: 'database' | 'temporal') {
    for (const base of [apiUrl, workerHealth]) {
      const { response, body } = await eventually(async () => {
        const probe = await readiness(`${base}/readyz`);
        return probe.response.status === 503 && probe.body.error.code === `${dependency}_unavailable`
          ? probe
          : undefined;
      }, 30_000);
      assert.match(response.headers.get('retry-after') ?? '', /^\d+$/, `${base}/readyz Retry-After`);
      assert.equal(body.error.details.checks[dependency], 'unavailable');
      assert.equal((await fetch(`${base}/livez`)).status, 200, `${base}/livez while ${dependency} is down`);
    }
  }

  async function assertReadyAgain() {
    for (const base of [apiUrl, workerHealth]) {
      await eventually(
        async () => ((await readiness(`${base}/readyz`)).response.status === 200 ? true : undefined),
        60_000,
      );
    }
  }

  /**
   * Every routing the load asked for (before, during and after the outage) was started and reached its outcome
   * (connected: offers outlast the outage) with one winner: the one rep answered 200, and one conversation recorded.
   * Counts the routings that fall short (lost) before asserting there are none.
   */
  async function assertNoneLost(t: TestContext) {
    load.stopTriggering();
    await eventually(async () => (load.started.size === load.routings.length ? true : undefined), 60_000);
    const lost: string[] = [];
    for (const routingId of load.routings) {
      const { body } = await http.get(`/v1/routings/${routingId}?waitSeconds=60`);
      // The winner's accept may still be retrying a 503 when the routing closes: wait for its answer.
      const winners = await eventually(async () => load.winners.get(routingId), 30_000).catch(() => new Set());
      // So may the workflow's own write of the outcome, the API's having been refused: wait for a conversation.
      const conversations = await eventually(async () => {
        const rows = await (db as Db)
          .selectFrom('conversations')
          .select('rep_id')
          .where('routing_id', '=', routingId)
          .execute();
        return rows.length > 0 ? rows : undefined;
      }, 30_000).catch(() => []);
      const oneWinner = [body?.repId];
      const connectedOnce =
        body?.status === 'connected' &&
        JSON.stringify([...winners]) === JSON.stringify(oneWinner) &&
        JSON.stringify(conversations.map((c) => c.rep_id)) === JSON.stringify(oneWinner);
      if (!connectedOnce) lost.push(`${routingId}: ${body?.status}, told they won ${[...winners]}`);
    }
    t.diagnostic(`${load.routings.length} routings, ${lost.length} lost`);
    assert.deepEqual(lost, [], 'every routing connected, with one winner');
  }

  function assertHonestRefusals(t: TestContext, code: string) {
    const refusals = Object.fromEntries(load.refusals);
    t.diagnostic(`refusals: ${JSON.stringify(refusals)}`);
    assert.ok(load.unavailable(code) > 0, `some requests were answered 503 ${code}`);
    for (const key of load.refusals.keys()) {
      assert.ok(key.startsWith('503 ') || key.startsWith('409 '), `unexpected answer ${key}`);
    }
    assert.equal(load.missingRetryAfter, 0, 'every 503 carries Retry-After');
  }

  test('/openapi.json documents the 503 with Retry-After on every /v1 operation, and /livez and /readyz', async () => {
    const { body: document } = await http.get('/openapi.json');
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(
      ([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    const v1 = operations.filter(({ path }) => path.startsWith('/v1/'));
    assert.ok(v1.length > 30);
    for (const { path, method, operation } of v1) {
      const unavailable = operation.responses['503'];
      assert.match(unavailable?.description ?? '', /database_unavailable/, `${method} ${path}`);
      assert.equal(unavailable.headers?.['Retry-After']?.required, true, `${method} ${path} Retry-After`);
    }
    assert.match(document.paths['/v1/routings'].post.responses['503'].description, /temporal_unavailable/);
    assert.deepEqual(Object.keys(document.paths['/livez'].get.responses), ['200']);
    assert.deepEqual(Object.keys(document.paths['/readyz'].get.responses), ['200', '503']);
  });

  test('PostgreSQL stopped under load: 503 database_unavailable with Retry-After, then every routing connects once', async (t) => {
    await moreStarted(10);
    await postgres('pause', postgresDir as string);
    try {
      await assertNotReady('database');
      // Reps' requests need the database for their tokens: they are refused while it is down.
      await refused(10, 'database_unavailable');
    } finally {
      await postgres('resume', postgresDir as string);
    }
    await assertReadyAgain();
    await moreStarted(10);
    await assertNoneLost(t);
    assertHonestRefusals(t, 'database_unavailable');
    await load.stop();
  });

  test('Temporal stopped under load: 503 temporal_unavailable with Retry-After, then every routing connects once', async (t) => {
    await load.stop(); // the PostgreSQL outage's load, if that test ended early
    load = new Load(http.withToken(keys.EXPERIENCE_API_KEY), repClients);
    await moreStarted(10);
    await (temporal as DevServer).stop();
    temporal = undefined;
    try {
      await assertNotReady('temporal');
      // Starts and accepts need Temporal: they are refused (each after its call's deadline) while it is down.
      await refused(5, 'temporal_unavailable');
    } finally {
      await startTemporal(); // the same port and state file: the same server, back
    }
    await assertReadyAgain();
    await moreStarted(10);
    await assertNoneLost(t);
    assertHonestRefusals(t, 'temporal_unavailable');
    await load.stop();
  });
});
