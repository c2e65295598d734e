// Deleting a connection (DELETE /v1/connections/:id), so routing stops standing on that system's data: the
// connection is hidden at once and no page of its sync commits any more; its Schedule goes, a sync under way is
// cancelled, and every record it synced is removed, a batch per transaction, before its row and secrets. Each step
// is an activity that can simply run again, so a worker dying mid-way leaves the rest to the next attempt.
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { ConnectionCleanupActivities } from '../activities/connection-cleanup';
import { connectionSyncWorkflowId } from './sync-connection';

export const deleteConnectionWorkflowType = 'deleteConnection';
export const connectionDeletionWorkflowId = (connectionId: string) => `connection-delete-${connectionId}`;

export interface DeleteConnectionInput {
  connectionId: string;
  /** Records per batch, each batch one transaction; default 500. */
  batchSize?: number;
}

export interface DeleteConnectionResult {
  /** Synced records removed (each with its rows where routing reads them). */
  removed: number;
}

const cleanup = proxyActivities<ConnectionCleanupActivities>({
  startToCloseTimeout: '10m',
  // Each batch heartbeats: a worker that died mid-call is noticed within a minute, and the call retried.
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', maximumInterval: '1m' },
});

export async function deleteConnection({
  connectionId,
  batchSize = 500,
}: DeleteConnectionInput): Promise<DeleteConnectionResult> {
  const provider = await cleanup.connectionDeletionStarting(connectionId);
  if (provider === undefined) return { removed: 0 }; // an earlier deletion finished
  await cleanup.connectionScheduleRemoving(connectionId);
  try {
    await getExternalWorkflowHandle(connectionSyncWorkflowId(connectionId)).cancel();
  } catch {
    // No sync is running. One that is and commits no page any more (the connection is marked) ends either way.
  }
  let removed = 0;
  for (let more = true; more; ) {
    const batch = await cleanup.connectionRecordsRemoving({ connectionId, provider, batchSize, batchesPerCall: 20 });
    removed += batch.removed;
    more = batch.more;
  }
  await cleanup.connectionRemainsRemoving(connectionId);
  return { removed };
}
