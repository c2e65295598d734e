// The console presence sweep's activity (workflows/sweep-console-presence.ts): sets away the reps whose console has
// been gone past the grace period, and starts the `presence.changed` webhook deliveries that owes.
import { setAwayRepsWithoutConsole } from '../store/console-presence';
import type { Db } from '../store/database';
import type { RoutingRows } from './routing-rows';

export function createConsolePresenceActivities(db: Db, rows: RoutingRows) {
  return {
    /** Reps whose every event stream lease ended at or before `cutoff` are set away; returns who was. */
    async setAwayRepsWithoutConsole({ cutoff }: { cutoff: string }): Promise<string[]> {
      const { repIds, webhookDeliveryIds } = await setAwayRepsWithoutConsole(db, cutoff);
      await rows.webhooks.start(webhookDeliveryIds);
      return repIds;
    },
  };
}
