// Floors: the same shapes of work as the routing figures, done by the trivial workflows in bench/workflows/floor.ts.
import { type Client, WorkflowUpdateFailedError } from '@temporalio/client';
import { now, paced } from '../driver/timing';
import { claimUpdate, floorLocalActivity, floorNoop, floorUpdate } from '../workflows/floor';
import { floorTaskQueue } from './floor-worker';
import type { MarkBoard } from './marks';

export interface StartSample {
  workflowId: string;
  /** When start() returned and when the local activity ran, on this process's performance.now() clock. */
  respondedAt: number;
  ranAt: number;
  /** client.workflow.start() round trip. */
  startMs: number;
  /** From start() returning to the workflow's local activity having run. */
  activityMs: number;
}

let sequence = 0;
const floorId = (label: string) => `floor-${label}-${process.pid}-${++sequence}`;

/**
 * Starts one no-op workflow with one local activity and waits for the activity to run. `eager`: started as the
 * all-in-one service starts routings, its first task handed to the floor worker in the start's response (needs
 * the floor worker's own client).
 */
export async function floorStartToActivity(client: Client, marks: MarkBoard, eager = false): Promise<StartSample> {
  const id = floorId('la');
  const sentAt = now();
  await client.workflow.start(floorLocalActivity, {
    taskQueue: floorTaskQueue,
    workflowId: id,
    args: [id],
    requestEagerStart: eager,
  });
  const startedAt = now();
  const ranAt = await marks.waitFor(id);
  marks.forget(id);
  // The activity can, rarely, run before start()'s response is read: that is a zero wait, not a negative one.
  return {
    workflowId: id,
    respondedAt: startedAt,
    ranAt,
    startMs: startedAt - sentAt,
    activityMs: Math.max(0, ranAt - startedAt),
  };
}

/** The same at an open-loop `rate` for `seconds`. */
export async function floorStartToActivityPaced(
  client: Client,
  marks: MarkBoard,
  rate: number,
  seconds: number,
): Promise<StartSample[]> {
  const samples: Promise<StartSample>[] = [];
  await paced(rate, seconds, () => samples.push(floorStartToActivity(client, marks)));
  return Promise.all(samples);
}

export interface RaceSample {
  winnerMs: number;
  loserMs: number[];
}

/** A trivial workflow with one update handler, claimed by `reps` callers at once: one wins, the rest are refused. */
export async function floorUpdateRace(client: Client, marks: MarkBoard, reps: number): Promise<RaceSample> {
  const id = floorId('update');
  const handle = await client.workflow.start(floorUpdate, { taskQueue: floorTaskQueue, workflowId: id, args: [id] });
  await marks.waitFor(id); // running and waiting, as a routing is once its offer shows
  marks.forget(id);
  const results = await Promise.all(
    Array.from({ length: reps }, async (_, index) => {
      const sentAt = now();
      try {
        await handle.executeUpdate(claimUpdate, { args: [{ repId: `rep-${index}` }], updateId: `claim:rep-${index}` });
        return { won: true, ms: now() - sentAt };
      } catch (error) {
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        return { won: false, ms: now() - sentAt };
      }
    }),
  );
  await handle.terminate('race measured');
  const winners = results.filter((result) => result.won);
  if (winners.length !== 1) throw new Error(`floor update race ${id}: ${winners.length} winners`);
  return {
    winnerMs: (winners[0] as { ms: number }).ms,
    loserMs: results.filter((result) => !result.won).map((result) => result.ms),
  };
}

/** No-op workflows started and completed back to back by `concurrency` callers for `seconds`. */
export async function noopRate(
  client: Client,
  seconds: number,
  concurrency: number,
): Promise<{ perSecond: number; completed: number }> {
  const deadline = now() + seconds * 1000;
  let completed = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (now() < deadline) {
        await client.workflow.execute(floorNoop, { taskQueue: floorTaskQueue, workflowId: floorId('noop') });
        completed++;
      }
    }),
  );
  return { perSecond: (completed * 1000) / (now() - start), completed };
}
