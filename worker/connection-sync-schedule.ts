// A Temporal Schedule per connection that runs its incremental sync (workflows/sync-connection.ts) every few
// minutes. Created when a connection is authorized (or its interval changes), removed when it is deleted (workflows/delete-connection.ts). A run
// still going when the next is due makes that one skip, and each scheduled run hands over to the connection's one
// sync workflow id, so a sync started through the API and a scheduled one never overlap.
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import {
  connectionSyncScheduleId,
  type SyncConnectionInput,
  syncConnectionWorkflowType,
} from '../workflows/sync-connection';
import { ensureSchedule, everyInterval } from './ensure-schedule';

export const DEFAULT_SYNC_INTERVAL: Duration = '15m';

/** Creates the connection's schedule, or brings an existing one to this interval and task queue. */
export async function ensureSyncSchedule(
  client: Client,
  connectionId: string,
  options: { taskQueue: string; every?: Duration },
): Promise<void> {
  const scheduleId = connectionSyncScheduleId(connectionId);
  const input: SyncConnectionInput = { connectionId, full: false, scheduled: true };
  await ensureSchedule(
    client,
    scheduleId,
    everyInterval(scheduleId, {
      every: options.every ?? DEFAULT_SYNC_INTERVAL,
      workflowType: syncConnectionWorkflowType,
      taskQueue: options.taskQueue,
      input,
    }),
  );
}
