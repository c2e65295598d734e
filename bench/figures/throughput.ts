// Figure 3: the highest rate of routings driven to `connected` by simulated reps that the service sustains with
// trigger-to-offer p99 within the limit, found by stepping the rate up; next to the no-op workflow rate.
import type { BenchContext } from '../context';
import { runLoadStep, type StepResult } from '../driver/load-step';
import { RoutingDriver } from '../driver/routing-driver';
import { sleep } from '../driver/timing';
import { noopRate } from '../floor/floor-measures';
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
  /** CPU milliseconds each process spent per routing started in the step (including its drain). */
  cpuMsPerRouting: CpuSnapshot;
  /** Offer polls the simulated reps made per second. */
  pollsPerSecond: number;
}

export interface ThroughputResult {
  steps: StepOutcome[];
  /** Highest sustained rate, routings connected per second; 0 when even the first step was not. */
  sustainedRate: number;
  /** Highest rate stepped to at which every routing still connected, latency aside. */
  keptUpRate: number;
  noopRate: number;
  noopConcurrency: number;
  /** CPU milliseconds per no-op workflow (the bench column is the floor worker and its client). */
  noopCpuMs: CpuSnapshot;
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

export async function measureThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  const { config, http, service, reps } = ctx;
  ctx.log(`throughput: no-op workflows, ${config.noopConcurrency} callers for ${config.noopSeconds} s`);
  const pids = {
    worker: service.worker.pid,
    api: service.api.pid,
    temporal: service.temporalProcesses().flatMap(({ pid }) => (pid === undefined ? [] : [pid])),
  };
  const noopBefore = cpuSnapshot(pids);
  const noop = await noopRate(service.client, config.noopSeconds, config.noopConcurrency);
  const noopCpuMs = cpuMsPer(noopBefore, cpuSnapshot(pids), noop.completed);
  const driver = new RoutingDriver(
    http,
    service.keys.experienceKey,
    'load',
    reps.load.slice(0, config.pollingReps),
    config.stepPollMs,
  );
  const steps: StepOutcome[] = [];
  const runStep = async (rate: number) => {
    ctx.log(`throughput: ${rate} routings/s for ${config.stepSeconds} s`);
    const cpuBefore = cpuSnapshot(pids);
    const pollsBefore = driver.polls;
    const step = await runLoadStep(driver, rate, config.stepSeconds, `step-${rate}`, DRAIN_MS);
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
    // Step up while the service keeps up, so its capacity shows even when latency misses the limit early.
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
    return {
      steps,
      sustainedRate: best,
      keptUpRate,
      noopRate: noop.perSecond,
      noopConcurrency: config.noopConcurrency,
      noopCpuMs,
    };
  } finally {
    await driver.stop();
  }
}
