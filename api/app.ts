// The HTTP API: JSON in, JSON out, every failure in the error shape.
import type { Server } from 'node:http';
import path from 'node:path';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { registerPresenceGauge, registry } from '../observability/metrics';
import { type OutboundPolicy, outboundPolicy } from '../outbound/destination-policy';
import { projectRoot } from '../runtime/project-root';
import { databaseCheck } from '../runtime/readiness';
import type { Db } from '../store/database';
import { type ApiKeys, identifyCaller, requireCaller } from './auth';
import type { ConsoleLeases } from './console-leases';
import { consoleVendorFiles } from './console-vendor';
import { healthRouter } from './health/routes';
import { errorHandler, HttpError } from './http-error';
import { openApiDocument, serveOpenApi } from './openapi';
import { operationsRouter } from './operations';
import { createRateLimiters, type RateLimits } from './rate-limits';
import type { RepEventHub } from './rep-event-hub';
import { requestLog } from './request-log';
import { operations } from './routes';
import { type ConnectionsDependencies, OAUTH_CALLBACK_PATH } from './routes/connections';
import { outboundTrackingRouter } from './routes/outbound-tracking';
import type { RoutingGateway } from './routing-gateway';
import { rejectNulCharacters } from './text-safety';
import { answerUndeclaredMethods } from './undeclared-methods';
import type { WhatIfRuns } from './what-if-runs';

export interface ApiDependencies {
  db: Db;
  routings: RoutingGateway;
  logger: Logger;
  keys: ApiKeys;
  /** True once a routing can be started (Temporal reachable, worker polling). */
  isReady: () => boolean;
  /** True once shutdown has begun: responses then ask clients to close their connection. */
  isDraining?: () => boolean;
  /** Delivers reps' event streams; the caller closes it on shutdown so open streams end. */
  events: RepEventHub;
  /** Comment lines sent on idle event streams; default 15 s. */
  heartbeatMs?: number;
  /** Leases reps' own event streams, when presence follows the console; none by default. */
  consoleLeases?: ConsoleLeases;
  /** Which webhook URLs may be registered (OUTBOUND_ALLOWED_HOSTS); by default none with an internal address. */
  outboundPolicy?: OutboundPolicy;
  /** Requests per window for each credential and for unauthenticated addresses (config.ts: RATE_LIMIT_*). */
  rateLimits: RateLimits;
  /** Express's `trust proxy`: which proxies' X-Forwarded-For gives the client address (TRUST_PROXY). None by default. */
  trustProxy?: number | string;
  /** Connections to Salesforce, Outreach and Salesloft: sealed secrets, token calls, syncs. */
  connections: ConnectionsDependencies;
  /** Starts what-if replays. */
  whatIf: WhatIfRuns;
}

const MAX_BODY = '1mb';
/** Plain ES modules, HTML and CSS, served as they are: no build step. */
const CONSOLE_DIR = path.join(projectRoot, 'console');
/** Integration syncs carry up to 10,000 records per array in one request. */
const MAX_SYNC_BODY = '20mb';

/** Bodies must be JSON; a request without a body (e.g. cancel) is fine. */
const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(new HttpError(415, 'unsupported_media_type', 'request bodies must be application/json'));
    return;
  }
  next();
};

/**
 * Keeps idle connections open longer than clients and load balancers do (they usually close after 4-60 s), so a
 * client never reuses a connection the server is closing at that moment, which it would see as a reset.
 */
export function keepConnectionsLongerThanClients(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

export function createApp(deps: ApiDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  // Helmet's defaults, less upgrade-insecure-requests: over plain HTTP on any host but localhost it would make the
  // browser fetch the console's own scripts over HTTPS, which fails. Scripts stay 'self' only, never inline.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(requestLog(deps.logger));
  // While draining, keep-alive clients must not keep reusing their connection, or it would never close.
  app.use((_req, res, next) => {
    if (deps.isDraining?.()) res.setHeader('connection', 'close');
    next();
  });

  registerPresenceGauge(deps.db);
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  app.get('/healthz', (_req, res) => {
    const ready = deps.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
  });
  // GET /livez (the process answers) and GET /readyz (database and Temporal answer), public like /healthz.
  app.use(
    healthRouter({
      checks: { database: databaseCheck(deps.db), temporal: () => deps.routings.checkTemporal() },
      ...(deps.isDraining && { isDraining: deps.isDraining }),
    }),
  );
  // The API contract, generated from the zod schemas at start-up; public like /healthz.
  app.get('/openapi.json', serveOpenApi);

  // Credentials are checked and requests counted before any body is read, so unauthenticated or limited callers
  // cannot make the server parse them. An address over its unauthenticated limit has no credential checked.
  const limits = createRateLimiters(deps.rateLimits, deps.logger);
  // The connections' OAuth callback, outside /v1: the provider sends the admin's browser here without our credentials
  // (the single-use state it carries is the authorization). Counted as unauthenticated requests; served with the
  // operations below (a `publicAccess` one).
  app.use(OAUTH_CALLBACK_PATH, limits.byAddress);
  // The click tracker's public routes, outside /v1 too: Outreach's extension call (authorized by its signature) and
  // the redirect a recipient's click lands on (by the signed link). Not rate limited: a busy Outreach org calls often.
  app.use(outboundTrackingRouter(deps.db, deps.connections.secrets));
  app.use(
    '/v1',
    identifyCaller(deps.keys, deps.db, limits.addressIsBlocked),
    limits.byAddress,
    requireCaller,
    limits.byCredential,
  );
  // Before any body is read: a method the contract does not declare on a path it declares gets 405 and `Allow`.
  app.use(answerUndeclaredMethods(openApiDocument));
  app.use(requireJson);
  // Mounted first: once it has read a sync body, the general parser below leaves the request alone.
  app.use('/v1/integrations', express.json({ limit: MAX_SYNC_BODY }));
  app.use(express.json({ limit: MAX_BODY }));
  app.use(rejectNulCharacters);
  // Every /v1 operation and the OAuth callback, each route made from its declaration (api/operations.ts), as the
  // contract is.
  app.use(
    operationsRouter(operations, {
      db: deps.db,
      routings: deps.routings,
      events: deps.events,
      heartbeatMs: deps.heartbeatMs ?? 15_000,
      ...(deps.consoleLeases && { consoleLeases: deps.consoleLeases }),
      outbound: deps.outboundPolicy ?? outboundPolicy(),
      connections: deps.connections,
      whatIf: deps.whatIf,
    }),
  );
  // The web console: static files that hold no data (the user enters credentials, which stay in the browser), so
  // public like /openapi.json. Last, so that API requests never look at the file system. Its charting library comes
  // from node_modules, file by file.
  app.use(consoleVendorFiles());
  app.use(express.static(CONSOLE_DIR, { index: 'index.html', redirect: false }));
  app.use((req, _res, next) => next(new HttpError(404, 'not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}
