// How every process reaches Temporal as a client. (A worker's connection and the SDK runtime: sdk-runtime.ts, which
// an API process does not load: @temporalio/worker takes a quarter of a second or more to load, webpack with it.)
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { dataConverter } from './payload-compression';

export interface TemporalTarget {
  /** host:port, TLS and API key, as the SDK's environment configuration reads them. */
  connection: { address: string; tls?: unknown; apiKey?: string; metadata?: Record<string, string> };
  namespace: string;
}

/**
 * The Temporal cluster named by the SDK's own environment configuration: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_* or a profile in the Temporal config file (TEMPORAL_PROFILE, TEMPORAL_CONFIG_FILE)
 * — the same settings the `temporal` CLI uses, so a Temporal Cloud namespace works without code changes.
 */
export function temporalTargetFromEnvironment(defaultNamespace: string): TemporalTarget {
  const { connectionOptions, namespace } = loadClientConnectConfig();
  if (!connectionOptions.address) throw new Error('no Temporal address: set TEMPORAL_ADDRESS or a config profile');
  return { connection: connectionOptions as TemporalTarget['connection'], namespace: namespace ?? defaultNamespace };
}

/**
 * How long a Temporal call made on an HTTP request's behalf (start, query, reading a result) may take; past it the API
 * answers 503 `temporal_unavailable`. Without a deadline the client's Connection retries an unreachable server for
 * about 20 s; the worker's NativeConnection (which the all-in-one API shares) retries for about 10 s whatever the
 * deadline (SDK 1.24), so there it is the bound anyway.
 */
export const TEMPORAL_CALL_TIMEOUT_MS = 10_000;

/**
 * The same for an update (accept, decline, cancel), which also waits for a worker to run the workflow task that
 * decides it: after a worker dies, that task waits out the sticky queue's 5 s and, if the worker took it with it, the
 * 10 s workflow task timeout, and a loaded machine adds to both.
 */
export const TEMPORAL_UPDATE_TIMEOUT_MS = 30_000;

/** What both connections (the client's and the worker's native one) offer for bounded calls and health checks. */
export type TemporalCaller = Pick<Client, 'withDeadline' | 'workflowService'>;

/** Runs `call` (any number of Temporal requests) with every request ending by `timeoutMs` from now. */
export function withTemporalDeadline<T>(
  caller: Pick<TemporalCaller, 'withDeadline'>,
  call: () => Promise<T>,
  timeoutMs = TEMPORAL_CALL_TIMEOUT_MS,
): Promise<T> {
  return caller.withDeadline(Date.now() + timeoutMs, call);
}

/**
 * gRPC waits up to 2 minutes between reconnection attempts after a long outage; at most this long instead, so the API
 * serves again within seconds of Temporal coming back.
 */
const MAX_RECONNECT_BACKOFF_MS = 5_000;

export async function connectClient(target: TemporalTarget): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({
    ...(target.connection as Parameters<typeof Connection.connect>[0]),
    channelArgs: { 'grpc.max_reconnect_backoff_ms': MAX_RECONNECT_BACKOFF_MS },
  });
  return {
    client: new Client({ connection, namespace: target.namespace, dataConverter }),
    close: () => connection.close(),
  };
}
