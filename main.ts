// The whole service in one process: embedded Temporal dev server (unless TEMPORAL_ADDRESS is set), worker and API.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { resolveApiKeys } from './api/api-keys';
import { createApp } from './api/app';
import { RoutingGateway } from './api/routing-gateway';
import { loadConfig } from './config';
import { type DevServer, startDevServer } from './embedded/temporal-dev-server';
import { openDatabase } from './store/database';
import { bundleRoutingWorkflows, createRoutingWorker } from './worker/create-worker';
import { sdkLogger } from './worker/sdk-logger';

async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  Runtime.install({ logger: sdkLogger(logger.child({ component: 'temporal-sdk' })) });
  mkdirSync(config.dataDir, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error) => logger.error({ err: error }, 'shutdown step failed'));
    }
    logger.info('stopped');
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return; // a second Ctrl-C while draining changes nothing
      stopping = true;
      void shutdown(signal).then(() => process.exit(0));
    });
  }

  // Bundling takes seconds: do it while the dev server starts.
  const workflowBundle = bundleRoutingWorkflows(logger);
  let devServer: DevServer | undefined;
  if (!config.TEMPORAL_ADDRESS) {
    if (!config.TEMPORAL_CLI_PATH) throw new Error('TEMPORAL_CLI_PATH is not set: start with `npm start`');
    logger.info({ port: config.TEMPORAL_PORT }, 'starting the embedded Temporal dev server');
    devServer = await startDevServer({
      cliPath: config.TEMPORAL_CLI_PATH,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      dbFile: path.join(config.dataDir, 'temporal.sqlite'),
      namespace: config.TEMPORAL_NAMESPACE,
      pidFile: path.join(config.dataDir, 'temporal.pid'),
    });
    cleanups.push(() => (devServer as DevServer).stop());
    logger.info({ ui: `http://localhost:${config.TEMPORAL_UI_PORT}` }, 'Temporal Web UI');
  }
  const address = config.TEMPORAL_ADDRESS ?? (devServer as DevServer).address;

  const db = await openDatabase({ sqliteFile: path.join(config.dataDir, 'routing.sqlite') });
  cleanups.push(() => db.destroy());

  const workerConnection = await NativeConnection.connect({ address });
  cleanups.push(() => workerConnection.close());
  const worker = await createRoutingWorker({
    connection: workerConnection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TASK_QUEUE,
    db,
    workflowBundle: await workflowBundle,
  });
  const workerDone = worker.run();
  cleanups.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerDone;
  });

  const clientConnection = await Connection.connect({ address });
  cleanups.push(() => clientConnection.close());
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const keys = resolveApiKeys(config, config.dataDir);
  if (keys.storedIn) {
    // Local mode: print the generated keys so the person who just started the service can use it.
    logger.info(
      { file: keys.storedIn },
      'API keys (local mode; set ADMIN_API_KEY / EXPERIENCE_API_KEY to choose your own)',
    );
    console.log(`ADMIN_API_KEY=${keys.adminKey}\nEXPERIENCE_API_KEY=${keys.experienceKey}`);
  }
  const app = createApp({
    db,
    keys,
    logger,
    routings: new RoutingGateway(client, config.TASK_QUEUE),
    isReady: () => worker.getState() === 'RUNNING',
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(config.PORT, () => resolve(listening));
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  logger.info({ url: `http://localhost:${config.PORT}`, temporal: address }, 'routing service ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
