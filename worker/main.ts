// A worker process for scale-out: runs routing workflows and activities against a Temporal cluster and the shared
// database. Start as many as the load needs; they share the task queue. On METRICS_PORT it serves /metrics, and
// /livez and /readyz for its supervisor (readiness: database and Temporal answer, the worker polls).
import { createServer } from 'node:http';
import { registry } from '../observability/metrics';
import { startProcess } from '../runtime/process';
import { databaseCheck, liveness, probeReadiness, temporalCheck } from '../runtime/readiness';
import { installSdkRuntime } from '../runtime/sdk-runtime';
import { startConfiguredWorker } from './start-configured-worker';
import { routingWorkflowCode } from './workflow-code';

async function main() {
  const { config, logger, lifecycle, target, db } = await startProcess('worker');
  installSdkRuntime(logger, config.SDK_METRICS_ADDRESS); // before the worker's connection is made
  const worker = await startConfiguredWorker(config, {
    target,
    db,
    workflowBundle: routingWorkflowCode(logger),
    logger,
    lifecycle,
  });
  const readinessChecks = {
    database: databaseCheck(db),
    temporal: temporalCheck(worker.connection),
    worker: async () => {
      if (!worker.isRunning()) throw new Error('the worker is not polling');
    },
  };

  // The worker's own counters (outcomes, offers, latencies) are recorded here, so it serves them itself.
  const server = createServer(async (req, res) => {
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    try {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
      } else if (req.url === '/livez') {
        json(liveness.status, liveness.body);
      } else if (req.url === '/readyz') {
        const readiness = await probeReadiness(readinessChecks);
        json(readiness.status, readiness.body, readiness.headers);
      } else {
        json(404, { error: { code: 'not_found', message: `no route for ${req.method} ${req.url}` } });
      }
    } catch (error) {
      logger.error({ err: error, path: req.url }, 'health or metrics request failed');
      if (!res.headersSent) json(500, { error: { code: 'internal', message: 'internal error' } });
    }
  });
  await new Promise<void>((resolve) => server.listen(config.METRICS_PORT, resolve));
  lifecycle.onStop('metrics and health server', () => new Promise((resolve) => server.close(resolve)));
  logger.info({ temporal: target.connection.address, metricsPort: config.METRICS_PORT }, 'worker ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
