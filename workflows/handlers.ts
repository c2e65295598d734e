// How a routing answers its messages. Validators are synchronous, so a refusal reaches the caller at once and
// writes no history; the accept handler claims the routing in its first statement, so exactly one rep wins.
// Handlers only change state and never run activities: the main loop mirrors every change to the database.
// Accept and cancel answer once that mirror holds their outcome.
// (A local activity awaited in a handler while the main loop runs its own made replays nondeterministic: the
// replay test over a round-robin decline caught it.)
import { ApplicationFailure, condition, patched, setHandler } from '@temporalio/workflow';
import {
  acceptUpdate,
  cancelUpdate,
  declineUpdate,
  type RefusalCode,
  type RepMessage,
  stateQuery,
  supersedeSignal,
} from './messages';
import { DURABLE_OUTCOME_WRITE } from './patches';
import type { RoutingRecord } from './routing/record';

function refuse(code: RefusalCode, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

function requireRepId(message: RepMessage): void {
  if (typeof message?.repId !== 'string' || message.repId.length === 0) {
    throw ApplicationFailure.create({ type: 'invalid_argument', message: 'repId must be a non-empty string' });
  }
}

export function registerRoutingHandlers(record: RoutingRecord): void {
  const { state } = record;
  /**
   * An accept or a cancel is answered once the main loop has written its outcome, so the caller can act on it at
   * once (end the conversation, list it). Waiting on a condition, not an activity, keeps replays deterministic.
   */
  const outcomeWritten = async () => {
    if (patched(DURABLE_OUTCOME_WRITE)) await condition(() => record.outcomeWritten);
  };

  setHandler(stateQuery, () => state);

  setHandler(
    acceptUpdate,
    async ({ repId }) => {
      if (state.repId !== repId) record.connect(repId); // the winner asking again changes nothing
      await outcomeWritten();
      return { outcome: 'connected' as const };
    },
    {
      validator: (message) => {
        requireRepId(message);
        if (state.repId === message.repId) return;
        if (state.repId !== null) refuse('already_assigned', 'another rep accepted');
        if (!record.isOpen()) refuse('routing_closed', `routing is ${state.status}`);
        if (!record.liveOffer(message.repId)) refuse('not_offered', 'no live offer for this rep');
      },
    },
  );

  setHandler(
    declineUpdate,
    ({ repId }) => {
      const offer = record.liveOffer(repId);
      if (offer) {
        record.closeOffer(offer, 'declined');
        record.trace('offer.declined', { repId });
      }
      return { outcome: 'declined' as const };
    },
    {
      validator: (message) => {
        requireRepId(message);
        if (!record.isOpen()) refuse('routing_closed', `routing is ${state.status}`);
        if (!record.liveOffer(message.repId)) refuse('not_offered', 'no live offer for this rep');
      },
    },
  );

  setHandler(
    cancelUpdate,
    async () => {
      if (record.isOpen()) record.end('cancelled');
      await outcomeWritten();
      return { status: state.status };
    },
    {
      validator: () => {
        if (!record.isOpen() && state.status !== 'cancelled') refuse('routing_closed', `routing is ${state.status}`);
      },
    },
  );

  setHandler(supersedeSignal, ({ byRoutingId }) => {
    if (state.type !== 'pounce' || !record.isOpen()) return;
    record.end('superseded', { byRoutingId });
  });
}
