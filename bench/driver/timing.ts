// Clocks and pacing shared by the measurements. All times are performance.now() milliseconds in this process.
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Open-loop load: calls `fire(i)` at `rate` per second for `seconds`, on schedule whatever the responses do, so a
 * slow service meets the same arrivals a busy website would send. Returns the achieved rate.
 */
export async function paced(rate: number, seconds: number, fire: (index: number) => void): Promise<number> {
  const total = Math.max(1, Math.round(rate * seconds));
  const start = now();
  for (let index = 0; index < total; index++) {
    const due = start + (index * 1000) / rate;
    const wait = due - now();
    if (wait > 1) await sleep(wait);
    fire(index);
  }
  const elapsed = now() - start;
  return total > 1 ? ((total - 1) * 1000) / elapsed : rate;
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
