// The website traffic model (bench/driver/traffic-driver.ts): the landings per second sustained with trigger-to-offer
// p99 within the limit, CPU per landing for each process, how cost grows with reps per offer, and memory and offer
// latency with many pounce routings open.
import type { BenchContext } from '../context';
import { expectStatus } from '../driver/http';
import { createGroupRule, createReps, visitorFor } from '../driver/scenarios';
import { inPool, now, paced, sleep } from '../driver/timing';
import { type Team, TrafficDriver } from '../driver/traffic-driver';
import { type CpuSnapshot, cpuMsPer, cpuSnapshot } from '../service/cpu-time';
import { summarize } from '../stats';
import { type ProcessMemory, serviceMemory, temporalMemory } from './memory';
import { searchSustainedRate } from './throughput';

export interface TrafficStep {
  rate: number;
  achievedRate: number;
  landings: number;
  chats: number;
  accepted: number;
  /** Trigger to offer of every routing (pounce and chat), and of each kind. */
  offerMs: number[];
  pounceOfferMs: number[];
  chatOfferMs: number[];
  postMs: number[];
  acceptMs: number[];
  missing: number;
  errors: string[];
  keptUp: boolean;
  sustained: boolean;
  /**
   * CPU ms per landing from its start until its routings ended (pounce expiry, chat timeout), less what each process
   * spends idle in that time (`idleCpuMsPerSecond`); absent for probes.
   */
  cpuMsPerLanding?: CpuSnapshot;
}

export interface OpenLevel {
  openPounce: number;
  openedMs: number;
  worker: ProcessMemory;
  api: ProcessMemory;
  temporal: ProcessMemory;
  probe: TrafficStep;
}

export interface TrafficResult {
  teamSize: number;
  /** CPU ms each process spends per second with no load: the background cost subtracted from each step's. */
  idleCpuMsPerSecond: CpuSnapshot;
  model: { chatShare: number; acceptShare: number; chatAfterMs: number; pounceTimeout: number; chatTimeout: number };
  steps: TrafficStep[];
  sustainedRate: number;
  keptUpRate: number;
  /** One step per team size at the same landing rate. */
  bySize: { reps: number; step: TrafficStep }[];
  open: OpenLevel[];
}

const DRAIN_MS = 5_000;

type Pids = { worker: number; api: number; temporal: number[] };

const IDLE_SECONDS = 5;

/** CPU ms per second each process spends with no routings arriving (timers, polls, the SSE safety-net poll). */
async function idleCpu(pids: Pids): Promise<CpuSnapshot> {
  const before = cpuSnapshot(pids);
  await sleep(IDLE_SECONDS * 1000);
  return cpuMsPer(before, cpuSnapshot(pids), IDLE_SECONDS);
}

/** CPU ms per landing between two snapshots `elapsedMs` apart, less the idle processes' own. */
function cpuPerLanding(
  before: CpuSnapshot,
  after: CpuSnapshot,
  elapsedMs: number,
  idle: CpuSnapshot,
  landings: number,
) {
  const used = cpuMsPer(before, after, 1);
  const less = (key: keyof CpuSnapshot) =>
    Math.max(0, used[key] - (idle[key] * elapsedMs) / 1000) / Math.max(1, landings);
  return { worker: less('worker'), api: less('api'), temporal: less('temporal'), bench: less('bench') };
}

async function createTeam(ctx: BenchContext, name: string, size: number, pounceTimeout: number): Promise<Team> {
  const { http, service, config } = ctx;
  const admin = service.keys.adminKey;
  const reps = await createReps(http, admin, name, size);
  const team = { size, reps, pounceScenario: `${name}-pounce`, chatScenario: `${name}-chat` };
  const group = { name, reps };
  const distribution = 'first_available' as const;
  await createGroupRule(http, admin, team.pounceScenario, group, { distribution, offerTimeoutSeconds: pounceTimeout });
  await createGroupRule(http, admin, team.chatScenario, group, {
    distribution,
    offerTimeoutSeconds: config.chatTimeoutSeconds,
  });
  return team;
}

async function openDriver(ctx: BenchContext, team: Team): Promise<TrafficDriver> {
  const { config, http, service } = ctx;
  const model = { chatShare: config.chatShare, acceptShare: config.acceptShare, chatAfterMs: config.chatAfterMs };
  const driver = new TrafficDriver(http, service.baseUrl, service.keys.experienceKey, team, model);
  await driver.opened();
  return driver;
}

/**
 * `rate` landings per second for `seconds`, open-loop. With `cpu`, waits until the step's routings have ended
 * (pounces expired, unanswered chats timed out) and charges the CPU used since its start to its landings.
 */
async function trafficStep(
  ctx: BenchContext,
  driver: TrafficDriver,
  rate: number,
  seconds: number,
  label: string,
  cpu?: { pids: Pids; idle: CpuSnapshot },
): Promise<TrafficStep> {
  const { config } = ctx;
  const startedAt = now();
  const cpuBefore = cpu && cpuSnapshot(cpu.pids);
  const landings: Promise<Awaited<ReturnType<TrafficDriver['land']>>>[] = [];
  const achievedRate = await paced(rate, seconds, (index) => landings.push(driver.land(`${label}-${index}`, index)));
  const lastLandingAt = now();
  const deadline = setTimeout(() => driver.abandonWaiting(), config.chatAfterMs + DRAIN_MS);
  const traces = await Promise.all(landings);
  clearTimeout(deadline);
  let cpuMsPerLanding: CpuSnapshot | undefined;
  if (cpu && cpuBefore) {
    const routingsEnd = Math.max(config.pounceTimeoutSeconds, config.chatAfterMs / 1000 + config.chatTimeoutSeconds);
    const wait = lastLandingAt + routingsEnd * 1000 + 2_000 - now();
    if (wait > 0) await sleep(wait);
    const cpuAfter = cpuSnapshot(cpu.pids);
    cpuMsPerLanding = cpuPerLanding(cpuBefore, cpuAfter, now() - startedAt, cpu.idle, traces.length);
  }
  const numbers = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined);
  const pounceOfferMs = numbers(traces.map((trace) => trace.pounceOfferMs));
  const chatOfferMs = numbers(traces.map((trace) => trace.chat?.offerMs));
  const chats = traces.filter((trace) => trace.chat);
  const accepted = chats.filter((trace) => trace.chat?.accept);
  const missing = traces.reduce((sum, trace) => sum + trace.missing, 0);
  const errors = traces.flatMap((trace) => trace.errors);
  const offerMs = [...pounceOfferMs, ...chatOfferMs];
  const keptUp =
    missing === 0 &&
    errors.length === 0 &&
    achievedRate >= rate * 0.95 &&
    accepted.every((trace) => trace.chat?.connected);
  return {
    rate,
    achievedRate,
    landings: traces.length,
    chats: chats.length,
    accepted: accepted.filter((trace) => trace.chat?.connected).length,
    offerMs,
    pounceOfferMs,
    chatOfferMs,
    postMs: numbers(traces.map((trace) => trace.postMs)),
    acceptMs: numbers(accepted.map((trace) => trace.chat?.acceptMs)),
    missing,
    errors: [...new Set(errors)].slice(0, 5),
    keptUp,
    sustained: keptUp && summarize(offerMs).p99 <= config.stepP99LimitMs,
    ...(cpuMsPerLanding && { cpuMsPerLanding }),
  };
}

/** Opens pounce routings whose offers stand all day, until `level` are open, and waits for every offer. */
async function openPounce(ctx: BenchContext, driver: TrafficDriver, team: Team, from: number, level: number) {
  const ids = Array.from({ length: level - from }, (_, index) => `open-pounce-${from + index}`);
  const start = now();
  await inPool(ids, ctx.config.startConcurrency, async (routingId) => {
    const body = { routingId, type: 'pounce', visitor: visitorFor(team.pounceScenario, routingId) };
    const response = await ctx.http.request('POST', '/v1/routings', ctx.service.keys.experienceKey, body);
    expectStatus(`start ${routingId}`, response, 202);
  });
  const deadline = now() + 90 * 60_000;
  let reported = now();
  while (driver.offersSeen < level) {
    if (now() > deadline) throw new Error(`only ${driver.offersSeen} of ${level} pounce offers after 90 minutes`);
    if (now() - reported > 30_000) {
      ctx.log(`traffic: ${driver.offersSeen} of ${level} pounce offers standing`);
      reported = now();
    }
    await sleep(250);
  }
  return now() - start;
}

export async function measureTraffic(ctx: BenchContext): Promise<TrafficResult> {
  const { config, service } = ctx;
  const temporal = service.temporalProcesses().flatMap(({ pid }) => (pid === undefined ? [] : [pid]));
  const pids = { worker: service.worker.pid, api: service.api.pid, temporal };
  const teams = new Map<number, Team>();
  for (const size of new Set([config.trafficTeam, ...config.repsPerOffer])) {
    teams.set(size, await createTeam(ctx, `site${size}`, size, config.pounceTimeoutSeconds));
  }
  const mainTeam = teams.get(config.trafficTeam) as Team;
  ctx.log(`traffic: ${IDLE_SECONDS} s idle, to take the processes' background CPU out of the figures`);
  const idleCpuMsPerSecond = await idleCpu(pids);
  const cpu = { pids, idle: idleCpuMsPerSecond };
  const describe = `${config.trafficTeam} reps, ${config.chatShare * 100}% chat, ${config.acceptShare * 100}% of those accepted`;

  const steps: TrafficStep[] = [];
  const main = await openDriver(ctx, mainTeam);
  let search: { sustainedRate: number; keptUpRate: number };
  try {
    search = await searchSustainedRate(
      { steps: config.trafficSteps, refineSteps: config.refineSteps },
      async (rate) => {
        ctx.log(`traffic: ${rate} landings/s for ${config.trafficStepSeconds} s (${describe})`);
        const step = await trafficStep(ctx, main, rate, config.trafficStepSeconds, `land-${rate}`, cpu);
        steps.push(step);
        return step;
      },
    );
  } finally {
    main.close();
  }

  const bySize: TrafficResult['bySize'] = [];
  for (const reps of config.repsPerOffer) {
    ctx.log(`traffic: ${config.trafficTeamRate} landings/s for ${config.trafficStepSeconds} s, ${reps} reps per offer`);
    const driver = await openDriver(ctx, teams.get(reps) as Team);
    try {
      const label = `size-${reps}`;
      const step = await trafficStep(ctx, driver, config.trafficTeamRate, config.trafficStepSeconds, label, cpu);
      bySize.push({ reps, step });
    } finally {
      driver.close();
    }
  }

  const open: OpenLevel[] = [];
  const openTeam = await createTeam(ctx, 'siteopen', config.trafficTeam, 86_400);
  const opener = await openDriver(ctx, openTeam);
  const probe = await openDriver(ctx, mainTeam);
  try {
    let opened = 0;
    for (const level of [...config.openPounce].sort((a, b) => a - b)) {
      ctx.log(
        `traffic: opening ${level - opened} more pounce routings (${config.trafficTeam} offers each), to ${level}`,
      );
      const openedMs = await openPounce(ctx, opener, openTeam, opened, level);
      opened = level;
      await sleep(3_000); // let the last tasks and writes finish
      const memory = {
        worker: await serviceMemory(service.worker),
        api: await serviceMemory(service.api),
        temporal: temporalMemory(service),
      };
      ctx.log(`traffic: probing offer latency at ${config.probeRate} landings/s with ${level} pounce routings open`);
      const step = await trafficStep(ctx, probe, config.probeRate, config.probeSeconds, `probe-${level}`);
      open.push({ openPounce: level, openedMs, ...memory, probe: step });
    }
  } finally {
    opener.close();
    probe.close();
  }
  return {
    teamSize: config.trafficTeam,
    idleCpuMsPerSecond,
    model: {
      chatShare: config.chatShare,
      acceptShare: config.acceptShare,
      chatAfterMs: config.chatAfterMs,
      pounceTimeout: config.pounceTimeoutSeconds,
      chatTimeout: config.chatTimeoutSeconds,
    },
    steps,
    ...search,
    bySize,
    open,
  };
}
