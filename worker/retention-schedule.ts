// The Temporal Schedule that applies the retention settings: every hour it runs the purgeExpiredData workflow on the
// routing task queue. Created when a worker starts, or brought up to date with that worker's settings if it exists.
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PurgeInput, RetentionPolicy } from '../workflows/purge-expired-data';
import { purgeExpiredDataWorkflowType } from '../workflows/purge-expired-data';
import { ensureSchedule, everyInterval } from './ensure-schedule';

export const retentionPolicyFrom = (config: Config): RetentionPolicy => ({
  finishedRoutingsDays: config.RETENTION_FINISHED_ROUTINGS_DAYS,
  repEventsDays: config.RETENTION_REP_EVENTS_DAYS,
  webhookDeliveriesDays: config.RETENTION_WEBHOOK_DELIVERIES_DAYS,
  outboundClicksDays: config.RETENTION_OUTBOUND_CLICKS_DAYS,
});

/** One schedule per task queue, so deployments sharing a namespace each purge their own database. */
export const retentionScheduleId = (taskQueue: string) => `purge-expired-data-${taskQueue}`;

/**
 * Creates the schedule, or (another worker or an earlier start created it) updates it to this worker's settings,
 * so a changed setting applies from the next start. A run still going when the next is due makes that one skip.
 */
export async function ensureRetentionSchedule(client: Client, taskQueue: string, policy: RetentionPolicy) {
  const scheduleId = retentionScheduleId(taskQueue);
  const input: PurgeInput = { policy };
  await ensureSchedule(
    client,
    scheduleId,
    everyInterval(scheduleId, { every: '1h', workflowType: purgeExpiredDataWorkflowType, taskQueue, input }),
  );
}
