// The one assembly of the HTTP service: the Express app, the routing gateway on the given Temporal client and task
// queue, and the reps' event hub, with listen and an orderly close. Start-up (start-api.ts), the tests and the bench
// all build the service here, from dependencies they pass in, so they all run the same service.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { RoutingRows } from '../activities/routing-rows';
import { ConnectionSessions } from '../connectors/sessions';
import { type OutboundPolicy, outboundPolicy } from '../outbound/destination-policy';
import type { Db } from '../store/database';
import { SecretBox } from '../store/secret-box';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { createApp, keepConnectionsLongerThanClients } from './app';
import type { ApiKeys } from './auth';
import { connectionSyncs } from './connection-syncs';
import { type ConsoleLeaseOptions, ConsoleLeases } from './console-leases';
import type { RateLimits } from './rate-limits';
import { RepEventHub, type RepEventHubOptions } from './rep-event-hub';
import { RoutingGateway, type RoutingGatewayOptions } from './routing-gateway';
import { whatIfRuns } from './what-if-runs';

/** Requests still running after this long on close (e.g. long polls) are cut off. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface ApiServerDependencies {
  db: Db;
  /** Temporal: routings are started, signalled and read through this client, on the task queue the workers poll. */
  client: Client;
  taskQueue: string;
  /** Eager starts, a long-poll client: see RoutingGatewayOptions. */
  gateway?: RoutingGatewayOptions;
  /** How the webhook deliveries the API's writes record are retried; tests shorten it. */
  webhookRetry?: WebhookRetry;
  keys: ApiKeys;
  logger: Logger;
  /** Whether a routing can be started now; /healthz answers 200 only then. */
  isReady: () => boolean;
  /** Requests per window for each credential and for unauthenticated addresses. */
  rateLimits: RateLimits;
  /** Which webhook URLs may be registered; by default none with an internal address. */
  outboundPolicy?: OutboundPolicy;
  /** Express's `trust proxy` (TRUST_PROXY). */
  trustProxy?: number | string;
  /** The reps' event hub: what wakes it (the database's commit signal) and its stream limits. */
  events?: RepEventHubOptions;
  /** Comment lines sent on idle event streams; default 15 s. */
  heartbeatMs?: number;
  /**
   * Presence follows the console (CONSOLE_PRESENCE_GRACE_SECONDS set): reps' own event streams are leased in the
   * database for the sweep that sets away reps whose console is gone. Off when unset.
   */
  consolePresence?: ConsoleLeaseOptions;
  /**
   * Seals connection secrets at rest (CONNECTIONS_ENCRYPTION_KEY, runtime/connections-key.ts). By default a key of
   * this server only: enough for tests and tools whose connections need not outlive it.
   */
  connectionSecrets?: SecretBox;
  /** PUBLIC_URL: the OAuth callback and tracked links' base, when the API sits behind a proxy. */
  publicUrl?: string;
  /** Minutes between a connection's scheduled syncs (CONNECTION_SYNC_INTERVAL_MINUTES); 15 by default. */
  connectionSyncIntervalMinutes?: number;
  /** Routings per page of a what-if replay (one activity each); tests make it small. */
  whatIfPageSize?: number;
}

export interface ApiServer {
  /** The Express app, e.g. to list the routes it serves. */
  app: Express;
  /** Listens on `port` (0: any free port) and resolves with the port taken. */
  listen(port: number, host?: string): Promise<{ port: number }>;
  /**
   * Stops: no new connections, requests in flight finish (each answered with `Connection: close`) until `drainMs`,
   * then are cut off; open event streams end.
   */
  close(drainMs?: number): Promise<void>;
}

/** The API's one writer of routing rows (an accepted or cancelled outcome, an ended conversation). */
function routingRows({ db, client, taskQueue, webhookRetry }: ApiServerDependencies): RoutingRows {
  return new RoutingRows({ db, client, taskQueue, ...(webhookRetry && { webhookRetry }) });
}

export function createApiServer(deps: ApiServerDependencies): ApiServer {
  const events = new RepEventHub(deps.db, deps.events);
  const consoleLeases = deps.consolePresence && new ConsoleLeases(deps.db, deps.consolePresence, deps.logger);
  const connectionSecrets = deps.connectionSecrets ?? new SecretBox(randomBytes(32));
  const sessions = new ConnectionSessions({
    db: deps.db,
    secrets: connectionSecrets,
    outbound: deps.outboundPolicy ?? outboundPolicy(),
  });
  let draining = false;
  const app = createApp({
    db: deps.db,
    events,
    keys: deps.keys,
    logger: deps.logger,
    routings: new RoutingGateway(deps.client, deps.taskQueue, routingRows(deps), deps.gateway),
    isReady: deps.isReady,
    isDraining: () => draining,
    rateLimits: deps.rateLimits,
    ...(deps.outboundPolicy && { outboundPolicy: deps.outboundPolicy }),
    ...(deps.trustProxy !== undefined && { trustProxy: deps.trustProxy }),
    ...(deps.heartbeatMs !== undefined && { heartbeatMs: deps.heartbeatMs }),
    ...(consoleLeases && { consoleLeases }),
    connections: {
      secrets: connectionSecrets,
      sessions,
      syncs: connectionSyncs(
        deps.client,
        deps.taskQueue,
        deps.connectionSyncIntervalMinutes === undefined ? undefined : `${deps.connectionSyncIntervalMinutes}m`,
      ),
      ...(deps.publicUrl !== undefined && { publicUrl: deps.publicUrl }),
    },
    whatIf: whatIfRuns(deps.db, deps.client, deps.taskQueue, {
      ...(deps.whatIfPageSize !== undefined && { pageSize: deps.whatIfPageSize }),
    }),
  });
  let server: Server | undefined;

  return {
    app,
    async listen(port, host) {
      const listening: Server = await new Promise((resolve, reject) => {
        const started =
          host === undefined
            ? app.listen(port, () => resolve(started))
            : app.listen(port, host, () => resolve(started));
        started.once('error', reject);
      });
      keepConnectionsLongerThanClients(listening);
      server = listening;
      return { port: (listening.address() as { port: number }).port };
    },
    close(drainMs = DRAIN_TIMEOUT_MS) {
      draining = true;
      events.close(); // open event streams would otherwise hold the server open
      consoleLeases?.close();
      void sessions.close();
      const open = server;
      if (!open) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const idleCloser = setInterval(() => open.closeIdleConnections(), 50);
        const deadline = setTimeout(() => open.closeAllConnections(), drainMs);
        open.close(() => {
          clearInterval(idleCloser);
          clearTimeout(deadline);
          resolve();
        });
        open.closeIdleConnections();
      });
    },
  };
}
