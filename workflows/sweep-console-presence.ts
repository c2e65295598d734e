// Presence follows the console: sets away the available reps whose every own event stream has been gone for the
// grace period (store/console-presence.ts keeps the streams' leases). Started by a Temporal Schedule
// (worker/console-presence-schedule.ts) every few seconds; each run is one short activity.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const sweepConsolePresenceWorkflowType = 'sweepConsolePresence';

export interface ConsolePresenceSweepInput {
  /** How long a rep's last stream must have been gone (CONSOLE_PRESENCE_GRACE_SECONDS). */
  graceSeconds: number;
}

const { setAwayRepsWithoutConsole } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  // The next scheduled run sweeps again: a run does not outlast a few attempts.
  scheduleToCloseTimeout: '2m',
  retry: { initialInterval: '1s', maximumInterval: '10s' },
});

export async function sweepConsolePresence({
  graceSeconds,
}: ConsolePresenceSweepInput): Promise<{ setAway: string[] }> {
  // The workflow clock: the cutoff a retried activity uses is the one this run started with.
  const cutoff = new Date(Date.now() - graceSeconds * 1000).toISOString();
  return { setAway: await setAwayRepsWithoutConsole({ cutoff }) };
}
