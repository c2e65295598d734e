// A rep's live events as Server-Sent Events. Each event carries its id, so a client that reconnects with
// Last-Event-ID gets what it missed (or `reset` when that is too much or too old: rep-event-replay.ts); heartbeats
// keep proxies from closing an idle stream. Every stream is bounded (rep-event-limits.ts): a credential holds a
// limited number, and a client that does not read what it is sent is not written to, then disconnected.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { repEventStreamsOpen } from '../../observability/metrics';
import { getUser } from '../../store/directory';
import type { RepEvent } from '../../store/rep-events';
import { pathRepOrAdmin } from '../access';
import { HttpError, notFound, parseOr400 } from '../http-error';
import { operation } from '../operations';
import { idParams } from '../path-params';
import type { RepEventHub } from '../rep-event-hub';
import { streamStart } from '../rep-event-replay';
import { eventIdSchema, repEventsQuerySchema } from '../schemas/events';

/** The cursor the client resumes after. An empty header is a client that has seen no event yet, as none is. */
function lastEventIdOf(req: Request, query: { lastEventId?: number | undefined }): number | undefined {
  // Browsers' EventSource cannot set headers on the first connection, so the query may carry the cursor too.
  const header = req.header('last-event-id');
  if (header !== undefined && header.trim() !== '') return parseOr400(eventIdSchema, header, 'Last-Event-ID');
  return query.lastEventId;
}

const eventText = (event: RepEvent) =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, repId: event.repId, at: event.createdAt })}\n\n`;

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
          'text/event-stream of `offer.created`, `offer.withdrawn`, `routing.connected` and `presence.changed` events, ' +
          'each with an `id`; reconnect with `Last-Event-ID` to receive exactly the events missed. Comment lines are ' +
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
    handle: async ({ params, query }, { deps: { db, events: hub, heartbeatMs }, principal, req, res }) => {
      const repId = params.id;
      const lastEventId = lastEventIdOf(req, query);
      if (!(await getUser(db, repId))) throw notFound('user', repId);
      const release = hub.reserveStream(principal.kind === 'rep' ? `rep:${principal.repId}` : principal.kind);
      if (!release) {
        throw new HttpError(
          429,
          'too_many_streams',
          `this credential already holds ${hub.limits.streamsPerPrincipal} open event streams; close one first`,
        );
      }
      res.once('close', release); // however the request ends, even before the stream opens
      if (res.destroyed) {
        release();
        return undefined;
      }
      const start = await streamStart(db, repId, lastEventId, hub.limits);
      if (!res.destroyed) openStream(res, hub, repId, start, heartbeatMs);
      return undefined;
    },
  }),
];

function openStream(
  res: Response,
  hub: RepEventHub,
  repId: string,
  start: Awaited<ReturnType<typeof streamStart>>,
  heartbeatMs: number,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  repEventStreamsOpen.inc();
  // A client that leaves the socket full this long is disconnected; on reconnect it gets its replay or `reset`.
  let stalled: NodeJS.Timeout | undefined;
  /** Writes unless the stream has ended; false once the socket is full, until 'drain'. Never throws. */
  const send = (text: string): boolean => {
    if (res.writableEnded || res.destroyed) return false;
    if (res.write(text)) return true;
    stalled ??= setTimeout(() => res.destroy(), hub.limits.stallTimeoutMs);
    return false;
  };
  send(`retry: 1000\n: stream for ${repId} after event ${start.after}\n\n`);
  if (start.reset) {
    // The id lets a later reconnect resume from here.
    send(`id: ${start.after}\nevent: reset\ndata: ${JSON.stringify({ repId, reason: start.reset })}\n\n`);
  }
  const subscription = hub.subscribe(
    repId,
    start.after,
    (event) => send(eventText(event)),
    () => res.end(),
  );
  // A heartbeat is skipped while the socket is full: the client is behind anyway.
  const heartbeat = setInterval(() => res.writableNeedDrain || send(': heartbeat\n\n'), heartbeatMs);
  res.on('drain', () => {
    clearTimeout(stalled);
    stalled = undefined;
    subscription.resume();
  });
  res.on('error', () => undefined); // a failed socket also closes: cleaned up below
  res.once('close', () => {
    clearInterval(heartbeat);
    clearTimeout(stalled);
    subscription.unsubscribe();
    repEventStreamsOpen.dec();
  });
}
