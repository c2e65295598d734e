// Starts the HTTP API in this process and registers its orderly stop: no new connections, in-flight requests
// finish, open event streams end.
import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import { type Config, repEventStreamLimits } from '../config';
import { connectionSecretBox } from '../runtime/connections-key';
import type { Lifecycle } from '../runtime/lifecycle';
import { dataConverter } from '../runtime/payload-compression';
import { connectClient, type TemporalTarget } from '../runtime/temporal';
import type { Db } from '../store/database';
import { resolveApiKeys } from './api-keys';
import { createApiServer } from './api-server';
import { rateLimitsFrom } from './rate-limits';

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
  const api = createApiServer({
    db: options.db,
    client,
    taskQueue: config.TASK_QUEUE,
    gateway: { eagerStart: workerConnection !== undefined, ...(longPollClient && { longPollClient }) },
    keys,
    logger,
    isReady: options.isReady,
    rateLimits: rateLimitsFrom(config),
    outboundPolicy: config.outboundPolicy,
    connectionSecrets: connectionSecretBox(config),
    connectionSyncIntervalMinutes: config.CONNECTION_SYNC_INTERVAL_MINUTES,
    ...(config.PUBLIC_URL !== undefined && { publicUrl: config.PUBLIC_URL }),
    ...(config.TRUST_PROXY !== undefined && { trustProxy: config.TRUST_PROXY }),
    events: { wakeOnAppendsTo: config.database, limits: repEventStreamLimits(config) },
    ...(config.CONSOLE_PRESENCE_GRACE_SECONDS !== undefined && {
      consolePresence: { leaseMs: config.CONSOLE_PRESENCE_LEASE_SECONDS * 1000 },
    }),
  });
  await api.listen(config.PORT);
  lifecycle.onStop('http server', () => api.close());
  return { url: `http://localhost:${config.PORT}` };
}
