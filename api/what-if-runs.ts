// Starting a what-if replay: its run's row, then its workflow (workflows/what-if-replay.ts) on the workers' queue.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Rule } from '../domain/rules';
import type { Db } from '../store/database';
import { createWhatIfRun, deleteWhatIfRun, type WhatIfRequest } from '../store/what-if';
import { type WhatIfReplayInput, whatIfReplayWorkflowType } from '../workflows/what-if-replay';

export interface WhatIfRuns {
  /** Records the run and starts its replay; returns its id. */
  start(run: { request: WhatIfRequest; rules: Rule[]; ruleSetVersion: number | null }): Promise<string>;
}

export const whatIfWorkflowId = (runId: string) => `what-if-${runId}`;

export function whatIfRuns(db: Db, client: Client, taskQueue: string, options: { pageSize?: number } = {}): WhatIfRuns {
  return {
    async start(run) {
      const id = randomUUID();
      await createWhatIfRun(db, { id, ...run, createdAt: new Date().toISOString() });
      const input: WhatIfReplayInput = { runId: id, ...(options.pageSize && { pageSize: options.pageSize }) };
      try {
        await client.workflow.start(whatIfReplayWorkflowType, {
          taskQueue,
          workflowId: whatIfWorkflowId(id),
          args: [input],
        });
      } catch (error) {
        // Nothing will replay it: the run is not left looking as if it were running.
        await deleteWhatIfRun(db, id).catch(() => undefined);
        throw error;
      }
      return id;
    },
  };
}
