// The routing worker as a process starts it from its configuration: the all-in-one main.ts and the scale-out
// worker/main.ts run the same worker, so they take its settings from one place.
import type { Config } from '../config';
import { connectionSecretBox } from '../runtime/connections-key';
import { retentionPolicyFrom } from './retention-schedule';
import { type StartedWorker, startWorker } from './start-worker';

type ProcessParts = Pick<
  Parameters<typeof startWorker>[0],
  'target' | 'db' | 'workflowBundle' | 'logger' | 'lifecycle'
>;

export function startConfiguredWorker(config: Config, parts: ProcessParts): Promise<StartedWorker> {
  return startWorker({
    ...parts,
    taskQueue: config.TASK_QUEUE,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    deadlockTimeoutSeconds: config.WORKER_DEADLOCK_TIMEOUT_SECONDS,
    retention: retentionPolicyFrom(config),
    consolePresenceGraceSeconds: config.CONSOLE_PRESENCE_GRACE_SECONDS,
    outboundPolicy: config.outboundPolicy,
    connectionSecrets: connectionSecretBox(config),
    liveLookupBudgetMs: config.LIVE_LOOKUP_BUDGET_MS,
  });
}
