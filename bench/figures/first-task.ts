// Where a routing's time to offer goes, read from its history: when the server recorded the start, when the worker
// picked up the first workflow task (which runs the local activities up to the offer), and when it completed.
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { summarize } from '../stats';

interface FirstTask {
  startedAt: number;
  taskStartedAt: number;
  taskCompletedAt: number;
}

type Timestamp = { seconds?: { toString(): string } | number | null; nanos?: number | null } | null | undefined;

const wallMs = (time: Timestamp) => Number(String(time?.seconds ?? 0)) * 1000 + (time?.nanos ?? 0) / 1e6;

/** A performance.now() reading of this process as wall-clock ms, comparable with the server's event times. */
export const toWall = (performanceMs: number) => performance.timeOrigin + performanceMs;

async function firstTask(client: Client, workflowId: string): Promise<FirstTask> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const first = (test: (event: (typeof events)[number]) => unknown) => {
    const event = events.find(test);
    if (!event) throw new Error(`${workflowId}: history lacks an expected event`);
    return wallMs(event.eventTime as Timestamp);
  };
  return {
    startedAt: first((event) => event.workflowExecutionStartedEventAttributes),
    taskStartedAt: first((event) => event.workflowTaskStartedEventAttributes),
    taskCompletedAt: first((event) => event.workflowTaskCompletedEventAttributes),
  };
}

export interface TimeSplit {
  /** Start recorded to the worker picking up the first workflow task: the server's dispatch. */
  dispatchMs: number;
  /** First task picked up to the effect being seen (offer listed to a rep; floor: local activity ran). */
  workerMs: number;
  /** The whole first workflow task, as the server timed it. */
  firstTaskMs: number;
  /** Start recorded to the starter's response arriving (POST /v1/routings, or start() for the floor). */
  responseMs: number;
}

/** Medians of each part, over `samples` of (workflow id, when its start response arrived, when its effect showed). */
export async function splitTime(
  client: Client,
  samples: readonly { workflowId: string; respondedAt: number; seenAt: number }[],
): Promise<TimeSplit> {
  const parts = {
    dispatchMs: [] as number[],
    workerMs: [] as number[],
    firstTaskMs: [] as number[],
    responseMs: [] as number[],
  };
  for (const sample of samples) {
    const task = await firstTask(client, sample.workflowId);
    parts.dispatchMs.push(task.taskStartedAt - task.startedAt);
    parts.workerMs.push(toWall(sample.seenAt) - task.taskStartedAt);
    parts.firstTaskMs.push(task.taskCompletedAt - task.taskStartedAt);
    parts.responseMs.push(toWall(sample.respondedAt) - task.startedAt);
  }
  return {
    dispatchMs: summarize(parts.dispatchMs).median,
    workerMs: summarize(parts.workerMs).median,
    firstTaskMs: summarize(parts.firstTaskMs).median,
    responseMs: summarize(parts.responseMs).median,
  };
}
