// The routing worker as the bench runs it, in the worker process or inside the all-in-one process.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';
import type { Db } from '../../store/database';
import { createRoutingWorker } from '../../worker/create-worker';
import { requiredEnv } from './messages';

export async function startBenchWorker(
  connection: NativeConnection,
  db: Db,
): Promise<{ worker: Worker; stop(): Promise<void> }> {
  const worker = await createRoutingWorker({
    connection,
    namespace: 'default',
    taskQueue: requiredEnv('BENCH_TASK_QUEUE'),
    db,
    workflowBundle: { codePath: requiredEnv('BENCH_WORKFLOW_BUNDLE') },
    // The service's own setting, so the bench measures the cache size a deployment gets.
    maxCachedWorkflows: loadConfig().WORKER_MAX_CACHED_WORKFLOWS,
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
