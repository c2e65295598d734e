// Scale-out mode: two worker processes and two API processes on one Temporal server and one database. Routings
// started through either API are served by either worker, reps act through either API, a worker stopped with
// SIGTERM hands its routings to the other, and every process exits cleanly.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../runtime/ports';
import { type ProjectProcess, spawnProjectProcess } from '../../scripts/project-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createRule, eventually, offerFor, putReps } from '../support/fixtures';
import { HttpClient } from '../support/http';

describe('separate API and worker processes', () => {
  let database: TestDatabase;
  const processes: ProjectProcess[] = [];
  const workers: { process: ProjectProcess; metricsUrl: string }[] = [];
  const apis: HttpClient[] = [];
  const apiMetricsUrls: string[] = [];
  let sdkMetricsUrl: string;
  const keys = { ADMIN_API_KEY: `admin_${randomUUID()}`, EXPERIENCE_API_KEY: `exp_${randomUUID()}` };

  before(async () => {
    database = await createTestDatabase();
    const { config } = database;
    const shared: Record<string, string> = {
      TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS as string,
      TASK_QUEUE: `scale-out-${randomUUID()}`,
      LOG_LEVEL: 'warn',
      ...keys,
      ...(config.kind === 'postgres' ? { DATABASE_URL: config.url } : { DATA_DIR: path.dirname(config.file) }),
    };
    sdkMetricsUrl = `http://127.0.0.1:${await freePort()}/metrics`;
    for (let i = 0; i < 2; i++) {
      const worker = spawnProjectProcess({
        role: 'worker',
        port: await freePort(),
        // The first worker also exports the Temporal SDK's own metrics.
        env: { ...shared, ...(i === 0 && { SDK_METRICS_ADDRESS: new URL(sdkMetricsUrl).host }) },
      });
      workers.push({ process: worker, metricsUrl: `${worker.url}/metrics` });
      const api = spawnProjectProcess({ role: 'api', port: await freePort(), env: shared });
      processes.push(worker, api);
      apis.push(new HttpClient(api.url as string, keys.ADMIN_API_KEY));
      apiMetricsUrls.push(`${api.url}/metrics`);
    }
    for (const started of processes) await started.healthy();
    const [admin] = apis as [HttpClient];
    await putReps(admin, ['sol', 'tom']);
    await createRule(admin, { name: 'all', routeTo: { users: ['sol', 'tom'] }, offerTimeoutSeconds: 120 });
  });

  after(async () => {
    for (const { child } of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await database?.drop();
  });

  /** The sum of one Prometheus series (all label sets starting with `prefix`) at `metricsUrl`. */
  const counted = async (metricsUrl: string, prefix: string) => {
    const text = await (await fetch(metricsUrl)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };
  const sumOver = async (urls: readonly string[], prefix: string) =>
    (await Promise.all(urls.map((url) => counted(url, prefix)))).reduce((sum, count) => sum + count, 0);

  test('routings flow through any API to any worker, and a stopped worker hands over to the other', async () => {
    const [apiA, apiB] = apis as [HttpClient, HttpClient];
    const start = (api: HttpClient, routingId: string) =>
      api.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: `v-${routingId}` } });

    // 40 routings started through alternating APIs and accepted through the other one.
    const ids = Array.from({ length: 40 }, (_, i) => `scale-${randomUUID()}-${i}`);
    await Promise.all(ids.map((id, i) => start(i % 2 ? apiB : apiA, id)));
    await Promise.all(ids.map((id) => offerFor(apiA, 'sol', id)));
    const accepted = await Promise.all(ids.map((id, i) => (i % 2 ? apiA : apiB).accept(id, 'sol')));
    assert.ok(accepted.every((response) => response.status === 200));
    // The workers showed the offers, to sol and tom.
    const workerUrls = workers.map(({ metricsUrl }) => metricsUrl);
    await eventually(async () =>
      (await sumOver(workerUrls, 'routing_offers_total{result="made"}')) === 80 ? true : undefined,
    );
    // Each outcome is counted once, by whichever process wrote it first: the API answering or the workflow's write.
    assert.equal(await sumOver([...apiMetricsUrls, ...workerUrls], 'routing_outcomes_total{outcome="connected"'), 40);

    // The SDK's own metrics (worker task latencies, polls) are exported where asked.
    const sdkMetrics = await (await fetch(sdkMetricsUrl)).text();
    assert.match(sdkMetrics, /temporal_workflow_task_execution_latency|temporal_request/);

    // Open routings outlive the worker that started them: stop one worker, accept through the other.
    const open = Array.from({ length: 6 }, (_, i) => `handover-${randomUUID()}-${i}`);
    await Promise.all(open.map((id) => start(apiA, id)));
    await Promise.all(open.map((id) => offerFor(apiB, 'tom', id)));
    const stopped = workers[0] as { process: ProjectProcess };
    stopped.process.child.kill('SIGTERM');
    assert.equal(await stopped.process.exited, 0, 'the worker drained and exited cleanly');
    const afterStop = await Promise.all(open.map((id) => apiB.accept(id, 'tom')));
    assert.deepEqual(
      afterStop.map((response) => response.status),
      open.map(() => 200),
    );
    for (const id of open) assert.equal((await apiA.get(`/v1/routings/${id}?waitSeconds=30`)).body.status, 'connected');

    // Every remaining process stops cleanly on SIGTERM.
    for (const { child, exited } of processes) {
      if (child.exitCode !== null) continue;
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
  });
});
