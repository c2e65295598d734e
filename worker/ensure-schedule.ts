// One way to keep a Temporal Schedule in step with code: create it, or (an earlier start or another process created
// it) bring the existing one to this definition, keeping any policies it has that the definition does not name.
import { type Client, ScheduleAlreadyRunning, type ScheduleOptions, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

export type ScheduleDefinition = Omit<ScheduleOptions, 'scheduleId' | 'memo' | 'searchAttributes'>;

/**
 * The housekeeping schedules' one shape: start `workflowType` with `input` on `taskQueue` every `every`, under the
 * schedule's own id (Temporal adds the time); a run still going when the next is due makes that one skip.
 */
export function everyInterval(
  scheduleId: string,
  {
    every,
    workflowType,
    taskQueue,
    input,
  }: { every: Duration; workflowType: string; taskQueue: string; input: unknown },
): ScheduleDefinition {
  return {
    spec: { intervals: [{ every }] },
    action: { type: 'startWorkflow' as const, workflowType, workflowId: scheduleId, taskQueue, args: [input] },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  };
}

export async function ensureSchedule(
  client: Client,
  scheduleId: string,
  definition: ScheduleDefinition,
): Promise<void> {
  try {
    await client.schedule.create({ scheduleId, ...definition });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      ...definition,
      policies: { ...previous.policies, ...definition.policies },
    }));
  }
}
