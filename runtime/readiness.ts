// Liveness and readiness, shared by the API (GET /livez, /readyz) and the separate worker process: alive means the
// process answers; ready means each dependency answered a cheap call within a short timeout.
import { sql } from 'kysely';
import type { Db } from '../store/database';
import { RETRY_AFTER_SECONDS } from './outages';
import { type TemporalCaller, withTemporalDeadline } from './temporal';

/** Each dependency must answer within this, so a probe answers well inside a load balancer's own timeout. */
export const READINESS_CHECK_TIMEOUT_MS = 2_000;

export type Check = () => Promise<void>;

/** `select 1` (a query the pool's own timeouts end, should the probe give up on it first). */
export function databaseCheck(db: Db): Check {
  return () => sql`select 1`.execute(db).then(() => {});
}

/**
 * Temporal's GetSystemInfo, the call the SDK itself makes to check a new connection, with a deadline so that the
 * call itself ends (the native connection keeps retrying a refused connection for about 10 s regardless).
 */
export function temporalCheck(caller: TemporalCaller): Check {
  return () =>
    withTemporalDeadline(caller, () => caller.workflowService.getSystemInfo({}), READINESS_CHECK_TIMEOUT_MS).then(
      () => {},
    );
}

/** Resolves when `check` passes within `timeoutMs`; rejects when it fails or takes longer. */
async function withinTimeout(check: Check, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Readiness {
  status: 200 | 503;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * Runs every check at once, each given up on after `timeoutMs`. Ready: 200 `{ status: 'ready', checks }`.
 * Otherwise 503 with Retry-After, in the error shape, its code naming the dependency that failed
 * (`database_unavailable`, `temporal_unavailable`, `worker_unavailable`; `dependencies_unavailable` when several did)
 * and `details.checks` saying how each fared, e.g. `{ database: 'unavailable', temporal: 'ok' }`.
 */
export async function probeReadiness(
  checks: Record<string, Check>,
  timeoutMs = READINESS_CHECK_TIMEOUT_MS,
): Promise<Readiness> {
  const names = Object.keys(checks);
  const results = await Promise.allSettled(names.map((name) => withinTimeout(checks[name] as Check, timeoutMs)));
  const outcome = Object.fromEntries(
    names.map((name, i) => [name, results[i]?.status === 'fulfilled' ? 'ok' : 'unavailable']),
  );
  const failed = names.filter((name) => outcome[name] !== 'ok');
  if (failed.length === 0) return { status: 200, headers: {}, body: { status: 'ready', checks: outcome } };
  const code = failed.length === 1 ? `${failed[0]}_unavailable` : 'dependencies_unavailable';
  return {
    status: 503,
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    body: { error: { code, message: `not ready: ${failed.join(', ')} unavailable`, details: { checks: outcome } } },
  };
}

/** GET /livez: the process runs its event loop; no dependency is checked, so an outage never gets it restarted. */
export const liveness = { status: 200, body: { status: 'alive' } } as const;
