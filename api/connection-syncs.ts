// Starts a connection's sync: the `syncConnection` workflow (workflows/sync-connection.ts), one at a time per
// connection, under the workflow id `connection-sync-<id>`.
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

export const connectionSyncWorkflowId = (connectionId: string) => `connection-sync-${connectionId}`;

/** Starts the sync; `running` when one is already running for the connection (it is not started twice). */
export type StartConnectionSync = (connectionId: string, full: boolean) => Promise<'started' | 'running'>;

export function connectionSyncStarter(client: Client, taskQueue: string): StartConnectionSync {
  return async (connectionId, full) => {
    try {
      await client.workflow.start('syncConnection', {
        taskQueue,
        workflowId: connectionSyncWorkflowId(connectionId),
        args: [{ connectionId, full }],
      });
      return 'started';
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'running';
      throw error;
    }
  };
}
