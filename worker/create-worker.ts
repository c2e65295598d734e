// A routing worker: the routing workflow plus the activities that reach the database.
import { type NativeConnection, Worker } from '@temporalio/worker';
import { createRoutingActivities } from '../activities/routing';
import type { Db } from '../store/database';

export interface RoutingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** A prebuilt workflow bundle (tests share one); otherwise the workflows are bundled at start-up. */
  workflowBundlePath?: string;
}

export function createRoutingWorker(options: RoutingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createRoutingActivities(options.db),
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
  });
}
