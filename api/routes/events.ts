// A rep's live events as Server-Sent Events. Each event carries its id, so a client that reconnects with
// Last-Event-ID gets exactly what it missed; heartbeats keep proxies from closing an idle stream.
import { Router } from 'express';
import type { Db } from '../../store/database';
import { getUser } from '../../store/directory';
import { latestRepEventId } from '../../store/rep-events';
import { assertActsFor } from '../auth';
import { notFound, parseOr400 } from '../http-error';
import type { RepEventHub } from '../rep-event-hub';
import { eventIdSchema, repEventsQuerySchema } from '../schemas/events';

export function eventsRouter(db: Db, hub: RepEventHub, heartbeatMs: number): Router {
  const router = Router();

  router.get('/v1/reps/:id/events', async (req, res) => {
    const repId = req.params.id;
    assertActsFor(res, repId, { adminToo: true });
    // Browsers' EventSource cannot set headers on the first connection, so the query may carry the cursor too.
    const header = req.header('last-event-id');
    const lastEventId =
      header !== undefined
        ? parseOr400(eventIdSchema, header, 'Last-Event-ID')
        : parseOr400(repEventsQuerySchema, req.query, 'query').lastEventId;
    if (!(await getUser(db, repId))) throw notFound('user', repId);
    // A new stream starts with what happens from now on; the offers endpoint gives the current state.
    const after = lastEventId ?? (await latestRepEventId(db));

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 1000\n: stream for ${repId} after event ${after}\n\n`);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    const unsubscribe = hub.subscribe(
      repId,
      after,
      (event) =>
        res.write(
          `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify({ ...event.data, repId, at: event.createdAt })}\n\n`,
        ),
      () => res.end(),
    );
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  return router;
}
