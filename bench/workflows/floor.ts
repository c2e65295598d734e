// Bench-only workflows: the least Temporal work that each measured path of a routing also does, so each routing
// figure can be shown as a ratio to its floor on the same server in the same run. Runs on its own task queue.
import { ApplicationFailure, condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from '../floor/marks';

const { mark } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });

/** Claims the trivial workflow for one rep: the bare equivalent of a routing's accept. */
export const claimUpdate = defineUpdate<{ outcome: 'claimed' }, [{ repId: string }]>('claim');

/** Start, then one local activity: what a routing does before its offer shows, minus all of the routing. */
export async function floorLocalActivity(id: string): Promise<void> {
  await mark(id);
}

/** Start and complete, nothing else: the throughput floor. */
export async function floorNoop(): Promise<void> {}

/**
 * One update handler and nothing else. Marks itself running (as a routing's offer shows it is waiting), then the
 * first claim wins and later ones are refused by the validator, like a routing's accept race. It stays open until
 * the bench terminates it, so every claim meets the validator rather than a closed workflow.
 */
export async function floorUpdate(id: string): Promise<void> {
  let claimedBy: string | null = null;
  setHandler(
    claimUpdate,
    ({ repId }) => {
      claimedBy ??= repId;
      return { outcome: 'claimed' as const };
    },
    {
      validator: ({ repId }) => {
        if (claimedBy !== null && claimedBy !== repId) {
          throw ApplicationFailure.create({ type: 'already_assigned', message: 'claimed', nonRetryable: true });
        }
      },
    },
  );
  await mark(id);
  await condition(() => false);
}
