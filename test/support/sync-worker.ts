// A worker on its own task queue running connection syncs against a test service's database, as a deployment's
// worker would: sessions over the connections' SecretBox, calls out allowed only to 127.0.0.1, where the local
// provider servers listen.
import { randomUUID } from 'node:crypto';
import { ConnectionSessions } from '../../connectors/sessions';
import { outboundPolicy } from '../../outbound/destination-policy';
import { guardedDispatcher } from '../../outbound/guarded-dispatcher';
import type { SecretBox } from '../../store/secret-box';
import { createRoutingWorker } from '../../worker/create-worker';
import {
  connectionSyncWorkflowId,
  type SyncConnectionInput,
  type SyncConnectionResult,
  syncConnectionWorkflowType,
} from '../../workflows/sync-connection';
import type { TestService } from './service';

/** Short pauses, so that a provider's limit or slow-down costs a test seconds, not minutes. */
export const fastPacing = { limitPause: '1s', slowDownPause: '100ms', pageTimeout: '10s' } as const;

export interface SyncWorker {
  readonly taskQueue: string;
  readonly sessions: ConnectionSessions;
  /** Runs one sync of the connection to its end, incremental and fast-paced unless `input` says otherwise. */
  sync(connectionId: string, input?: Partial<SyncConnectionInput>): Promise<SyncConnectionResult>;
  stop(): Promise<void>;
}

export async function startSyncWorker(service: TestService, secrets: SecretBox): Promise<SyncWorker> {
  const outbound = outboundPolicy(['127.0.0.1']);
  const sessions = new ConnectionSessions({ db: service.db, secrets, outbound });
  const taskQueue = `sync-${randomUUID()}`;
  const worker = await createRoutingWorker({
    connection: service.env.nativeConnection,
    namespace: 'default',
    taskQueue,
    db: service.db,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string },
    connectionSync: { sessions, dispatcher: guardedDispatcher(outbound) },
  });
  const done = worker.run();
  return {
    taskQueue,
    sessions,
    sync: (connectionId, input = {}) =>
      service.env.client.workflow.execute(syncConnectionWorkflowType, {
        taskQueue,
        workflowId: connectionSyncWorkflowId(connectionId),
        args: [{ connectionId, full: false, pacing: fastPacing, ...input } satisfies SyncConnectionInput],
      }),
    async stop() {
      worker.shutdown();
      await done;
      await sessions.close();
    },
  };
}
