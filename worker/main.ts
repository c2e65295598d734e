// A worker process for scale-out: runs routing workflows and activities against a Temporal cluster and the shared
// database. Start as many as the load needs; they share the task queue. Metrics on METRICS_PORT.
import { createServer } from 'node:http';
import { registry } from '../observability/metrics';
import { startProcess } from '../runtime/process';
import { bundleRoutingWorkflows } from './create-worker';
import { retentionPolicyFrom } from './retention-schedule';
import { startWorker } from './start-worker';

async function main() {
  const { config, logger, lifecycle, target, db } = await startProcess('worker');
  await startWorker({
    target,
    taskQueue: config.TASK_QUEUE,
    db,
    workflowBundle: bundleRoutingWorkflows(logger),
    logger,
    lifecycle,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    retention: retentionPolicyFrom(config),
    outboundPolicy: config.outboundPolicy,
  });

  // The worker's own counters (outcomes, offers, latencies) are recorded here, so it serves them itself.
  const metrics = createServer(async (req, res) => {
    if (req.url !== '/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve) => metrics.listen(config.METRICS_PORT, resolve));
  lifecycle.onStop('metrics server', () => new Promise((resolve) => metrics.close(resolve)));
  logger.info({ temporal: target.connection.address, metricsPort: config.METRICS_PORT }, 'worker ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
