// A rep's live events as Server-Sent Events (served by rep-event-stream.ts, which the admins' live stream shares).
import { z } from 'zod';
import { getUser } from '../../store/directory';
import { pathRepOrAdmin } from '../access';
import { notFound } from '../http-error';
import { operation } from '../operations';
import { idParams } from '../path-params';
import { lastEventIdOf, serveRepEvents } from '../rep-event-stream';
import { repEventsQuerySchema } from '../schemas/events';

export const eventsOperations = [
  operation({
    method: 'get',
    path: '/v1/reps/{id}/events',
    operationId: 'streamRepEvents',
    tag: 'Reps',
    summary: "A rep's live events as Server-Sent Events",
    access: pathRepOrAdmin,
    params: idParams.user,
    query: repEventsQuerySchema,
    responses: {
      200: {
        description:
          'text/event-stream of `offer.created`, `offer.withdrawn`, `routing.connected`, `conversation.ended` ' +
          '(data `{"routingId","endedAt","reason"}`, reason `requested`: ended through `POST /v1/routings/{id}/end`, ' +
          "or `idle`: ended by the rule's `endConversationAfterSeconds`) and `presence.changed` events, " +
          'each with an `id`; a `presence.changed` the service made itself carries `reason` (`missed_offers`: set ' +
          'away after `awayAfterMissedOffers` offers in a row timed out; `console_disconnected`: every event stream ' +
          'the rep held with their own token was gone for CONSOLE_PRESENCE_GRACE_SECONDS). Reconnect with `Last-Event-ID` to receive ' +
          'exactly the events missed. Comment lines are ' +
          'sent as heartbeats. A new stream (no `Last-Event-ID`, or an empty one) starts with events from now on. ' +
          'A replay is capped (REP_EVENTS_REPLAY_MAX_EVENTS events, default 1000, the first at most ' +
          'REP_EVENTS_REPLAY_MAX_AGE_SECONDS old, default 3600, and the id still stored): beyond the caps the stream ' +
          'starts from now with an event `reset` (data `{"repId","reason"}`, reason `too_many_missed`, `too_old` or ' +
          '`unknown_event_id`; its `id` is where a later reconnect resumes), and the client refetches ' +
          '`GET /v1/reps/{id}/offers`. A client that leaves what it was sent unread for ' +
          'REP_EVENTS_STALL_TIMEOUT_SECONDS (default 30) is disconnected. One credential holds at most ' +
          'REP_EVENTS_STREAMS_PER_CREDENTIAL open streams (default 10) per API process: one more is answered ' +
          '429 with the code `too_many_streams`.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
    failures: { 404: 'not_found: no such user.', 400: 'invalid_request: Last-Event-ID is not an event id.' },
    handle: async ({ params, query }, context) => {
      const lastEventId = lastEventIdOf(context.req, query);
      if (!(await getUser(context.deps.db, params.id))) throw notFound('user', params.id);
      await serveRepEvents(params.id, lastEventId, context);
      return undefined;
    },
  }),
];
