// The admins' live panel: the routings in flight now (a snapshot), then every rep's events as they happen (the same
// Server-Sent Events and bounds as a rep's own stream, api/rep-event-stream.ts). Reps follow their own offers with
// GET /v1/reps/{id}/offers and /events instead: no rep sees whom else a visitor is offered to.
import { z } from 'zod';
import { inFlightRoutings } from '../../store/live-routings';
import { ALL_REPS, latestRepEventId } from '../../store/rep-events';
import { admin } from '../access';
import { json, operation } from '../operations';
import { lastEventIdOf, serveRepEvents } from '../rep-event-stream';
import { repEventsQuerySchema } from '../schemas/events';
import { LIVE_ROUTINGS_MAX, liveRoutingsSchema } from '../schemas/live';

export const liveOperations = [
  operation({
    method: 'get',
    path: '/v1/live/routings',
    operationId: 'listLiveRoutings',
    tag: 'Routings',
    summary: 'The routings in flight now, with whom each is offered to and until when',
    access: admin,
    responses: { 200: json(liveRoutingsSchema, 'The routings still routing, and where their event stream resumes.') },
    handle: async (_input, { deps: { db } }) => {
      // Read first: an event appended while the snapshot is read is then replayed by the stream, not lost.
      const lastEventId = await latestRepEventId(db);
      const routings = await inFlightRoutings(db, LIVE_ROUTINGS_MAX + 1);
      return {
        status: 200,
        body: {
          lastEventId,
          routings: routings.slice(0, LIVE_ROUTINGS_MAX),
          truncated: routings.length > LIVE_ROUTINGS_MAX,
        },
      };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/live/events',
    operationId: 'streamLiveEvents',
    tag: 'Routings',
    summary: "Every rep's live events as Server-Sent Events",
    access: admin,
    query: repEventsQuerySchema,
    responses: {
      200: {
        description:
          "text/event-stream of every rep's `offer.created`, `offer.withdrawn`, `routing.connected`, " +
          '`conversation.ended` and `presence.changed` events (each with `repId` in its data), as `GET /v1/reps/{id}/events` sends one ' +
          "rep's: each with an `id`, resumed with `Last-Event-ID` (start with the `lastEventId` of " +
          '`GET /v1/live/routings`), heartbeats as comment lines, and the same bounds: past the replay caps the ' +
          'stream starts from now with an event `reset` (data `{"reason"}`), and the client refetches ' +
          '`GET /v1/live/routings`; a client that leaves what it was sent unread for ' +
          'REP_EVENTS_STALL_TIMEOUT_SECONDS is disconnected; the admin key holds at most ' +
          "REP_EVENTS_STREAMS_PER_CREDENTIAL open streams (these and reps' streams together) per API process, one " +
          'more is answered 429 with the code `too_many_streams`.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
    failures: { 400: 'invalid_request: Last-Event-ID is not an event id.' },
    handle: async ({ query }, context) => {
      await serveRepEvents(ALL_REPS, lastEventIdOf(context.req, query), context);
      return undefined;
    },
  }),
];
