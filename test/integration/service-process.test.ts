// The start command's process as a user runs it: embedded dev server, worker and API in one process, stopped with
// SIGTERM and started again over the same data directory while a routing is open.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { freePort } from '../../runtime/ports';
import { type ProjectProcess, startProjectProcess } from '../../scripts/project-process';
import { createTestDatabase, databaseUnderTest, type TestDatabase } from '../support/database';
import { createRule, offerFor, putReps } from '../support/fixtures';
import { HttpClient } from '../support/http';

describe('the all-in-one service process', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'routing-service-'));
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  // On PostgreSQL each test's service keeps its data in a fresh database named by DATABASE_URL; on SQLite in DATA_DIR.
  const databases: TestDatabase[] = [];
  after(async () => {
    for (const database of databases) await database.drop();
  });
  async function databaseEnv(): Promise<NodeJS.ProcessEnv> {
    const database = databaseUnderTest() === 'postgres' ? await createTestDatabase() : undefined;
    if (database?.config.kind !== 'postgres') return {};
    databases.push(database);
    return { DATABASE_URL: database.config.url };
  }

  async function startService(ports: { api: number; temporal: number; ui: number }, env: NodeJS.ProcessEnv = {}) {
    const service = await startProjectProcess({
      role: 'all-in-one',
      port: ports.api,
      env: {
        DATA_DIR: dataDir,
        TEMPORAL_PORT: String(ports.temporal),
        TEMPORAL_UI_PORT: String(ports.ui),
        LOG_LEVEL: 'warn',
        ...env,
      },
      timeoutMs: 90_000,
    });
    // Local mode: the keys were generated into the data directory (or given in the environment).
    const keysFile = path.join(env.DATA_DIR ?? dataDir, 'api-keys.json');
    const adminKey = env.ADMIN_API_KEY ?? JSON.parse(readFileSync(keysFile, 'utf8')).adminKey;
    return {
      child: service.child,
      http: new HttpClient(service.url as string, adminKey),
      exited: service.exited,
      keysFile,
    };
  }

  async function stop(service: Pick<ProjectProcess, 'child' | 'exited'>) {
    service.child.kill('SIGTERM');
    return service.exited;
  }

  test('SIGTERM stops everything cleanly and a restart resumes the open routing', async () => {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    const database = await databaseEnv();
    const first = await startService(ports, database);
    assert.equal(statSync(first.keysFile).mode & 0o777, 0o600, 'generated keys are readable by the owner only');
    assert.equal((await new HttpClient(`http://127.0.0.1:${ports.api}`).get('/v1/users')).status, 401);
    await putReps(first.http, ['max']);
    await createRule(first.http, { name: 'all', routeTo: { users: ['max'] }, offerTimeoutSeconds: 300 });
    const started = await first.http.post('/v1/routings', {
      routingId: 'survives-restart',
      type: 'inbound',
      visitor: { id: 'v1' },
    });
    assert.equal(started.status, 202);
    await offerFor(first.http, 'max', 'survives-restart');

    assert.equal(await stop(first), 0);
    assert.ok(!existsSync(path.join(dataDir, 'temporal.pid')), 'the dev server was stopped and its pid file removed');

    const second = await startService(ports, database);
    try {
      const offers = await second.http.get('/v1/reps/max/offers');
      assert.equal(offers.body.offers[0]?.routingId, 'survives-restart');
      const accepted = await second.http.accept('survives-restart', 'max');
      assert.deepEqual([accepted.status, accepted.body], [200, { outcome: 'connected' }]);
      const state = await second.http.get('/v1/routings/survives-restart?waitSeconds=10');
      assert.equal(state.body.status, 'connected');
      assert.equal(state.body.ruleSetVersion, 1);
    } finally {
      assert.equal(await stop(second), 0);
    }
    assert.ok(readFileSync(path.join(dataDir, 'temporal.sqlite')).length > 0);
    assert.equal(
      existsSync(path.join(dataDir, 'routing.sqlite')),
      databaseUnderTest() === 'sqlite',
      'routing data is in the SQLite file unless DATABASE_URL names a PostgreSQL database',
    );
  });

  test('with TEMPORAL_ADDRESS set it uses that server and starts none of its own', async () => {
    const temporalPort = await freePort();
    const service = await startService(
      { api: await freePort(), temporal: temporalPort, ui: await freePort() },
      {
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        TASK_QUEUE: `external-${process.pid}`,
        DATA_DIR: mkdtempSync(path.join(tmpdir(), 'routing-external-')),
        ...(await databaseEnv()),
      },
    );
    try {
      await putReps(service.http, ['ida']);
      await createRule(service.http, { name: 'all', routeTo: { users: ['ida'] } });
      const routingId = `external-${process.pid}-${Date.now()}`;
      await service.http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v' } });
      await offerFor(service.http, 'ida', routingId);
      assert.equal((await service.http.accept(routingId, 'ida')).status, 200);
      // The routing ran on the suite's server; nothing listens where a dev server of its own would be.
      const description = await fetch(`http://127.0.0.1:${temporalPort}`).catch((error: Error) => error);
      assert.ok(description instanceof Error);
    } finally {
      assert.equal(await stop(service), 0);
    }
  });
});
