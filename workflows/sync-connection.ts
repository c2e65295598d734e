// Syncs one connection (Salesforce, Outreach, Salesloft): reads each of the provider's objects page by page, each
// page committed with its cursor by an activity, so a worker killed mid-sync loses nothing: the page in flight is
// read again from the last committed cursor, and the ones before it are not. Started by `POST /v1/connections/:id/sync`
// (workflow id `connection-sync-<id>`) and by the connection's Schedule (worker/connection-sync-schedule.ts), whose
// runs hand over to that same id, so one connection never has two syncs at once.

import { type Duration, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  ContinueAsNew,
  continueAsNew,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { ConnectionSyncActivities, SyncPageOutcome } from '../activities/connection-sync';
import { type ApiBudget, type ConnectionProvider, syncedObjects } from '../domain/connections';

export const syncConnectionWorkflowType = 'syncConnection';
export const connectionSyncWorkflowId = (connectionId: string) => `connection-sync-${connectionId}`;
/** The connection's Schedule of incremental syncs (worker/connection-sync-schedule.ts). */
export const connectionSyncScheduleId = (connectionId: string) => `connection-sync-schedule-${connectionId}`;

/** How a sync paces itself; tests shorten it. Durations in Temporal's format ('90s', '1h'). */
export interface SyncPacing {
  /** Wait after REQUEST_LIMIT_EXCEEDED before asking again (Salesforce's limit is a rolling 24 hours). */
  limitPause: Duration;
  /** Share of the API budget past which the sync slows down, and the wait between its pages then. */
  slowDownAt: number;
  slowDownPause: Duration;
  /** One page's read and commit; past it the attempt is retried (on another worker, if this one died). */
  pageTimeout: Duration;
  /** Pages after which a run continues as new, well before its history grows large. */
  pagesPerRun: number;
}

export const defaultSyncPacing: SyncPacing = {
  limitPause: '1h',
  slowDownAt: 0.9,
  slowDownPause: '1m',
  pageTimeout: '2m',
  pagesPerRun: 500,
};

export interface SyncConnectionInput {
  connectionId: string;
  /** Re-read everything, and remove what the provider no longer has. */
  full: boolean;
  /** Started by the Schedule: hand over to the connection's one sync workflow id. */
  scheduled?: boolean;
  pacing?: Partial<SyncPacing>;
  /** Where a run continued-as-new picks up. */
  resume?: { provider: ConnectionProvider; runId: string; objectIndex: number; budget?: ApiBudget };
}

export interface SyncConnectionResult {
  status: 'synced' | 'connection_deleted' | 'already_syncing';
  stored: number;
  removed: number;
  pages: number;
  calls: number;
}

const limitExceeded = (error: unknown) =>
  error instanceof ActivityFailure &&
  error.cause instanceof ApplicationFailure &&
  // activities/connection-sync.ts syncFailureTypes.limitExceeded (a workflow imports only types from there).
  error.cause.type === 'provider_limit_exceeded';

export async function syncConnection(input: SyncConnectionInput): Promise<SyncConnectionResult> {
  if (input.scheduled) return handOver(input);
  const pacing = { ...defaultSyncPacing, ...input.pacing };
  const status = proxyActivities<ConnectionSyncActivities>({
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumInterval: '1m', maximumAttempts: 10 },
  });
  const pages = proxyActivities<ConnectionSyncActivities>({
    startToCloseTimeout: pacing.pageTimeout,
    retry: {
      initialInterval: '1s',
      maximumInterval: '1m',
      maximumAttempts: 10,
      // A refused grant or a deleted connection: no retry helps; the connection shows the provider's reason.
      nonRetryableErrorTypes: ['ConnectionAuthError', 'ConnectionUnavailableError'],
    },
  });
  const result: SyncConnectionResult = { status: 'synced', stored: 0, removed: 0, pages: 0, calls: 0 };
  const provider = input.resume?.provider ?? (await status.connectionSyncStarting(input.connectionId));
  if (provider === undefined) return { ...result, status: 'connection_deleted' };
  const runId = input.resume?.runId ?? workflowInfo().runId;
  const objects: readonly string[] = syncedObjects[provider];
  let budget = input.resume?.budget;
  try {
    for (let index = input.resume?.objectIndex ?? 0; index < objects.length; index++) {
      const object = objects[index] as string;
      const page = { connectionId: input.connectionId, object, runId };
      if (input.full) await status.connectionFullSyncStarting(page);
      for (let done = false; !done; ) {
        if (result.pages >= pacing.pagesPerRun) {
          // The cursor is in the database: the new run reads on from it.
          return await continueAsNew<typeof syncConnection>({
            ...input,
            resume: { provider, runId, objectIndex: index, ...(budget && { budget }) },
          });
        }
        let outcome: SyncPageOutcome;
        try {
          outcome = await pages.connectionSyncPage(provider, page);
        } catch (error) {
          if (!limitExceeded(error)) throw error;
          await sleep(pacing.limitPause);
          continue;
        }
        result.pages++;
        result.calls += outcome.calls;
        result.stored += outcome.stored;
        result.removed += outcome.removed;
        budget = outcome.budget ?? budget;
        done = outcome.done;
        if (!done && budget && budget.limit > 0 && budget.used / budget.limit >= pacing.slowDownAt) {
          await sleep(pacing.slowDownPause);
        }
      }
      if (input.full) result.removed += await pages.connectionRemoveUnseen(provider, page);
    }
  } catch (error) {
    if (!isCancellation(error) && !(error instanceof ContinueAsNew)) {
      const reason = error instanceof ActivityFailure && error.cause ? error.cause.message : String(error);
      await status.connectionSyncFailed(input.connectionId, `sync failed: ${reason}`);
    }
    throw error;
  }
  await status.connectionSynced(input.connectionId, {
    syncedAt: new Date().toISOString(),
    ...(budget && { budget }),
  });
  return result;
}

/** A scheduled run starts the connection's sync under its one id, or finds it already running and leaves it be. */
async function handOver(input: SyncConnectionInput): Promise<SyncConnectionResult> {
  const { scheduled: _scheduled, ...sync } = input;
  try {
    const child = await startChild(syncConnection, {
      workflowId: connectionSyncWorkflowId(input.connectionId),
      args: [sync],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return await child.result();
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { status: 'already_syncing', stored: 0, removed: 0, pages: 0, calls: 0 };
  }
}
