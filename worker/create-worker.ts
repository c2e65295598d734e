// A routing worker: the routing workflow plus the activities that reach the database.

import { Client } from '@temporalio/client';
import { type NativeConnection, Worker, type WorkerInterceptors } from '@temporalio/worker';
import type { Logger } from 'pino';
import { type ActivityOptions, createActivities } from '../activities';
import {
  type ConnectionSyncOptions,
  createConnectionSyncActivities,
  salesforceLiveLookup,
} from '../activities/connection-sync';
import { createOwnerActivities } from '../activities/owners';
import { RoutingRows } from '../activities/routing-rows';
import { dataConverter } from '../runtime/payload-compression';
import type { Db } from '../store/database';
import type { WorkflowCode } from './workflow-code';
import { workflowIsolateOptions } from './workflow-isolate';

export interface RoutingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** The bundled workflow code (worker/workflow-code.ts), in memory or a file written earlier (tests share one). */
  workflowBundle: WorkflowCode;
  activities?: ActivityOptions;
  /** Routings kept in memory between tasks; the SDK's default when unset. */
  maxCachedWorkflows?: number;
  /** WORKER_DEADLOCK_TIMEOUT_SECONDS: fails a workflow task whose activation runs longer; 0 or unset, none. */
  deadlockTimeoutSeconds?: number;
  logger?: Pick<Logger, 'error'>;
  /** The SDK's interceptors, e.g. for tracing; the fault tests use one to stop a worker at an exact point. */
  interceptors?: WorkerInterceptors;
  /** Sessions and outbound guard for the connections' syncs (workflows/sync-connection.ts); without, none runs here. */
  connectionSync?: ConnectionSyncOptions;
}

export async function createRoutingWorker(options: RoutingWorkerOptions): Promise<Worker> {
  // The activities' one writer of routing rows, starting the webhook deliveries they owe on this worker's queue.
  const rows = new RoutingRows({
    db: options.db,
    client: new Client({ connection: options.connection, namespace: options.namespace, dataConverter }),
    taskQueue: options.taskQueue,
    ...(options.activities?.webhookRetry && { webhookRetry: options.activities.webhookRetry }),
  });
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...createActivities(options.db, rows, options.activities),
      ...(options.connectionSync && {
        ...createConnectionSyncActivities(options.db, options.connectionSync),
        // Salesforce stages may then ask Salesforce live when the synced copy has nothing.
        ...createOwnerActivities(options.db, salesforceLiveLookup(options.db, options.connectionSync)),
      }),
    },
    workflowBundle: options.workflowBundle,
    dataConverter,
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...workflowIsolateOptions(options.deadlockTimeoutSeconds ?? 0),
    ...(options.interceptors && { interceptors: options.interceptors }),
  });
  // Webhook deliveries a stopped process recorded but never started (it stopped between its commit and the start)
  // start now; the workflows run once this worker polls.
  rows.webhooks
    .startUndispatched()
    .catch((error: unknown) => options.logger?.error({ err: error }, 'could not start pending webhook deliveries'));
  return worker;
}
