// Applies the retention settings: deletes finished routings, rep events, webhook deliveries and outbound link clicks
// older than they keep.
// Started by a Temporal Schedule (worker/retention-schedule.ts), hourly; each activity call deletes a bounded number
// of small batches, so a large backlog is worked off over a few calls (and, past MAX_ROUNDS, over the next runs).
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const purgeExpiredDataWorkflowType = 'purgeExpiredData';

/** Days each kind of data is kept; 0 keeps it forever. */
export interface RetentionPolicy {
  /** Finished routings with their offers, conversation, round-robin turns and visitor (never an open routing). */
  finishedRoutingsDays: number;
  repEventsDays: number;
  /** Deliveries that are over (succeeded or failed), with their attempts. */
  webhookDeliveriesDays: number;
  /** Clicks on tracked outbound links (who clicked which sender's email); optional for schedules made before it. */
  outboundClicksDays?: number;
}

export interface PurgeInput {
  policy: RetentionPolicy;
  /** Rows per batch, each batch one transaction; default 500. */
  batchSize?: number;
}

/** ISO cutoffs: rows older than these go. A kind kept forever has none. */
export interface PurgeCutoffs {
  finishedRoutings?: string;
  repEvents?: string;
  webhookDeliveries?: string;
  outboundClicks?: string;
}

export interface PurgeCounts {
  finishedRoutings: number;
  repEvents: number;
  webhookDeliveries: number;
  outboundClicks: number;
  /** Batches (transactions) it took. */
  batches: number;
}

/** Activity calls per run; each does at most `batchesPerCall` batches. A backlog beyond that waits for the next run. */
const MAX_ROUNDS = 100;

const DAY_MS = 86_400_000;

const { purgeExpiredRows } = proxyActivities<Activities>({
  startToCloseTimeout: '10m',
  // Each batch heartbeats: a worker that died mid-call is noticed within a minute, and the call retried.
  heartbeatTimeout: '1m',
  retry: { initialInterval: '10s', maximumInterval: '5m' },
});

export async function purgeExpiredData({ policy, batchSize = 500 }: PurgeInput): Promise<PurgeCounts> {
  // One set of cutoffs for the whole run, from the time it started (deterministic on replay).
  const now = workflowInfo().runStartTime.getTime();
  const cutoff = (days: number) => (days > 0 ? new Date(now - days * DAY_MS).toISOString() : undefined);
  const cutoffs: PurgeCutoffs = {};
  const routings = cutoff(policy.finishedRoutingsDays);
  const events = cutoff(policy.repEventsDays);
  const deliveries = cutoff(policy.webhookDeliveriesDays);
  if (routings) cutoffs.finishedRoutings = routings;
  if (events) cutoffs.repEvents = events;
  const clicks = cutoff(policy.outboundClicksDays ?? 0);
  if (deliveries) cutoffs.webhookDeliveries = deliveries;
  if (clicks) cutoffs.outboundClicks = clicks;

  const totals: PurgeCounts = {
    finishedRoutings: 0,
    repEvents: 0,
    webhookDeliveries: 0,
    outboundClicks: 0,
    batches: 0,
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { more, ...counts } = await purgeExpiredRows({ cutoffs, batchSize, batchesPerCall: 20 });
    totals.finishedRoutings += counts.finishedRoutings;
    totals.repEvents += counts.repEvents;
    totals.webhookDeliveries += counts.webhookDeliveries;
    totals.outboundClicks += counts.outboundClicks;
    totals.batches += counts.batches;
    if (!more) break;
  }
  return totals;
}
