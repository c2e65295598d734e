// A connection's syncs, as the API drives them: one started now (POST /v1/connections/{id}/sync) under the workflow
// id `connection-sync-<id>`, and the connection's Schedule of incremental syncs (worker/connection-sync-schedule.ts),
// created once the connection is authorized and removed when it is deleted.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ensureSyncSchedule, removeSyncSchedule } from '../worker/connection-sync-schedule';
import { type SyncConnectionInput, syncConnectionWorkflowType } from '../workflows/sync-connection';

export const connectionSyncWorkflowId = (connectionId: string) => `connection-sync-${connectionId}`;

export interface ConnectionSyncs {
  /** Starts a sync now; `running` when one is already running for the connection (it is not started twice). */
  start(connectionId: string, full: boolean): Promise<'started' | 'running'>;
  /** Makes sure the connection's Schedule of incremental syncs exists. */
  schedule(connectionId: string): Promise<void>;
  /** Removes the connection's Schedule, if any. */
  unschedule(connectionId: string): Promise<void>;
}

export function connectionSyncs(client: Client, taskQueue: string): ConnectionSyncs {
  return {
    async start(connectionId, full) {
      const input: SyncConnectionInput = { connectionId, full };
      try {
        await client.workflow.start(syncConnectionWorkflowType, {
          taskQueue,
          workflowId: connectionSyncWorkflowId(connectionId),
          args: [input],
        });
        return 'started';
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
        throw error;
      }
    },
    schedule: (connectionId) => ensureSyncSchedule(client, connectionId, { taskQueue }),
    unschedule: (connectionId) => removeSyncSchedule(client, connectionId),
  };
}
