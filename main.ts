// The whole service in one process: embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), worker and API.
// For scale-out, run worker/main.ts and api/main.ts as separate processes instead.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startApi } from './api/start-api';
import { loadConfig } from './config';
import { startDevServer } from './embedded/temporal-dev-server';
import { Lifecycle } from './runtime/lifecycle';
import { installSdkRuntime } from './runtime/sdk-runtime';
import { type TemporalTarget, temporalTargetFromEnvironment } from './runtime/temporal';
import { openDatabase } from './store/database';
import { startConfiguredWorker } from './worker/start-configured-worker';
import { routingWorkflowCode } from './worker/workflow-code';

async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  installSdkRuntime(logger, config.SDK_METRICS_ADDRESS);
  mkdirSync(config.dataDir, { recursive: true });
  const lifecycle = new Lifecycle(logger);
  lifecycle.stopOnSignals();
  lifecycle.logFatalErrors();

  // Run from the sources, bundling takes seconds: do it while the dev server starts.
  const workflowBundle = routingWorkflowCode(logger);
  let target: TemporalTarget;
  if (config.TEMPORAL_ADDRESS) {
    target = temporalTargetFromEnvironment(config.TEMPORAL_NAMESPACE);
  } else {
    if (!config.TEMPORAL_CLI_PATH) throw new Error('TEMPORAL_CLI_PATH is not set: start with `npm start`');
    logger.info({ port: config.TEMPORAL_PORT }, 'starting the embedded Temporal dev server');
    const devServer = await startDevServer({
      cliPath: config.TEMPORAL_CLI_PATH,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
      pidFile: path.join(config.dataDir, 'temporal.pid'),
    });
    lifecycle.onStop('temporal dev server', () => devServer.stop());
    logger.info({ ui: `http://localhost:${config.TEMPORAL_UI_PORT}` }, 'Temporal Web UI');
    target = { connection: { address: devServer.address }, namespace: config.TEMPORAL_NAMESPACE };
  }

  const db = await openDatabase(config.database);
  lifecycle.onStop('database', () => db.destroy());
  const worker = await startConfiguredWorker(config, { target, db, workflowBundle, logger, lifecycle });
  const api = await startApi({
    config,
    target,
    db,
    logger,
    lifecycle,
    isReady: worker.isRunning,
    workerConnection: worker.connection,
  });
  logger.info(
    { url: api.url, temporal: target.connection.address, database: config.database.kind },
    'routing service ready',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
