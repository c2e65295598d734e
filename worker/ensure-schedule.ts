// One way to keep a Temporal Schedule in step with code: create it, or (an earlier start or another process created
// it) bring the existing one to this definition, keeping any policies it has that the definition does not name.
import { type Client, ScheduleAlreadyRunning, type ScheduleOptions } from '@temporalio/client';

export type ScheduleDefinition = Omit<ScheduleOptions, 'scheduleId' | 'memo' | 'searchAttributes'>;

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
