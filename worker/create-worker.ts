// A routing worker: the routing workflow plus the activities that reach the database.
import { bundleWorkflowCode, type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities } from '../activities';
import type { Db } from '../store/database';

export interface RoutingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** The bundled workflow code, from `bundleRoutingWorkflows` or (tests share one) a file written earlier. */
  workflowBundle: WorkflowBundle | { codePath: string };
}

/** Bundles the workflow code once; webpack's module listing is dropped, its warnings and errors are kept. */
export function bundleRoutingWorkflows(logger: Pick<Logger, 'warn' | 'error'>): Promise<WorkflowBundle> {
  const ignore = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: {
      log: ignore,
      trace: ignore,
      debug: ignore,
      info: ignore,
      warn: (message, meta) => logger.warn(meta ?? {}, message),
      error: (message, meta) => logger.error(meta ?? {}, message),
    },
  });
}

export function createRoutingWorker(options: RoutingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.db),
    workflowBundle: options.workflowBundle,
  });
}
