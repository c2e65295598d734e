// How a routing answers its messages. Validators are synchronous, so a refusal reaches the caller at once and
// writes no history; the accept handler claims the routing without awaiting anything first, so exactly one rep wins.
// Handlers only change state and never run activities: the main loop mirrors every change to the database.
// Accept and cancel answer with the change they decided, which the API writes as soon as the answer arrives: the
// answer comes only once the deciding workflow task is recorded, so what the API writes can never be undone.
// (A local activity awaited in a handler while the main loop runs its own made replays nondeterministic: the
// replay test over a round-robin decline caught it.)
import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import {
  acceptUpdate,
  cancelUpdate,
  declineUpdate,
  type RefusalCode,
  type RepMessage,
  stateQuery,
  supersedeSignal,
} from './messages';
import type { Projection } from './projection';
import type { RoutingRecord } from './routing-record';

function refuse(code: RefusalCode, message: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
}

function requireRepId(message: RepMessage): void {
  if (typeof message?.repId !== 'string' || message.repId.length === 0) {
    throw ApplicationFailure.create({ type: 'invalid_argument', message: 'repId must be a non-empty string' });
  }
}

export function registerRoutingHandlers(record: RoutingRecord, projection: Projection): void {
  const { state } = record;

  const refuseAccept = (repId: string) => {
    if (state.repId === repId) return; // the winner asking again
    if (state.repId !== null) refuse('already_assigned', 'another rep accepted');
    if (!record.isOpen()) refuse('routing_closed', `routing is ${state.status}`);
    if (!record.liveOffer(repId)) refuse('not_offered', 'no live offer for this rep');
  };
  const refuseDecline = (repId: string) => {
    if (!record.isOpen()) refuse('routing_closed', `routing is ${state.status}`);
    if (!record.liveOffer(repId)) refuse('not_offered', 'no live offer for this rep');
  };
  /**
   * A rep's answer is judged against the offers standing while the routing waits on them. Mid-task (a task retried
   * after its worker died, which is about to remake the offers its lost attempt showed) the validator lets the
   * answer through and the handler judges it once the routing waits again.
   */
  const judgeable = () => record.awaitingAnswers || !record.isOpen();

  setHandler(stateQuery, () => record.report());

  setHandler(
    acceptUpdate,
    async ({ repId }) => {
      // No await on the usual path: the validator's judgement and the claim happen in one step, so one rep wins.
      if (!judgeable()) {
        await condition(judgeable);
        refuseAccept(repId);
      }
      if (state.repId !== repId) record.connect(repId);
      return { outcome: 'connected' as const, change: projection.unwritten() };
    },
    {
      validator: (message) => {
        requireRepId(message);
        if (judgeable()) refuseAccept(message.repId);
      },
    },
  );

  setHandler(
    declineUpdate,
    async ({ repId }) => {
      if (!judgeable()) {
        await condition(judgeable);
        refuseDecline(repId);
      }
      if (record.closeOffer(repId, 'declined')) record.trace('offer.declined', { repId });
      return { outcome: 'declined' as const };
    },
    {
      validator: (message) => {
        requireRepId(message);
        if (judgeable()) refuseDecline(message.repId);
      },
    },
  );

  setHandler(
    cancelUpdate,
    () => {
      if (record.isOpen()) record.end('cancelled');
      return { status: state.status, change: projection.unwritten() };
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
