// Figure 3: the highest rate of routings driven to `connected` by simulated reps that the service sustains with
// trigger-to-offer p99 within the limit, found by stepping the rate up; next to the same found on the floor service,
// driven alike.
import type { BenchContext } from '../context';
import { runLoadStep, type StepResult } from '../driver/load-step';
import { RoutingDriver } from '../driver/routing-driver';
import { sleep } from '../driver/timing';
import { type CpuSnapshot, cpuMsPer, cpuSnapshot } from '../service/cpu-time';
import { summarize } from '../stats';

export interface StepOutcome {
  rate: number;
  achievedRate: number;
  started: number;
  connected: number;
  offerMedianMs: number;
  offerP99Ms: number;
  acceptP99Ms: number;
  /** Every routing connected within the drain: the service kept up, whatever its latency. */
  keptUp: boolean;
  /** Kept up, with trigger-to-offer p99 within the limit. */
  sustained: boolean;
  errors: string[];
  /**
   * CPU milliseconds each process spent per routing started in the step (including its drain); on the floor, its one
   * process is counted under `worker` and `api` alike.
   */
  cpuMsPerRouting: CpuSnapshot;
  /** Offer polls the simulated reps made per second. */
  pollsPerSecond: number;
}

export interface StepSeries {
  steps: StepOutcome[];
  /** Highest sustained rate, routings connected per second; 0 when even the first step was not. */
  sustainedRate: number;
  /** Highest rate stepped to at which every routing still connected, latency aside. */
  keptUpRate: number;
}

export interface ThroughputResult extends StepSeries {
  floor: StepSeries;
}

/** How long after a step's last start its routings may still take to connect. */
const DRAIN_MS = 5_000;

function judge(step: StepResult, p99LimitMs: number): Omit<StepOutcome, 'cpuMsPerRouting' | 'pollsPerSecond'> {
  const offer = summarize(step.offerMs);
  const keptUp = step.connected === step.started && step.achievedRate >= step.rate * 0.95;
  return {
    rate: step.rate,
    achievedRate: step.achievedRate,
    started: step.started,
    connected: step.connected,
    offerMedianMs: offer.median,
    offerP99Ms: offer.p99,
    acceptP99Ms: summarize(step.acceptMs).p99,
    keptUp,
    sustained: keptUp && offer.p99 <= p99LimitMs,
    errors: [...new Set(step.errors)].slice(0, 5),
  };
}

/** Steps the rate up on one target (the service, or the floor) while it keeps up, then bisects once or more. */
async function stepUp(
  ctx: BenchContext,
  driver: RoutingDriver,
  label: string,
  pids: { worker: number; api: number; temporal: number[] },
): Promise<StepSeries> {
  const { config } = ctx;
  const steps: StepOutcome[] = [];
  const runStep = async (rate: number) => {
    ctx.log(`throughput, ${label}: ${rate} routings/s for ${config.stepSeconds} s`);
    const cpuBefore = cpuSnapshot(pids);
    const pollsBefore = driver.polls;
    const step = await runLoadStep(driver, rate, config.stepSeconds, `${label}-step-${rate}`, DRAIN_MS);
    const outcome: StepOutcome = {
      ...judge(step, config.stepP99LimitMs),
      cpuMsPerRouting: cpuMsPer(cpuBefore, cpuSnapshot(pids), step.started),
      pollsPerSecond: ((driver.polls - pollsBefore) * 1000) / step.elapsedMs,
    };
    steps.push(outcome);
    // Let a step that fell behind finish before the next, so each step starts from a quiet service.
    await driver.settleAll(120_000);
    await sleep(2_000);
    return outcome;
  };
  try {
    return { steps, ...(await searchSustainedRate(config, runStep)) };
  } finally {
    await driver.stop();
  }
}

/**
 * Steps the rate up through `config.steps` while each step keeps up, so capacity shows even when latency misses the
 * limit early, then bisects between the last sustained rate and the first that was not (`config.refineSteps` times).
 */
export async function searchSustainedRate(
  config: { steps: readonly number[]; refineSteps: number },
  runStep: (rate: number) => Promise<{ sustained: boolean; keptUp: boolean }>,
): Promise<{ sustainedRate: number; keptUpRate: number }> {
  let best = 0;
  let keptUpRate = 0;
  let worst: number | undefined;
  for (const rate of config.steps) {
    const outcome = await runStep(rate);
    if (outcome.sustained) best = rate;
    else worst ??= rate;
    if (!outcome.keptUp) break;
    keptUpRate = rate;
  }
  for (let refine = 0; refine < config.refineSteps && worst !== undefined; refine++) {
    const rate = Math.round((best + worst) / 2);
    if (rate === best || rate === worst) break;
    const outcome = await runStep(rate);
    if (outcome.sustained) best = rate;
    else worst = rate;
    if (outcome.keptUp) keptUpRate = Math.max(keptUpRate, rate);
  }
  return { sustainedRate: best, keptUpRate };
}

/** The floor first: its sustained rate also sets the moderate load's rate. */
export async function measureThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  const { config, http, service, reps, floor } = ctx;
  const temporal = service.temporalProcesses().flatMap(({ pid }) => (pid === undefined ? [] : [pid]));
  const pollingReps = reps.load.slice(0, config.pollingReps);
  const floorSeries = await stepUp(
    ctx,
    new RoutingDriver(floor.http, '', 'load', pollingReps, config.stepPollMs),
    'floor',
    { worker: floor.pid, api: floor.pid, temporal },
  );
  const series = await stepUp(
    ctx,
    new RoutingDriver(http, service.keys.experienceKey, 'load', pollingReps, config.stepPollMs),
    'service',
    { worker: service.worker.pid, api: service.api.pid, temporal },
  );
  return { ...series, floor: floorSeries };
}
