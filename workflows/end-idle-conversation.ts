// A connected conversation nobody ended is ended for its rep once its rule's `endConversationAfterSeconds` has
// passed, so capacity is never held forever by a rep who forgot. Its own workflow, started by the routing as it
// connects and left running when the routing closes: the routing's outcome (and whoever waits on it) is not held up.
import { ParentClosePolicy, patched, sleep, startChild } from '@temporalio/workflow';
import { durableRoutingActivities } from './activities';
import { endIdleConversationsPatch } from './patches';
import type { RoutingRecord } from './routing-record';

export async function endIdleConversation({ routingId, endsAt }: { routingId: string; endsAt: string }): Promise<{
  ended: boolean;
}> {
  await sleep(Math.max(1, Date.parse(endsAt) - Date.now()));
  return {
    ended: await durableRoutingActivities.endIdleConversation({ routingId, endedAt: new Date().toISOString() }),
  };
}

/** The id of the workflow that ends a routing's conversation: one per routing. */
export const idleEndWorkflowId = (routingId: string) => `${routingId}:end-idle`;

/**
 * Called once the routing has connected and written its outcome: starts the workflow that ends the conversation
 * `afterSeconds` from the accept, and says so in the trace.
 */
export async function scheduleIdleEnd(record: RoutingRecord, afterSeconds: number | null | undefined): Promise<void> {
  const { state } = record;
  if (state.status !== 'connected' || !afterSeconds || !patched(endIdleConversationsPatch)) return;
  const endsAt = new Date(Date.parse(state.endedAt ?? record.now()) + afterSeconds * 1000).toISOString();
  try {
    await startChild(endIdleConversation, {
      workflowId: idleEndWorkflowId(state.routingId),
      args: [{ routingId: state.routingId, endsAt }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    record.trace('conversation.end_scheduled', { endsAt, policy: 'end_conversation_after' });
  } catch (error) {
    // Its id is taken (by a routing named so): the routing has its outcome all the same; the rep ends it.
    record.trace('conversation.end_not_scheduled', { reason: error instanceof Error ? error.message : String(error) });
  }
}
