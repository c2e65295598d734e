// Who is calling: the admin key, the experience key, or a rep's own token. Who may call each /v1 operation is its
// declared access rule (api/access.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../store/database';
import { repForToken } from '../store/rep-tokens';
import { HttpError } from './http-error';

export interface ApiKeys {
  adminKey: string;
  experienceKey: string;
}

export type Principal = { kind: 'admin' } | { kind: 'experience' } | { kind: 'rep'; repId: string };

/** Equal-length digests compared in constant time, so response timing reveals nothing about a key. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * Identifies the caller from their bearer credential, leaving no principal when it is missing or not valid, or when
 * `skipCheck` says not to look (an address that has used up its unauthenticated requests). `requireCaller` then
 * refuses; the rate limit on unauthenticated requests counts them in between.
 */
export function identifyCaller(keys: ApiKeys, db: Db, skipCheck: (req: Request) => Promise<boolean>): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (token && !(await skipCheck(req))) {
      const principal = await principalFor(token, keys, db);
      if (principal) res.locals.principal = principal;
    }
    next();
  };
}

async function principalFor(token: string, keys: ApiKeys, db: Db): Promise<Principal | undefined> {
  if (sameSecret(token, keys.adminKey)) return { kind: 'admin' };
  if (sameSecret(token, keys.experienceKey)) return { kind: 'experience' };
  if (token.startsWith('rep_')) {
    const repId = await repForToken(db, token);
    if (repId) return { kind: 'rep', repId };
  }
  return undefined;
}

/** Refuses requests without valid credentials with 401. */
export const requireCaller: RequestHandler = (req, res, next) => {
  if (res.locals.principal !== undefined) return next();
  if (!bearerToken(req)) throw new HttpError(401, 'unauthenticated', 'send Authorization: Bearer <key or rep token>');
  throw new HttpError(401, 'unauthenticated', 'the key or token is not valid');
};

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
