// The bench's HTTP API, in its own process: assembled as main.ts assembles it. With BENCH_WITH_WORKER=1 it is the
// all-in-one service `npm start` runs: a routing worker in the same process, whose connection the API's client
// shares so routings start eagerly on it.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../api/app';
import { RepEventHub } from '../../api/rep-event-hub';
import { RoutingGateway } from '../../api/routing-gateway';
import { dataConverter } from '../../runtime/payload-compression';
import { openDatabase } from '../../store/database';
import { startBenchWorker } from './bench-worker';
import { answerStatsRequests, exitOnSignal, requiredEnv, sendToParent } from './messages';

async function main() {
  const exit = exitOnSignal();
  const withWorker = process.env.BENCH_WITH_WORKER === '1';
  const database = { kind: 'sqlite', file: requiredEnv('BENCH_SQLITE_FILE') } as const;
  const db = await openDatabase(database);
  const address = requiredEnv('BENCH_TEMPORAL_ADDRESS');
  if (withWorker) Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] }); // exitOnSignal stops it
  // With a worker, the API's client shares its connection, as main.ts does, so routings start eagerly on it.
  const workerConnection = withWorker ? await NativeConnection.connect({ address }) : undefined;
  const connection = workerConnection ?? (await Connection.connect({ address }));
  const client = new Client({ connection, namespace: 'default', dataConverter });
  // Long polls need a connection whose calls an abort signal cancels; the worker's NativeConnection ignores them.
  const pollConnection = workerConnection && (await Connection.connect({ address }));
  const worker = workerConnection && (await startBenchWorker(workerConnection, db));
  const events = new RepEventHub(db, { wakeOnAppendsTo: database });
  const app = createApp({
    db,
    events,
    keys: { adminKey: requiredEnv('BENCH_ADMIN_KEY'), experienceKey: requiredEnv('BENCH_EXPERIENCE_KEY') },
    // Errors only, to stderr: stdout carries the bench's table.
    logger: pino({ level: 'error' }, pino.destination(2)),
    routings: new RoutingGateway(client, requiredEnv('BENCH_TASK_QUEUE'), {
      eagerStart: withWorker,
      ...(pollConnection && {
        longPollClient: new Client({ connection: pollConnection, namespace: 'default', dataConverter }),
      }),
    }),
    isReady: () => true,
    // The bench measures the service at full load: no rate limit may shape its figures.
    rateLimits: { windowSeconds: 60, experience: 1e9, rep: 1e9, admin: 1e9, unauthenticated: 1e9 },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  exit.stopWith(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    events.close();
    await worker?.stop();
    await pollConnection?.close();
    await connection.close();
    await db.destroy();
  });
  answerStatsRequests();
  sendToParent({ type: 'ready', port: (server.address() as { port: number }).port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
