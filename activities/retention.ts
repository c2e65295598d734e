// The retention purge's activity: deletes expired rows in bounded batches, one short transaction each.
import { Context } from '@temporalio/activity';
import type { Db } from '../store/database';
import { purgeFinishedRoutings, purgeOutboundClicks, purgeRepEvents, purgeWebhookDeliveries } from '../store/retention';
import type { PurgeCounts, PurgeCutoffs } from '../workflows/purge-expired-data';

export interface PurgeRowsInput {
  cutoffs: PurgeCutoffs;
  batchSize: number;
  /** Batches this call may run before handing back to the workflow. */
  batchesPerCall: number;
}

export function createRetentionActivities(db: Db) {
  return {
    /** Runs batches until nothing expired is left or the call's budget is spent; `more` says whether work remains. */
    async purgeExpiredRows({
      cutoffs,
      batchSize,
      batchesPerCall,
    }: PurgeRowsInput): Promise<PurgeCounts & { more: boolean }> {
      const counts: PurgeCounts = {
        finishedRoutings: 0,
        repEvents: 0,
        webhookDeliveries: 0,
        outboundClicks: 0,
        batches: 0,
      };
      const kinds = [
        { kind: 'finishedRoutings', before: cutoffs.finishedRoutings, purge: purgeFinishedRoutings },
        { kind: 'repEvents', before: cutoffs.repEvents, purge: purgeRepEvents },
        { kind: 'webhookDeliveries', before: cutoffs.webhookDeliveries, purge: purgeWebhookDeliveries },
        { kind: 'outboundClicks', before: cutoffs.outboundClicks, purge: purgeOutboundClicks },
      ] as const;
      for (const { kind, before, purge } of kinds) {
        if (!before) continue;
        for (;;) {
          if (counts.batches >= batchesPerCall) return { ...counts, more: true };
          const deleted = await purge(db, before, batchSize);
          counts[kind] += deleted;
          counts.batches++;
          Context.current().heartbeat(counts);
          if (deleted < batchSize) break;
        }
      }
      return { ...counts, more: false };
    },
  };
}
