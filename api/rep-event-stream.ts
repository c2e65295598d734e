// Serves reps' stored events as Server-Sent Events: one rep's (GET /v1/reps/{id}/events) or every rep's (the admins'
// GET /v1/live/events). Each event carries its id, so a client that reconnects with Last-Event-ID gets what it
// missed (or `reset` when that is too much or too old: rep-event-replay.ts); heartbeats keep proxies from closing an
// idle stream. Every stream is bounded (rep-event-limits.ts): a credential holds a limited number, and a client that
// does not read what it is sent is not written to, then disconnected.
import type { Request, Response } from 'express';
import { repEventStreamsOpen } from '../observability/metrics';
import { ALL_REPS, type RepEvent } from '../store/rep-events';
import type { Principal } from './auth';
import { HttpError, parseOr400 } from './http-error';
import type { OperationDeps } from './operations';
import type { RepEventHub, StreamScope } from './rep-event-hub';
import { streamStart } from './rep-event-replay';
import { eventIdSchema } from './schemas/events';

/** The cursor the client resumes after. An empty header is a client that has seen no event yet, as none is. */
export function lastEventIdOf(req: Request, query: { lastEventId?: number | undefined }): number | undefined {
  // Browsers' EventSource cannot set headers on the first connection, so the query may carry the cursor too.
  const header = req.header('last-event-id');
  if (header !== undefined && header.trim() !== '') return parseOr400(eventIdSchema, header, 'Last-Event-ID');
  return query.lastEventId;
}

const eventText = (event: RepEvent) =>
  `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, repId: event.repId, at: event.createdAt })}\n\n`;

/**
 * Opens the stream of `scope`'s events after `lastEventId` (lastEventIdOf) on `res`, or refuses with 429 when the
 * caller holds too many streams.
 */
export async function serveRepEvents(
  scope: StreamScope,
  lastEventId: number | undefined,
  {
    deps: { db, events: hub, heartbeatMs, consoleLeases },
    principal,
    res,
  }: {
    deps: OperationDeps;
    principal: Principal;
    res: Response;
  },
): Promise<void> {
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
    return;
  }
  const start = await streamStart(db, scope, lastEventId, hub.limits);
  if (res.destroyed) return;
  openStream(res, hub, scope, start, heartbeatMs);
  // Only a rep's own stream says they are at their console; an admin watching it does not.
  if (consoleLeases && principal.kind === 'rep' && principal.repId === scope)
    res.once('close', consoleLeases.hold(scope));
}

function openStream(
  res: Response,
  hub: RepEventHub,
  scope: StreamScope,
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
  const whose = scope === ALL_REPS ? 'every rep' : scope;
  send(`retry: 1000\n: stream for ${whose} after event ${start.after}\n\n`);
  if (start.reset) {
    // The id lets a later reconnect resume from here.
    const data = scope === ALL_REPS ? { reason: start.reset } : { repId: scope, reason: start.reset };
    send(`id: ${start.after}\nevent: reset\ndata: ${JSON.stringify(data)}\n\n`);
  }
  const subscription = hub.subscribe(
    scope,
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
