// Text every database can store: PostgreSQL text cannot hold NUL characters, so they are refused at the door with a
// 400 naming where they are, instead of failing deep in a query.
import type { RequestHandler } from 'express';
import { HttpError } from './http-error';

/** The dotted path of the first string containing NUL, if any. */
function findNul(value: unknown, path: string[]): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || 'body' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findNul(item, [...path, String(index)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const found = key.includes('\u0000') ? [...path, key].join('.') : findNul(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const refuse = (field: string) =>
  new HttpError(400, 'invalid_request', `${field}: must not contain NUL characters`, {
    issues: [{ field, message: 'must not contain NUL characters' }],
  });

/** Refuses NUL characters in the path, the query and the JSON body. */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw new HttpError(400, 'invalid_request', 'path: is not valid percent-encoding');
  }
  if (path.includes('\u0000')) throw refuse('path');
  const inQuery = findNul(req.query, []);
  if (inQuery !== undefined) throw refuse(inQuery === 'body' ? 'query' : inQuery);
  const inBody = findNul(req.body, []);
  if (inBody !== undefined) throw refuse(inBody);
  next();
};
