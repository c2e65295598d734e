// A complete service for one test file: its own database, its own worker and task queue on the suite's shared
// Temporal dev server, and the HTTP API on a real socket.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { RoutingGateway } from '../../api/routing-gateway';
import { type Db, openDatabase } from '../../store/database';
import { createRoutingWorker } from '../../worker/create-worker';

export interface TestService {
  baseUrl: string;
  db: Db;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  stop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests with \`npm test\``);
  return value;
}

export async function startTestService(): Promise<TestService> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'routing-test-'));
  const db = await openDatabase({ sqliteFile: path.join(dataDir, 'routing.sqlite') });
  const env = await TestWorkflowEnvironment.createFromExistingServer({ address: required('TEST_TEMPORAL_ADDRESS') });
  const taskQueue = `test-${randomUUID()}`;
  const worker: Worker = await createRoutingWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    workflowBundlePath: required('TEST_WORKFLOW_BUNDLE'),
  });
  const workerDone = worker.run();
  const app = createApp({
    db,
    logger: pino({ level: 'silent' }),
    routings: new RoutingGateway(env.client, taskQueue),
    isReady: () => worker.getState() === 'RUNNING',
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    env,
    taskQueue,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await workerDone;
      await env.teardown();
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
