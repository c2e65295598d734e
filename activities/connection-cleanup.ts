// The activities of a connection's deletion (workflows/delete-connection.ts): mark it deleted, remove its Schedule,
// remove what it synced in bounded batches, then its remains. Each can run again after a worker died mid-way.
import { Context } from '@temporalio/activity';
import { ScheduleNotFoundError } from '@temporalio/client';
import type { ConnectionProvider } from '../domain/connections';
import { removeConnectionRemains, removeSyncedRecordsBatch } from '../store/connection-cleanup';
import { markConnectionDeleted } from '../store/connections';
import type { Db } from '../store/database';
import { connectionSyncScheduleId } from '../workflows/sync-connection';

export interface RemoveRecordsInput {
  connectionId: string;
  provider: ConnectionProvider;
  batchSize: number;
  /** Batches (transactions) this call may run before handing back to the workflow. */
  batchesPerCall: number;
}

export function createConnectionCleanupActivities(db: Db) {
  return {
    /** Hides the connection and stops its sync pages from committing; its provider, undefined when already gone. */
    connectionDeletionStarting: (connectionId: string): Promise<ConnectionProvider | undefined> =>
      markConnectionDeleted(db, connectionId),
    /** Deletes the connection's Schedule of syncs, if it has one. */
    async connectionScheduleRemoving(connectionId: string): Promise<void> {
      try {
        await Context.current().client.schedule.getHandle(connectionSyncScheduleId(connectionId)).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    },
    /** Removes synced records until none is left or the call's budget is spent; `more` says whether some remain. */
    async connectionRecordsRemoving(input: RemoveRecordsInput): Promise<{ removed: number; more: boolean }> {
      let removed = 0;
      for (let batch = 0; batch < input.batchesPerCall; batch++) {
        const count = await removeSyncedRecordsBatch(db, input.connectionId, input.provider, input.batchSize);
        if (count === 0) return { removed, more: false };
        removed += count;
        Context.current().heartbeat(removed);
      }
      return { removed, more: true };
    },
    /** Cursors, the org's users, the row with its secrets: once every record went. */
    connectionRemainsRemoving: (connectionId: string): Promise<void> => removeConnectionRemains(db, connectionId),
  };
}

export type ConnectionCleanupActivities = ReturnType<typeof createConnectionCleanupActivities>;
