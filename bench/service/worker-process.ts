// The bench's routing worker, in its own process so its memory can be read apart from the API's.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { openDatabase } from '../../store/database';
import { createRoutingWorker } from '../../worker/create-worker';
import { answerStatsRequests, exitOnSignal, requiredEnv, sendToParent } from './messages';

async function main() {
  const exit = exitOnSignal();
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] }); // exitOnSignal stops it
  const db = await openDatabase({ kind: 'sqlite', file: requiredEnv('BENCH_SQLITE_FILE') });
  const connection = await NativeConnection.connect({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
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
  exit.stopWith(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
    await db.destroy();
  });
  answerStatsRequests();
  sendToParent({ type: 'ready', maxCachedWorkflows: worker.options.maxCachedWorkflows });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
