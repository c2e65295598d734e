// Starts a routing worker in this process and registers its orderly stop: on shutdown it stops polling and lets
// the tasks it holds finish before the process exits.
import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ConnectionSyncOptions } from '../activities/connection-sync';
import type { LiveLookupOptions } from '../connectors/salesforce/live-lookup';
import { ConnectionSessions } from '../connectors/sessions';
import { type OutboundPolicy, outboundPolicy } from '../outbound/destination-policy';
import { guardedDispatcher } from '../outbound/guarded-dispatcher';
import type { Lifecycle } from '../runtime/lifecycle';
import { dataConverter } from '../runtime/payload-compression';
import { connectWorker } from '../runtime/sdk-runtime';
import type { TemporalTarget } from '../runtime/temporal';
import type { Db } from '../store/database';
import type { SecretBox } from '../store/secret-box';
import type { RetentionPolicy } from '../workflows/purge-expired-data';
import { ensureConsolePresenceSchedule } from './console-presence-schedule';
import { createRoutingWorker } from './create-worker';
import { ensureRetentionSchedule } from './retention-schedule';
import type { WorkflowCode } from './workflow-code';

export interface StartedWorker {
  isRunning: () => boolean;
  /** The worker's connection: an API client in the same process built on it can start routings eagerly. */
  connection: NativeConnection;
}

export async function startWorker(options: {
  target: TemporalTarget;
  taskQueue: string;
  db: Db;
  workflowBundle: WorkflowCode | Promise<WorkflowCode>;
  logger: Logger;
  lifecycle: Lifecycle;
  maxCachedWorkflows?: number;
  deadlockTimeoutSeconds?: number;
  /** What the hourly purge keeps (RETENTION_*); its Temporal Schedule is created or updated at every start. */
  retention: RetentionPolicy;
  /** CONSOLE_PRESENCE_GRACE_SECONDS: set, a Schedule sweeps reps whose console is gone; unset, it is removed. */
  consolePresenceGraceSeconds?: number | undefined;
  /** Which destinations webhook deliveries may reach (OUTBOUND_ALLOWED_HOSTS); by default no internal one. */
  outboundPolicy?: OutboundPolicy;
  /**
   * Opens the connections' secrets (CONNECTIONS_ENCRYPTION_KEY): with it this worker syncs connections and its
   * Salesforce stages may ask Salesforce live; without, neither runs here.
   */
  connectionSecrets?: SecretBox;
  /** How long a Salesforce stage waits on a live lookup (LIVE_LOOKUP_BUDGET_MS); 300 ms by default. */
  liveLookupBudgetMs?: number;
}): Promise<StartedWorker> {
  const { lifecycle, logger } = options;
  const connection = await connectWorker(options.target);
  lifecycle.onStop('worker connection', () => connection.close());
  const connectionSync =
    options.connectionSecrets &&
    openConnectionSync(
      options.db,
      options.connectionSecrets,
      options.outboundPolicy ?? outboundPolicy(),
      options.liveLookupBudgetMs === undefined ? {} : { budgetMs: options.liveLookupBudgetMs },
    );
  if (connectionSync) lifecycle.onStop('connection sessions', connectionSync.close);
  const worker = await createRoutingWorker({
    connection,
    namespace: options.target.namespace,
    taskQueue: options.taskQueue,
    db: options.db,
    workflowBundle: await options.workflowBundle,
    logger,
    ...(options.outboundPolicy && { activities: { outboundPolicy: options.outboundPolicy } }),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.deadlockTimeoutSeconds !== undefined && { deadlockTimeoutSeconds: options.deadlockTimeoutSeconds }),
    ...(connectionSync && { connectionSync: connectionSync.options }),
  });
  const done = worker.run();
  // Housekeeping, not routing: a worker that cannot set them up now still routes (the next start tries again).
  const client = new Client({ connection, namespace: options.target.namespace, dataConverter });
  await ensureRetentionSchedule(client, options.taskQueue, options.retention).catch((error: unknown) =>
    logger.error({ err: error }, 'could not set up the retention schedule'),
  );
  await ensureConsolePresenceSchedule(client, options.taskQueue, options.consolePresenceGraceSeconds).catch(
    (error: unknown) => logger.error({ err: error }, 'could not set up the console presence schedule'),
  );

  lifecycle.onStop('worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown(); // stops polling, finishes tasks in hand
    await done;
  });
  done.catch((error: unknown) => {
    logger.fatal({ err: error }, 'worker failed');
    void lifecycle.stop('worker failed').then(() => process.exit(1));
  });
  return { isRunning: () => worker.getState() === 'RUNNING', connection };
}

/** Sessions and the outbound guard for the syncs and live lookups, and how to close them. */
export function openConnectionSync(
  db: Db,
  secrets: SecretBox,
  outbound: OutboundPolicy,
  liveLookup: Partial<LiveLookupOptions> = {},
): { options: ConnectionSyncOptions; close(): Promise<void> } {
  const sessions = new ConnectionSessions({ db, secrets, outbound });
  const dispatcher = guardedDispatcher(outbound);
  return {
    options: { sessions, dispatcher, liveLookup },
    close: async () => {
      await sessions.close();
      await dispatcher.close();
    },
  };
}
