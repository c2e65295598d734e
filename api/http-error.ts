// Errors the API answers with, in the SPEC's shape: { error: { code, message, details? } }.
import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { type Dependency, RETRY_AFTER_SECONDS, unavailableDependency } from '../runtime/outages';
import { ConflictError, NoDraftError, PreconditionFailedError, UnknownReferenceError } from '../store/errors';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what: string, id: string) => new HttpError(404, 'not_found', `${what} ${id} does not exist`);

/**
 * A value that fits none of a union's shapes is told what the nearest shape (fewest issues) lacks, field by field,
 * rather than "invalid input" about the whole: `{ version }` without `since` is told `since`.
 */
function nearestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const nearest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
  return nearest.flatMap((inner) => nearestBranch({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** Names each offending field by its dotted path, so a client knows exactly what to fix. */
function fromZod(error: z.ZodError, where: string): HttpError {
  const fieldOf = (path: readonly PropertyKey[]) => (path.length > 0 ? path.map(String).join('.') : where);
  const issues = error.issues.flatMap(nearestBranch).flatMap((issue) =>
    // Name each unknown key itself rather than the object holding it.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'unknown field' }))
      : [{ field: fieldOf(issue.path), message: issue.message }],
  );
  const summary = issues
    .slice(0, 5)
    .map((issue) => `${issue.field}: ${issue.message}`)
    .join('; ');
  return new HttpError(400, 'invalid_request', summary, { issues });
}

/** Parses `value` with `schema` or throws a 400 naming every invalid field. `where` names the root (body, query). */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where = 'body'): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZod(result.error, where);
  return result.data;
}

/** What a 503 tells the client, per dependency out of reach. */
const unreachable: Record<Dependency, string> = {
  database: 'the database cannot be reached',
  temporal: 'Temporal cannot be reached',
  worker: 'no routing worker is running to answer',
};

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ConflictError) return new HttpError(409, error.code, error.message);
  if (error instanceof PreconditionFailedError) return new HttpError(412, 'precondition_failed', error.message);
  if (error instanceof NoDraftError) return new HttpError(404, 'not_found', error.message);
  if (error instanceof UnknownReferenceError) {
    return new HttpError(400, 'unknown_reference', `${error.field}: ${error.message}`, {
      issues: [{ field: error.field, message: error.message }],
    });
  }
  // body-parser marks its own failures with a status and a type.
  const parserError = error as { status?: number; type?: string; message?: string };
  if (parserError.type === 'entity.parse.failed') {
    return new HttpError(400, 'invalid_json', 'body: request body is not valid JSON');
  }
  if (parserError.type === 'entity.too.large')
    return new HttpError(413, 'payload_too_large', 'request body is too large');
  if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return new HttpError(parserError.status, parserError.type ?? 'bad_request', parserError.message ?? 'bad request');
  }
  // An outage is not the client's fault, nor a bug: 503, and the same request works once the dependency is back.
  const dependency = unavailableDependency(error);
  if (dependency) {
    return new HttpError(503, `${dependency}_unavailable`, `${unreachable[dependency]}: retry later`);
  }
  return new HttpError(500, 'internal', 'internal error');
}

/** Last middleware: answers every failure in the error shape, never with a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const httpError = toHttpError(error);
    if (httpError.status === 503) {
      // Every 503 is an outage (see toHttpError): expected while it lasts, so a warning without the stack, and the
      // client is told when to try again.
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ code: httpError.code, reason, method: req.method, path: req.path }, 'request refused: outage');
      res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    } else if (httpError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    }
    res.status(httpError.status).json({
      error: {
        code: httpError.code,
        message: httpError.message,
        ...(httpError.details !== undefined && { details: httpError.details }),
      },
    });
  };
}
