// Figure 1: from POST /v1/routings returning to a rep's poll listing the offer, one at a time and under steady load,
// next to its floor: a no-op workflow's start returning to its one local activity having run.
import type { BenchContext } from '../context';
import { JsonHttp } from '../driver/http';
import { runLoadStep, type StepResult } from '../driver/load-step';
import { openOfferStream } from '../driver/offer-stream';
import { RoutingDriver } from '../driver/routing-driver';
import { floorStartToActivity, floorStartToActivityPaced, type StartSample } from '../floor/floor-measures';
import { splitTime, type TimeSplit, toWall } from './first-task';

export interface LatencySet {
  offerMs: number[];
  postMs: number[];
  floorActivityMs: number[];
  floorStartMs: number[];
}

export interface LightLatency extends LatencySet {
  /** Medians of where the time went, from the histories. */
  split: { routing: TimeSplit; floor: TimeSplit };
  /** From the POST's response to the offer arriving on the rep's SSE stream. */
  sseOfferMs: number[];
  /** From the writer recording the offer.created event (its `at`, same machine clock) to its arrival over SSE. */
  sseAfterWriteMs: number[];
}

export interface HeavyLatency extends LatencySet {
  rate: number;
  step: StepResult;
}

const WARMUP = 5;

/** Where a light load is sent: the split service's API, or the all-in-one process with eager starts. */
interface LightTarget {
  http: JsonHttp;
  baseUrl: string;
  /** Routing ids' prefix, unique per target. */
  label: string;
  /** Start the floor workflows eagerly, as the all-in-one process starts routings. */
  eagerFloor: boolean;
  samples: number;
}

/** One routing at a time, each followed by one floor workflow, so drift affects both alike. */
async function lightLoad(ctx: BenchContext, target: LightTarget): Promise<LightLatency> {
  const { config, service, reps, floor } = ctx;
  const loadReps = reps.load.slice(0, 1);
  const driver = new RoutingDriver(target.http, service.keys.experienceKey, 'load', loadReps, config.pollMs);
  const result: LatencySet = { offerMs: [], postMs: [], floorActivityMs: [], floorStartMs: [] };
  const routingTimes: { workflowId: string; respondedAt: number; seenAt: number }[] = [];
  const floorTimes: { workflowId: string; respondedAt: number; seenAt: number }[] = [];
  const sse = { sseOfferMs: [] as number[], sseAfterWriteMs: [] as number[] };
  const stream = openOfferStream(target.baseUrl, loadReps[0] as (typeof loadReps)[number]);
  await stream.opened;
  const floorClient = target.eagerFloor ? floor.localClient : service.client;
  try {
    for (let index = 0; index < target.samples + WARMUP; index++) {
      const routingId = `${target.label}-${index}`;
      const trace = await driver.route(routingId).done;
      if (!trace.connected || trace.offerMs === undefined) throw new Error(`${routingId}: ${trace.error}`);
      await service.client.workflow.getHandle(routingId).result(); // quiet before the next one
      const sample = await floorStartToActivity(floorClient, floor.marks, target.eagerFloor);
      if (index < WARMUP) continue;
      result.offerMs.push(trace.offerMs);
      result.postMs.push(trace.postMs as number);
      result.floorActivityMs.push(sample.activityMs);
      result.floorStartMs.push(sample.startMs);
      const respondedAt = trace.sentAt + (trace.postMs as number);
      routingTimes.push({ workflowId: routingId, respondedAt, seenAt: respondedAt + trace.offerMs });
      floorTimes.push({ workflowId: sample.workflowId, respondedAt: sample.respondedAt, seenAt: sample.ranAt });
      const arrivedAt = stream.arrivedAt.get(routingId);
      if (arrivedAt === undefined) throw new Error(`${routingId}: the offer never arrived over SSE`);
      sse.sseOfferMs.push(arrivedAt - respondedAt);
      sse.sseAfterWriteMs.push(toWall(arrivedAt) - (stream.writtenAt.get(routingId) as number));
    }
  } finally {
    stream.close();
    await driver.stop();
  }
  const split = {
    routing: await splitTime(service.client, routingTimes),
    floor: await splitTime(service.client, floorTimes),
  };
  return { ...result, ...sse, split };
}

/**
 * Steady open-loop load at `rate`: first the floor workflows alone, then routings, one rep polling every
 * `heavyPollMs` and accepting each routing as it shows.
 */
export async function measureHeavyLoad(ctx: BenchContext, rate: number): Promise<HeavyLatency> {
  const { config, http, service, reps, floor } = ctx;
  ctx.log(`trigger to offer: ${rate} routings/s for ${config.heavySeconds} s, after as many floor workflows`);
  const floorSamples: StartSample[] = await floorStartToActivityPaced(
    service.client,
    floor.marks,
    rate,
    config.heavySeconds,
  );
  const driver = new RoutingDriver(http, service.keys.experienceKey, 'load', reps.load.slice(0, 1), config.heavyPollMs);
  try {
    const step = await runLoadStep(driver, rate, config.heavySeconds, 'heavy', 30_000);
    await driver.settleAll(60_000);
    return {
      rate,
      step,
      offerMs: step.offerMs,
      postMs: step.postMs,
      floorActivityMs: floorSamples.map((sample) => sample.activityMs),
      floorStartMs: floorSamples.map((sample) => sample.startMs),
    };
  } finally {
    await driver.stop();
  }
}

export function measureLightLoad(ctx: BenchContext): Promise<LightLatency> {
  const samples = ctx.config.lightSamples;
  ctx.log(`trigger to offer: ${samples} routings one at a time, each next to a floor workflow`);
  return lightLoad(ctx, { http: ctx.http, baseUrl: ctx.service.baseUrl, label: 'light', eagerFloor: false, samples });
}

/**
 * The same through the all-in-one service `npm start` runs, whose routings start eagerly on the worker in the
 * API's own process; its floor workflows start eagerly too.
 */
export async function measureLightLoadAllInOne(ctx: BenchContext): Promise<LightLatency> {
  const samples = ctx.config.allInOneSamples;
  ctx.log(`trigger to offer, all-in-one: ${samples} routings one at a time, each next to an eager floor workflow`);
  const allInOne = await ctx.service.startAllInOne();
  const http = new JsonHttp(allInOne.baseUrl);
  try {
    return await lightLoad(ctx, { http, baseUrl: allInOne.baseUrl, label: 'all-in-one', eagerFloor: true, samples });
  } finally {
    http.close();
    await allInOne.process.stop(); // so it takes no CPU from the figures measured after it
  }
}
