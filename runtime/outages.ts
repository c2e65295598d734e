// Recognises the errors that mean a dependency is out of reach (as opposed to a bug), so the API can answer 503 with
// Retry-After instead of 500: the client did nothing wrong and the same request will work once it is back.

export type Dependency = 'database' | 'temporal' | 'worker';

/** What the API tells clients to wait before retrying a request refused by an outage. */
export const RETRY_AFTER_SECONDS = 5;

/** Socket errors from node: the database server is down, restarting, or the network between us is. */
const connectionErrorCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs for a server that cannot serve now: connection exceptions (class 08), too many connections,
 * a statement cancelled by statement_timeout, and the shutdown family (admin shutdown 57P01, crash shutdown 57P02,
 * cannot connect now 57P03: starting up or shutting down).
 */
const unavailableSqlStates = /^(08...|53300|57014|57P0[1-3])$/;

/**
 * SQLite errors that pass: the file is locked longer than the busy timeout, cannot be opened, read or written
 * (disk gone, full, or read-only). Corruption and constraint errors are not outages.
 */
const unavailableSqliteCodes = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;

/**
 * Errors node-postgres raises itself, without a code: a connection that ended under a query, pool acquire and
 * connect timeouts (connectionTimeoutMillis), the client-side query timeout (query_timeout), a client that has
 * already failed.
 */
const pgClientMessages =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * gRPC statuses of a Temporal call that could not be served: DEADLINE_EXCEEDED (4, past its deadline),
 * RESOURCE_EXHAUSTED (8, server overloaded or rate limited) and UNAVAILABLE (14, server unreachable). CANCELLED (1)
 * too: the worker's native connection, which the all-in-one process's API shares, ends a call past its deadline so
 * (a query waiting for a worker that never comes, for one); the API cancels no call of its own otherwise.
 */
const unavailableGrpcCodes = new Set<number>([1, 4, 8, 14]);

/**
 * FAILED_PRECONDITION (9) with this text: Temporal could reach no worker to answer a query, as no worker has polled
 * the routing's task queue lately (all of them stopped, or being deployed). The routing is safe; the API is not the
 * one at fault, and the same request works once a worker is back.
 */
const noWorkerPolling = (error: Record<string, unknown>) =>
  error.code === 9 && /no poller seen/i.test(error.details as string);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A gRPC error as both Temporal clients raise it (grpc-js, or the worker's native connection): numeric code and details. */
function isGrpcError(error: Record<string, unknown>): boolean {
  return typeof error.code === 'number' && typeof error.details === 'string';
}

function classifyOne(error: Record<string, unknown>): Dependency | undefined {
  if (isGrpcError(error)) {
    if (noWorkerPolling(error)) return 'worker';
    return unavailableGrpcCodes.has(error.code as number) ? 'temporal' : undefined;
  }
  const code = typeof error.code === 'string' ? error.code : '';
  if (connectionErrorCodes.has(code) || unavailableSqlStates.test(code) || unavailableSqliteCodes.test(code)) {
    return 'database';
  }
  if (typeof error.message === 'string' && pgClientMessages.test(error.message)) return 'database';
  return undefined;
}

/**
 * The dependency `error` says is unreachable, if any. Looks through the chain the libraries wrap errors in: the
 * Temporal client's ServiceError and update errors carry the gRPC error as `cause`; node's connection attempt to
 * several addresses throws an AggregateError of socket errors.
 */
export function unavailableDependency(error: unknown): Dependency | undefined {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const next = pending.shift();
    if (!isObject(next) || seen.has(next)) continue;
    seen.add(next);
    const dependency = classifyOne(next);
    if (dependency) return dependency;
    pending.push(next.cause);
    if (Array.isArray(next.errors)) pending.push(...next.errors);
  }
  return undefined;
}
