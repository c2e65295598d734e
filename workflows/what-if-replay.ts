// A what-if replay of a window of recorded routings (activities/what-if.ts), page by page. Where the replay stands
// and what it has counted live in the run's row, advanced with each page in one transaction: a worker restart
// retries the page it was on, and the page is added once. Started by POST /v1/rules/what-if.
import { ActivityFailure, ApplicationFailure, continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { WhatIfActivities } from '../activities/what-if';

export const whatIfReplayWorkflowType = 'whatIfReplay';

export interface WhatIfReplayInput {
  runId: string;
  /** Routings per page (one activity each); default 1,000. */
  pageSize?: number;
  /** Set by a continuation: the window's routing count, taken once at the start. */
  inWindow?: number;
}

/** Pages per workflow run before it continues as new, keeping each history short. */
const PAGES_PER_RUN = 500;

const activities = proxyActivities<WhatIfActivities>({
  startToCloseTimeout: '5m',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

export async function whatIfReplay(input: WhatIfReplayInput): Promise<void> {
  const { runId, pageSize = 1000 } = input;
  let inWindow = input.inWindow;
  try {
    inWindow ??= await activities.countWhatIfWindow({ runId });
    for (let page = 0; page < PAGES_PER_RUN; page++) {
      const { done } = await activities.replayWhatIfPage({ runId, inWindow, pageSize });
      if (done) {
        await activities.finishWhatIf({ runId });
        return;
      }
    }
  } catch (error) {
    // An activity that kept failing: the run is marked failed, so its reader is not left waiting.
    if (!(error instanceof ActivityFailure)) throw error;
    const reason = error.cause?.message ?? error.message;
    await activities.finishWhatIf({ runId, error: reason });
    throw ApplicationFailure.nonRetryable(`what-if run ${runId} failed: ${reason}`);
  }
  await continueAsNew<typeof whatIfReplay>({ runId, pageSize, inWindow });
}
