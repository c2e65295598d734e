// Figure 6: round robin under concurrency: how evenly the first offers of many routings started at once spread
// over the reps.
import type { BenchContext } from '../context';
import { openRoutings } from './open-routings';

export interface FairnessResult {
  routings: number;
  firstOffers: Record<string, number>;
  spread: number;
  openedMs: number;
}

export async function measureFairness(ctx: BenchContext): Promise<FairnessResult> {
  const routings = ctx.config.fairnessRoutings;
  ctx.log(`fairness: ${routings} round-robin routings at once over ${ctx.reps.fair.length} reps`);
  // Each routing's one live offer is its first: offers stand for a day and nobody answers.
  const opened = await openRoutings(ctx, routings, routings);
  const firstOffers = Object.fromEntries(ctx.reps.fair.map((rep, index) => [rep.id, opened.counts[index] ?? 0]));
  return {
    routings,
    firstOffers,
    spread: Math.max(...opened.counts) - Math.min(...opened.counts),
    openedMs: opened.allOfferedMs,
  };
}
