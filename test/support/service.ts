// A complete service for one test file: its own database, its own worker and task queue on the suite's shared
// Temporal dev server, and the HTTP API on a real socket.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { type ApiServer, createApiServer } from '../../api/api-server';
import type { ApiKeys } from '../../api/auth';
import type { ConsoleLeaseOptions } from '../../api/console-leases';
import type { RateLimits } from '../../api/rate-limits';
import type { RepEventHubOptions } from '../../api/rep-event-hub';
import { outboundPolicy } from '../../outbound/destination-policy';
import { dataConverter } from '../../runtime/payload-compression';
import { type DatabaseConfig, type Db, openDatabase } from '../../store/database';
import { SecretBox } from '../../store/secret-box';
import { createRoutingWorker } from '../../worker/create-worker';
import { openConnectionSync } from '../../worker/start-worker';
import type { WebhookRetry } from '../../workflows/deliver-webhook';
import { createTestDatabase } from './database';

// Quiet the SDK's per-worker INFO lines so test output shows results; warnings and errors still print.
Runtime.install({ logger: new DefaultLogger('WARN') });

/** Webhook retries a test can wait for: 300 ms, 600 ms, then 1 s apart, five attempts in all. */
export const testWebhookRetry: WebhookRetry = { initialIntervalMs: 300, maximumIntervalMs: 1000, maximumAttempts: 5 };

/** Far above what any test (or Schemathesis) sends in a minute, so only the rate-limit test meets a limit. */
export const testRateLimits: RateLimits = {
  windowSeconds: 60,
  experience: 1_000_000,
  rep: 1_000_000,
  admin: 1_000_000,
  unauthenticated: 1_000_000,
};

export interface TestService {
  baseUrl: string;
  db: Db;
  /** Where `db` lives, to open another connection as another process would. */
  database: DatabaseConfig;
  env: TestWorkflowEnvironment;
  taskQueue: string;
  keys: ApiKeys;
  /** Seals connection secrets: the API's, for any worker or session the test builds on the same database. */
  connectionSecrets: SecretBox;
  /** Another API server on the same database, e.g. one that only polls for events, as a separate process would. */
  startAnotherApi(hubOptions?: RepEventHubOptions): Promise<string>;
  /** Stops the worker mid-flight and starts a fresh one (empty workflow cache), as a redeploy would. */
  restartWorker(options?: { downtimeMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests with \`npm test\``);
  return value;
}

export async function startTestService(
  options: {
    rateLimits?: RateLimits;
    /** OUTBOUND_ALLOWED_HOSTS: by default 127.0.0.1, where tests run their webhook receivers. */
    outboundAllowedHosts?: string[];
    /** The API's logger; silent by default. */
    logger?: Logger;
    /** Leases reps' own event streams, as CONSOLE_PRESENCE_GRACE_SECONDS does; off by default. */
    consolePresence?: ConsoleLeaseOptions;
    /** Routings per page of a what-if replay; the service's default when unset. */
    whatIfPageSize?: number;
  } = {},
): Promise<TestService> {
  const outbound = outboundPolicy(options.outboundAllowedHosts ?? ['127.0.0.1']);
  const database = await createTestDatabase();
  const db = await openDatabase(database.config);
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: required('TEST_TEMPORAL_ADDRESS'),
    client: { dataConverter },
  });
  const taskQueue = `test-${randomUUID()}`;
  // On the worker's own connection, as the all-in-one process does, so routings start eagerly on this worker.
  const client = new Client({ connection: env.nativeConnection, namespace: 'default', dataConverter });
  const connectionSecrets = new SecretBox(randomBytes(32));
  // Syncs started through the API run on this worker, as they do on a real one.
  const connectionSync = openConnectionSync(db, connectionSecrets, outbound);
  const startWorker = async () => {
    const worker: Worker = await createRoutingWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      db,
      workflowBundle: { codePath: required('TEST_WORKFLOW_BUNDLE') },
      activities: { webhookRetry: testWebhookRetry, outboundPolicy: outbound },
      connectionSync: connectionSync.options,
    });
    return { worker, done: worker.run() };
  };
  let running = await startWorker();
  const stopWorker = async () => {
    running.worker.shutdown();
    await running.done;
  };
  const keys = { adminKey: `admin_${randomUUID()}`, experienceKey: `exp_${randomUUID()}` };
  const apis: ApiServer[] = [];
  /** An API server over this service's database and task queue, like one more API process would be. */
  const listenApi = async (hubOptions: RepEventHubOptions = {}) => {
    const api = createApiServer({
      db,
      client,
      taskQueue,
      webhookRetry: testWebhookRetry,
      gateway: {
        eagerStart: true,
        longPollClient: env.client, // on a Connection, whose calls an abort signal cancels
      },
      keys,
      logger: options.logger ?? pino({ level: 'silent' }),
      isReady: () => running.worker.getState() === 'RUNNING',
      rateLimits: options.rateLimits ?? testRateLimits,
      outboundPolicy: outbound,
      connectionSecrets,
      events: hubOptions,
      heartbeatMs: 200,
      ...(options.consolePresence && { consolePresence: options.consolePresence }),
      ...(options.whatIfPageSize !== undefined && { whatIfPageSize: options.whatIfPageSize }),
    });
    const { port } = await api.listen(0, '127.0.0.1');
    apis.push(api);
    return `http://127.0.0.1:${port}`;
  };
  const baseUrl = await listenApi({ wakeOnAppendsTo: database.config });
  return {
    baseUrl,
    startAnotherApi: listenApi,
    db,
    database: database.config,
    env,
    taskQueue,
    keys,
    connectionSecrets,
    async restartWorker({ downtimeMs = 0 } = {}) {
      await stopWorker();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      running = await startWorker();
    },
    async stop() {
      for (const api of apis) await api.close(0);
      await stopWorker();
      await connectionSync.close();
      await env.teardown();
      await db.destroy();
      await database.drop();
    },
  };
}
