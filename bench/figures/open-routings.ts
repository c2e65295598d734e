// Opens round-robin routings whose offers stand for the rest of the run, and counts the reps' live offers: shared
// by the fairness figure (which opens the first thousand) and the memory figure (which opens more).
import type { BenchContext } from '../context';
import { expectStatus } from '../driver/http';
import { routingRequest } from '../driver/scenarios';
import { inPool, now, sleep } from '../driver/timing';

/** Live offers per fairness rep, in rep order, as the reps (through the admin key) see them. */
export async function liveOfferCounts(ctx: BenchContext): Promise<number[]> {
  return Promise.all(
    ctx.reps.fair.map(async (rep) => {
      const response = await ctx.http.request<{ offers: unknown[] }>(
        'GET',
        `/v1/reps/${rep.id}/offers`,
        ctx.service.keys.adminKey,
      );
      return expectStatus('fair offers', response, 200).offers.length;
    }),
  );
}

export interface Opened {
  /** Starting them: POST /v1/routings with `startConcurrency` in flight. */
  startMs: number;
  /** Until every one of them showed its offer. */
  allOfferedMs: number;
  counts: number[];
}

let opened = 0;

/** Opens `count` more routings and waits until the reps hold `expectedTotal` live offers. */
export async function openRoutings(ctx: BenchContext, count: number, expectedTotal: number): Promise<Opened> {
  const ids = Array.from({ length: count }, () => `open-${opened++}`);
  const start = now();
  await inPool(ids, ctx.config.startConcurrency, async (routingId) => {
    const response = await ctx.http.request(
      'POST',
      '/v1/routings',
      ctx.service.keys.experienceKey,
      routingRequest('fair', routingId),
    );
    expectStatus(`start ${routingId}`, response, 202);
  });
  const startMs = now() - start;
  const deadline = now() + 90 * 60_000;
  let reported = now();
  for (;;) {
    const counts = await liveOfferCounts(ctx);
    const total = counts.reduce((sum, each) => sum + each, 0);
    if (total >= expectedTotal) return { startMs, allOfferedMs: now() - start, counts };
    if (now() > deadline) throw new Error(`only ${total} of ${expectedTotal} offers after 90 minutes`);
    if (now() - reported > 60_000) {
      ctx.log(`${total} of ${expectedTotal} offers standing`);
      reported = now();
    }
    await sleep(total > 2_000 ? 2_000 : 250);
  }
}
