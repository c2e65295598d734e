// Per-credential rate limits on /v1: the experience key, each rep (all their tokens together), the admin key, and
// callers without valid credentials by address. Counted in memory, per API process (express-rate-limit's store).
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type Principal, principalOf } from './auth';
import { HttpError } from './http-error';

/** Requests allowed per window; each count starts with a credential's first request in a window. */
export interface RateLimits {
  windowSeconds: number;
  /** The experience key: every visitor's routings go through it, so it gets the most. */
  experience: number;
  /** Each rep, counted across all their tokens. */
  rep: number;
  admin: number;
  /**
   * Requests without valid credentials (none, or a wrong key or token), per client address. An address past it is
   * refused for the rest of its window whatever it sends, so a key cannot be guessed any faster.
   */
  unauthenticated: number;
}

export const rateLimitsFrom = (config: Config): RateLimits => ({
  windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
  experience: config.RATE_LIMIT_EXPERIENCE,
  rep: config.RATE_LIMIT_REP,
  admin: config.RATE_LIMIT_ADMIN,
  unauthenticated: config.RATE_LIMIT_UNAUTHENTICATED,
});

export interface RateLimiters {
  /** True when the request's address has used up its unauthenticated requests: its credentials are not checked. */
  addressIsBlocked(req: Request): Promise<boolean>;
  /** Counts and limits requests that carry no valid credential, by address. */
  byAddress: RequestHandler;
  /** Counts and limits authenticated requests, by credential. */
  byCredential: RequestHandler;
}

const credentialKey = (principal: Principal) => (principal.kind === 'rep' ? `rep:${principal.repId}` : principal.kind);

const hasPrincipal = (res: Response) => res.locals.principal !== undefined;

/**
 * Limits answer 429 `rate_limited` in the API's error shape, with `Retry-After` (seconds until the window resets)
 * and the IETF `RateLimit` / `RateLimit-Policy` headers. Health, metrics, the contract and the console are not
 * limited: probes and scrapers must never be refused, and they are cheap. An event stream counts once, when opened.
 */
export function createRateLimiters(limits: RateLimits, logger: Logger): RateLimiters {
  const common = {
    windowMs: limits.windowSeconds * 1000,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    logger,
    handler: (_req: Request, res: Response, next: (error: unknown) => void) => {
      const retryAfter = res.getHeader('retry-after');
      next(new HttpError(429, 'rate_limited', `too many requests: retry after ${retryAfter} seconds`));
    },
  } as const;
  const addressKey = (req: Request) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
  const byAddress = rateLimit({
    ...common,
    limit: limits.unauthenticated,
    keyGenerator: addressKey,
    skip: (_req, res) => hasPrincipal(res),
  });
  const credentialLimits: Record<Principal['kind'], number> = {
    experience: limits.experience,
    rep: limits.rep,
    admin: limits.admin,
  };
  const byCredential = rateLimit({
    ...common,
    limit: (_req, res) => credentialLimits[principalOf(res).kind],
    keyGenerator: (_req, res) => credentialKey(principalOf(res)),
  });
  return {
    async addressIsBlocked(req) {
      const used = await byAddress.getKey(addressKey(req));
      return used !== undefined && used.totalHits >= limits.unauthenticated;
    },
    byAddress,
    byCredential,
  };
}
