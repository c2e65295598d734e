// The Temporal Schedule that runs the console presence sweep (workflows/sweep-console-presence.ts) on the routing task
// queue while CONSOLE_PRESENCE_GRACE_SECONDS is set, and is removed when it is not. Kept in step at every worker start.
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import { type ConsolePresenceSweepInput, sweepConsolePresenceWorkflowType } from '../workflows/sweep-console-presence';
import { ensureSchedule, everyInterval } from './ensure-schedule';

/** One schedule per task queue, so deployments sharing a namespace each sweep their own database. */
export const consolePresenceScheduleId = (taskQueue: string) => `console-presence-sweep-${taskQueue}`;

/** Sweeps twice per grace period, so a rep is set away at most half a grace late; at least every minute. */
export const sweepIntervalSeconds = (graceSeconds: number) => Math.min(60, Math.max(1, Math.floor(graceSeconds / 2)));

export async function ensureConsolePresenceSchedule(
  client: Client,
  taskQueue: string,
  graceSeconds: number | undefined,
): Promise<void> {
  const scheduleId = consolePresenceScheduleId(taskQueue);
  if (graceSeconds === undefined) {
    await client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
    return;
  }
  const input: ConsolePresenceSweepInput = { graceSeconds };
  await ensureSchedule(
    client,
    scheduleId,
    everyInterval(scheduleId, {
      every: `${sweepIntervalSeconds(graceSeconds)}s`,
      workflowType: sweepConsolePresenceWorkflowType,
      taskQueue,
      input,
    }),
  );
}
