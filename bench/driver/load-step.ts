// One step of steady load: routings started open-loop at a fixed rate, reps accepting as they see them.
import type { RoutingDriver, RoutingTrace } from './routing-driver';
import { now, paced, sleep } from './timing';

export interface StepResult {
  rate: number;
  achievedRate: number;
  started: number;
  connected: number;
  /** Trigger to offer per routing; a routing no rep saw in time counts as the time it had waited. */
  offerMs: number[];
  acceptMs: number[];
  postMs: number[];
  errors: string[];
  /** Wall time from the first start until the last routing connected (or the drain gave up). */
  elapsedMs: number;
}

/**
 * Runs `rate` routings per second for `seconds`, then waits up to `drainMs` for the last ones to connect.
 * Routings still unconnected then are left to the driver's `settleAll`.
 */
export async function runLoadStep(
  driver: RoutingDriver,
  rate: number,
  seconds: number,
  label: string,
  drainMs: number,
): Promise<StepResult> {
  const traces: RoutingTrace[] = [];
  const pending = new Set<Promise<RoutingTrace>>();
  const start = now();
  const achievedRate = await paced(rate, seconds, (index) => {
    const { trace, done } = driver.route(`${label}-${index}`);
    traces.push(trace);
    pending.add(done);
    void done.then(() => pending.delete(done));
  });
  const deadline = now() + drainMs;
  while (pending.size > 0 && now() < deadline) await sleep(10);
  const end = now();
  const offerMs = traces.map((trace) => trace.offerMs ?? end - (trace.sentAt + (trace.postMs ?? 0)));
  const pick = (key: 'acceptMs' | 'postMs') =>
    traces.map((trace) => trace[key]).filter((value): value is number => value !== undefined);
  return {
    rate,
    achievedRate,
    started: traces.length,
    connected: traces.filter((trace) => trace.connected).length,
    offerMs,
    acceptMs: pick('acceptMs'),
    postMs: pick('postMs'),
    errors: traces.flatMap((trace) => (trace.error ? [trace.error] : [])),
    elapsedMs: end - start,
  };
}
