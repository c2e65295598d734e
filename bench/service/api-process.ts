// The bench's HTTP API, in its own process: assembled as main.ts assembles it, minus the worker.
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../api/app';
import { RepEventHub } from '../../api/rep-event-hub';
import { RoutingGateway } from '../../api/routing-gateway';
import { openDatabase } from '../../store/database';
import { answerStatsRequests, exitOnSignal, requiredEnv, sendToParent } from './messages';

async function main() {
  const exit = exitOnSignal();
  const database = { kind: 'sqlite', file: requiredEnv('BENCH_SQLITE_FILE') } as const;
  const db = await openDatabase(database);
  const connection = await Connection.connect({ address: requiredEnv('BENCH_TEMPORAL_ADDRESS') });
  const client = new Client({ connection, namespace: 'default' });
  const events = new RepEventHub(db, { wakeOnAppendsTo: database });
  const app = createApp({
    db,
    events,
    keys: { adminKey: requiredEnv('BENCH_ADMIN_KEY'), experienceKey: requiredEnv('BENCH_EXPERIENCE_KEY') },
    // Errors only, to stderr: stdout carries the bench's table.
    logger: pino({ level: 'error' }, pino.destination(2)),
    routings: new RoutingGateway(client, requiredEnv('BENCH_TASK_QUEUE')),
    isReady: () => true,
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  exit.stopWith(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    events.close();
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
