// Figure 1: from POST /v1/routings returning to a rep's poll listing the offer, one at a time and at a moderate
// steady rate, next to the floor service (bench/floor/floor-service.ts) driven the same way at the same rate.
import type { BenchContext } from '../context';
import { JsonHttp } from '../driver/http';
import { runLoadStep, type StepResult } from '../driver/load-step';
import { openOfferStream } from '../driver/offer-stream';
import { RoutingDriver } from '../driver/routing-driver';
import { type Floor, startFloor } from '../floor/floor-process';
import { splitTime, type TimeSplit, toWall } from './first-task';

export interface LatencySet {
  offerMs: number[];
  postMs: number[];
  /** The floor's trigger to offer and POST round trip, driven the same way. */
  floorOfferMs: number[];
  floorPostMs: number[];
}

export interface LightLatency extends LatencySet {
  /** Medians of where the time went, from the histories. */
  split: { routing: TimeSplit; floor: TimeSplit };
  /** From the POST's response to the offer arriving on the rep's SSE stream. */
  sseOfferMs: number[];
  /** From the writer recording the offer.created event (its `at`, same machine clock) to its arrival over SSE. */
  sseAfterWriteMs: number[];
}

export interface ModerateLatency extends LatencySet {
  rate: number;
  /** The rate as a share of the floor's sustained throughput (undefined: set by BENCH_MODERATE_RATE). */
  floorShare: number | undefined;
  step: StepResult;
  floorStep: StepResult;
}

const WARMUP = 5;

/** Where a light load is sent: the split service's API, or the all-in-one process with eager starts. */
interface LightTarget {
  http: JsonHttp;
  baseUrl: string;
  /** Routing ids' prefix, unique per target. */
  label: string;
  /** The floor in the same layout (its starts eager when the target's are). */
  floor: Floor;
  samples: number;
}

/** One routing at a time, each followed by one floor routing, so drift affects both alike. */
async function lightLoad(ctx: BenchContext, target: LightTarget): Promise<LightLatency> {
  const { config, service, reps } = ctx;
  const loadReps = reps.load.slice(0, 1);
  const driver = new RoutingDriver(target.http, service.keys.experienceKey, 'load', loadReps, config.pollMs);
  const floorDriver = new RoutingDriver(target.floor.http, '', 'load', loadReps, config.pollMs);
  const result: LatencySet = { offerMs: [], postMs: [], floorOfferMs: [], floorPostMs: [] };
  const routingTimes: { workflowId: string; respondedAt: number; seenAt: number }[] = [];
  const floorTimes: { workflowId: string; respondedAt: number; seenAt: number }[] = [];
  const sse = { sseOfferMs: [] as number[], sseAfterWriteMs: [] as number[] };
  const stream = openOfferStream(target.baseUrl, loadReps[0] as (typeof loadReps)[number]);
  await stream.opened;
  try {
    for (let index = 0; index < target.samples + WARMUP; index++) {
      const routingId = `${target.label}-${index}`;
      const trace = await driver.route(routingId).done;
      if (!trace.connected || trace.offerMs === undefined) throw new Error(`${routingId}: ${trace.error}`);
      await service.client.workflow.getHandle(routingId).result(); // quiet before the next one
      const floorId = `floor-${routingId}`;
      const floorTrace = await floorDriver.route(floorId).done;
      if (!floorTrace.connected || floorTrace.offerMs === undefined) throw new Error(`${floorId}: ${floorTrace.error}`);
      await service.client.workflow.getHandle(floorId).result();
      if (index < WARMUP) continue;
      result.offerMs.push(trace.offerMs);
      result.postMs.push(trace.postMs as number);
      result.floorOfferMs.push(floorTrace.offerMs);
      result.floorPostMs.push(floorTrace.postMs as number);
      const respondedAt = trace.sentAt + (trace.postMs as number);
      routingTimes.push({ workflowId: routingId, respondedAt, seenAt: respondedAt + trace.offerMs });
      const floorRespondedAt = floorTrace.sentAt + (floorTrace.postMs as number);
      floorTimes.push({
        workflowId: floorId,
        respondedAt: floorRespondedAt,
        seenAt: floorRespondedAt + floorTrace.offerMs,
      });
      const arrivedAt = stream.arrivedAt.get(routingId);
      if (arrivedAt === undefined) throw new Error(`${routingId}: the offer never arrived over SSE`);
      sse.sseOfferMs.push(arrivedAt - respondedAt);
      sse.sseAfterWriteMs.push(toWall(arrivedAt) - (stream.writtenAt.get(routingId) as number));
    }
  } finally {
    stream.close();
    await driver.stop();
    await floorDriver.stop();
  }
  const split = {
    routing: await splitTime(service.client, routingTimes),
    floor: await splitTime(service.client, floorTimes),
  };
  return { ...result, ...sse, split };
}

/**
 * Steady open-loop load at `rate`, first on the floor and then on the service, each driven alike: one rep polling
 * every `moderatePollMs` and accepting each routing as it shows.
 */
export async function measureModerateLoad(
  ctx: BenchContext,
  rate: number,
  floorShare: number | undefined,
): Promise<ModerateLatency> {
  const { config, http, service, reps, floor } = ctx;
  ctx.log(`trigger to offer: ${rate} routings/s for ${config.moderateSeconds} s, on the floor and then the service`);
  const loadReps = reps.load.slice(0, 1);
  const stepOn = async (driver: RoutingDriver, label: string) => {
    try {
      const step = await runLoadStep(driver, rate, config.moderateSeconds, label, 30_000);
      await driver.settleAll(60_000);
      return step;
    } finally {
      await driver.stop();
    }
  };
  const floorStep = await stepOn(
    new RoutingDriver(floor.http, '', 'load', loadReps, config.moderatePollMs),
    'floor-moderate',
  );
  const step = await stepOn(
    new RoutingDriver(http, service.keys.experienceKey, 'load', loadReps, config.moderatePollMs),
    'moderate',
  );
  return {
    rate,
    floorShare,
    step,
    floorStep,
    offerMs: step.offerMs,
    postMs: step.postMs,
    floorOfferMs: floorStep.offerMs,
    floorPostMs: floorStep.postMs,
  };
}

export function measureLightLoad(ctx: BenchContext): Promise<LightLatency> {
  const samples = ctx.config.lightSamples;
  ctx.log(`trigger to offer: ${samples} routings one at a time, each next to a floor routing`);
  return lightLoad(ctx, { http: ctx.http, baseUrl: ctx.service.baseUrl, label: 'light', floor: ctx.floor, samples });
}

/**
 * The same through the all-in-one service `npm start` runs, whose routings start eagerly on the worker in the
 * API's own process, next to a floor whose starts are eager too.
 */
export async function measureLightLoadAllInOne(ctx: BenchContext): Promise<LightLatency> {
  const samples = ctx.config.allInOneSamples;
  ctx.log(`trigger to offer, all-in-one: ${samples} routings one at a time, each next to an eager floor routing`);
  const [allInOne, floor] = await Promise.all([ctx.service.startAllInOne(), startFloor(ctx.service.address, true)]);
  const http = new JsonHttp(allInOne.baseUrl);
  try {
    return await lightLoad(ctx, { http, baseUrl: allInOne.baseUrl, label: 'all-in-one', floor, samples });
  } finally {
    http.close();
    // Stopped, so they take no CPU from the figures measured after them.
    await Promise.all([allInOne.process.stop(), floor.stop()]);
  }
}
