// A complete service for one test file: its own database, its own worker and task queue on the suite's shared
// Temporal dev server, and the HTTP API on a real socket.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import type { ApiKeys } from '../../api/auth';
import { RoutingGateway } from '../../api/routing-gateway';
import { type Db, openDatabase } from '../../store/database';
import { createRoutingWorker } from '../../worker/create-worker';

// Quiet the SDK's per-worker INFO lines so test output shows results; warnings and errors still print.
Runtime.install({ logger: new DefaultLogger('WARN') });

export interface TestService {
  baseUrl: string;
  db: Db;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  keys: ApiKeys;
  /** Stops the worker mid-flight and starts a fresh one (empty workflow cache), as a redeploy would. */
  restartWorker(options?: { downtimeMs?: number }): Promise<void>;
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
  const startWorker = async () => {
    const worker: Worker = await createRoutingWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      db,
      workflowBundle: { codePath: required('TEST_WORKFLOW_BUNDLE') },
    });
    return { worker, done: worker.run() };
  };
  let running = await startWorker();
  const stopWorker = async () => {
    running.worker.shutdown();
    await running.done;
  };
  const keys = { adminKey: `admin_${randomUUID()}`, experienceKey: `exp_${randomUUID()}` };
  const app = createApp({
    db,
    keys,
    logger: pino({ level: 'silent' }),
    routings: new RoutingGateway(env.client, taskQueue),
    isReady: () => running.worker.getState() === 'RUNNING',
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
    keys,
    async restartWorker({ downtimeMs = 0 } = {}) {
      await stopWorker();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      running = await startWorker();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stopWorker();
      await env.teardown();
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
