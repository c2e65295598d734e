// Starts the HTTP API in this process and registers its orderly stop: no new connections, in-flight requests
// finish, open event streams end.
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { type Config, repEventStreamLimits } from '../config';
import type { Lifecycle } from '../runtime/lifecycle';
import { dataConverter } from '../runtime/payload-compression';
import { connectClient, type TemporalTarget } from '../runtime/temporal';
import type { Db } from '../store/database';
import { resolveApiKeys } from './api-keys';
import { createApp, keepConnectionsLongerThanClients } from './app';
import { rateLimitsFrom } from './rate-limits';
import { RepEventHub } from './rep-event-hub';
import { RoutingGateway } from './routing-gateway';

/** Requests still running after this long on shutdown (e.g. long polls) are cut off. */
const DRAIN_TIMEOUT_MS = 10_000;

export async function startApi(options: {
  config: Config;
  target: TemporalTarget;
  db: Db;
  logger: Logger;
  lifecycle: Lifecycle;
  /** Whether a routing can be started now; /healthz answers 200 only then. */
  isReady: () => boolean;
  /**
   * The connection of a routing worker in this process (the all-in-one service): the API's client shares it and
   * starts routings eagerly, handing each first workflow task straight to that worker.
   */
  workerConnection?: NativeConnection;
}): Promise<{ url: string }> {
  const { config, logger, lifecycle, workerConnection } = options;
  let client: Client;
  let longPollClient: Client | undefined;
  if (workerConnection) {
    client = new Client({ connection: workerConnection, namespace: options.target.namespace, dataConverter });
    // Long polls need calls an abort signal cancels (a client that went away); the worker's connection ignores them.
    const polls = await connectClient(options.target);
    lifecycle.onStop('temporal long-poll client', polls.close);
    longPollClient = polls.client;
  } else {
    const connected = await connectClient(options.target);
    lifecycle.onStop('temporal client', connected.close);
    client = connected.client;
  }

  const keys = resolveApiKeys(config, config.dataDir);
  if (keys.storedIn) {
    // Local mode: print newly generated keys once, so the person who just started the service can use it; later
    // starts only say where they are, so the keys do not end up in every log a supervisor keeps.
    logger.info({ file: keys.storedIn }, 'API keys (local mode; set ADMIN_API_KEY / EXPERIENCE_API_KEY to choose)');
    if (keys.generated) console.log(`ADMIN_API_KEY=${keys.adminKey}\nEXPERIENCE_API_KEY=${keys.experienceKey}`);
  }
  const events = new RepEventHub(options.db, {
    wakeOnAppendsTo: config.database,
    limits: repEventStreamLimits(config),
  });
  let draining = false;
  const app = createApp({
    isDraining: () => draining,
    db: options.db,
    events,
    keys,
    logger,
    routings: new RoutingGateway(client, config.TASK_QUEUE, {
      eagerStart: workerConnection !== undefined,
      ...(longPollClient && { longPollClient }),
    }),
    isReady: options.isReady,
    outboundPolicy: config.outboundPolicy,
    rateLimits: rateLimitsFrom(config),
    ...(config.TRUST_PROXY !== undefined && { trustProxy: config.TRUST_PROXY }),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.PORT, () => resolve(listening));
    listening.once('error', reject);
  });
  keepConnectionsLongerThanClients(server);
  lifecycle.onStop(
    'http server',
    () =>
      new Promise<void>((resolve) => {
        draining = true;
        // No new connections; requests in flight finish, each answered with `Connection: close`.
        const idleCloser = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS);
        server.close(() => {
          clearInterval(idleCloser);
          clearTimeout(deadline);
          resolve();
        });
        events.close(); // open event streams would otherwise hold the server open
        server.closeIdleConnections();
      }),
  );
  return { url: `http://localhost:${config.PORT}` };
}
