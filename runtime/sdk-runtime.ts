// What only a process that runs a worker needs of Temporal: the SDK's core runtime and the worker's native
// connection. Kept apart from temporal.ts so an API process never loads @temporalio/worker (and webpack with it).
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { sdkLogger } from '../worker/sdk-logger';
import type { TemporalTarget } from './temporal';

/** Installs the SDK runtime once per process: its logs through pino, its metrics on a Prometheus port if asked. */
export function installSdkRuntime(logger: Logger, sdkMetricsAddress: string | undefined): void {
  Runtime.install({
    logger: sdkLogger(logger.child({ component: 'temporal-sdk' })),
    ...(sdkMetricsAddress && { telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress } } } }),
  });
}

export function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  return NativeConnection.connect(target.connection as Parameters<typeof NativeConnection.connect>[0]);
}
