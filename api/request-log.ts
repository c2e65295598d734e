// One structured log line per request, carrying the routing id when the request concerns a routing, so an
// operator can follow a routing from its trigger through every rep's answer.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const routingPath = /^\/v1\/routings\/([^/]+)/;

/** A path segment as the client meant it, or as sent when it is not valid percent-encoding (`%`, `%E0%A4`). */
function decodedOrRaw(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Runs after the response, outside any request handler: an exception here would end the process, so a
    // failure to describe the request is logged instead.
    res.on('finish', () => {
      try {
        const routingId =
          routingPath.exec(req.path)?.[1] ??
          (req.path === '/v1/routings' && typeof req.body?.routingId === 'string' ? req.body.routingId : undefined);
        const entry = {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          ...(routingId !== undefined && { routingId: decodedOrRaw(routingId) }),
          ...(res.locals.principal && { caller: res.locals.principal }),
        };
        // Probes are frequent and boring; everything else is worth a line.
        if (req.path === '/healthz' || req.path === '/metrics') logger.debug(entry, 'request');
        else logger.info(entry, 'request');
      } catch (error) {
        logger.error({ err: error, method: req.method, url: req.originalUrl }, 'could not log a request');
      }
    });
    next();
  };
}
