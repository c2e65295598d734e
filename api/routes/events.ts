// A rep's live events as Server-Sent Events. Each event carries its id, so a client that reconnects with
// Last-Event-ID gets what it missed (or `reset` when that is too much or too old: rep-event-replay.ts); heartbeats
// keep proxies from closing an idle stream. Every stream is bounded (rep-event-limits.ts): a credential holds a
// limited number, and a client that does not read what it is sent is not written to, then disconnected.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { repEventStreamsOpen } from '../../observability/metrics';
import type { Db } from '../../store/database';
import { getUser } from '../../store/directory';
import type { RepEvent } from '../../store/rep-events';
import { assertActsFor, principalOf } from '../auth';
import { HttpError, notFound, parseOr400 } from '../http-error';
import { checkIdParam } from '../path-params';
import type { RepEventHub } from '../rep-event-hub';
import { streamStart } from '../rep-event-replay';
import { eventIdSchema, repEventsQuerySchema } from '../schemas/events';

/** The cursor the client resumes after. An empty header is a client that has seen no event yet, as none is. */
function lastEventIdOf(req: Request): number | undefined {
  // Browsers' EventSource cannot set headers on the first connection, so the query may carry the cursor too.
  const header = req.header('last-event-id');
  if (header !== undefined && header.trim() !== '') return parseOr400(eventIdSchema, header, 'Last-Event-ID');
  return parseOr400(repEventsQuerySchema, req.query, 'query').lastEventId;
}

const eventText = (event: RepEvent) =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, repId: event.repId, at: event.createdAt })}\n\n`;

export function eventsRouter(db: Db, hub: RepEventHub, heartbeatMs: number): Router {
  const router = Router();
  router.param('id', checkIdParam);

  router.get('/v1/reps/:id/events', async (req, res) => {
    const repId = req.params.id;
    assertActsFor(res, repId, { adminToo: true });
    const lastEventId = lastEventIdOf(req);
    if (!(await getUser(db, repId))) throw notFound('user', repId);
    const principal = principalOf(res);
    const release = hub.reserveStream(principal.kind === 'rep' ? `rep:${principal.repId}` : principal.kind);
    if (!release) {
      throw new HttpError(
        429,
        'too_many_streams',
        `this credential already holds ${hub.limits.streamsPerPrincipal} open event streams; close one first`,
      );
    }
    res.once('close', release); // however the request ends, even before the stream opens
    if (res.destroyed) return release();
    const start = await streamStart(db, repId, lastEventId, hub.limits);
    if (!res.destroyed) openStream(res, hub, repId, start, heartbeatMs);
  });

  return router;
}

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
