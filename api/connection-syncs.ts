// A connection's syncs, as the API drives them: one started now (POST /v1/connections/{id}/sync) under the workflow
// id `connection-sync-<id>`, the connection's Schedule of incremental syncs (worker/connection-sync-schedule.ts),
// created once the connection is authorized, and its deletion (workflows/delete-connection.ts), which removes the
// Schedule, cancels a sync under way and removes what it synced.
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { ensureSyncSchedule } from '../worker/connection-sync-schedule';
import {
  connectionDeletionWorkflowId,
  type DeleteConnectionInput,
  deleteConnectionWorkflowType,
} from '../workflows/delete-connection';
import {
  connectionSyncWorkflowId,
  type SyncConnectionInput,
  syncConnectionWorkflowType,
} from '../workflows/sync-connection';

export interface ConnectionSyncs {
  /** Starts a sync now; `running` when one is already running for the connection (it is not started twice). */
  start(connectionId: string, full: boolean): Promise<'started' | 'running'>;
  /** Makes sure the connection's Schedule of incremental syncs exists. */
  schedule(connectionId: string): Promise<void>;
  /** Starts the connection's deletion (once: a deletion under way is left to finish). */
  remove(connectionId: string): Promise<void>;
}

/** `every`: the Schedule's interval (CONNECTION_SYNC_INTERVAL_MINUTES). */
export function connectionSyncs(client: Client, taskQueue: string, every?: Duration): ConnectionSyncs {
  const startOnce = async (
    workflowType: string,
    workflowId: string,
    input: unknown,
  ): Promise<'started' | 'running'> => {
    try {
      await client.workflow.start(workflowType, { taskQueue, workflowId, args: [input] });
      return 'started';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
      throw error;
    }
  };
  return {
    start: (connectionId, full) => {
      const input: SyncConnectionInput = { connectionId, full };
      return startOnce(syncConnectionWorkflowType, connectionSyncWorkflowId(connectionId), input);
    },
    schedule: (connectionId) => ensureSyncSchedule(client, connectionId, { taskQueue, ...(every && { every }) }),
    async remove(connectionId) {
      const input: DeleteConnectionInput = { connectionId };
      await startOnce(deleteConnectionWorkflowType, connectionDeletionWorkflowId(connectionId), input);
    },
  };
}
