// The bench floor's one workflow (bench/floor/floor-service.ts): a routing's shape with nothing of the routing. One
// local activity makes the offer, then the workflow waits for one accept update: the first rep wins, the validator
// refuses the others before anything is recorded, as a routing's accept does.
import { ApplicationFailure, condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export interface FloorActivities {
  /** Shows the offer to the reps (in the floor process's memory). */
  offer(routingId: string): Promise<void>;
}

const { offer } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10s' });

export const floorAcceptUpdate = defineUpdate<{ outcome: 'connected' }, [{ repId: string }]>('accept');

/** Returns the rep who accepted. */
export async function floorRouting(routingId: string): Promise<string> {
  let acceptedBy: string | undefined;
  setHandler(
    floorAcceptUpdate,
    ({ repId }) => {
      acceptedBy ??= repId;
      return { outcome: 'connected' as const };
    },
    {
      validator: ({ repId }) => {
        if (acceptedBy !== undefined && acceptedBy !== repId) {
          throw ApplicationFailure.create({
            type: 'already_assigned',
            message: 'another rep accepted',
            nonRetryable: true,
          });
        }
      },
    },
  );
  await offer(routingId);
  await condition(() => acceptedBy !== undefined);
  return acceptedBy as string;
}
