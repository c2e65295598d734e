// The bench's routing worker, in its own process so its memory can be read apart from the API's.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { openDatabase } from '../../store/database';
import { startBenchWorker } from './bench-worker';
import { answerStatsRequests, exitOnSignal, requiredEnv, sendToParent } from './messages';

async function main() {
  const exit = exitOnSignal();
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] }); // exitOnSignal stops it
  const db = await openDatabase({ kind: 'sqlite', file: requiredEnv('BENCH_SQLITE_FILE') });
  const connection = await NativeConnection.connect({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
  const { worker, stop } = await startBenchWorker(connection, db);
  exit.stopWith(async () => {
    await stop();
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
