// Bench sizes from the environment, with defaults that keep `npm run bench` within a few minutes on 2 cores.

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

const share = (name: string, fallback: number): number => {
  const value = int(name, fallback);
  if (value <= 0 || value > 1) throw new Error(`${name} must be above 0 and at most 1, got ${value}`);
  return value;
};

const list = (name: string, fallback: number[]): number[] => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isFinite(value) || value <= 0)) {
    throw new Error(`${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  }
  return values;
};

export const phaseNames = [
  'latency',
  'accept',
  'cost',
  'throughput',
  'matching',
  'fairness',
  'memory',
  'traffic',
] as const;
export type PhaseName = (typeof phaseNames)[number];

function phases(): Set<PhaseName> {
  const raw = process.env.BENCH_PHASES;
  if (!raw) return new Set(phaseNames);
  const chosen = raw.split(',').map((part) => part.trim());
  const unknown = chosen.filter((name) => !(phaseNames as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new Error(`BENCH_PHASES: unknown ${unknown.join(', ')}; known: ${phaseNames.join(', ')}`);
  return new Set(chosen as PhaseName[]);
}

function distribution(): 'first_available' | 'round_robin' {
  const raw = process.env.BENCH_DISTRIBUTION ?? 'first_available';
  if (raw !== 'first_available' && raw !== 'round_robin') {
    throw new Error(`BENCH_DISTRIBUTION must be first_available or round_robin, got "${raw}"`);
  }
  return raw;
}

function onCluster(): boolean {
  const raw = process.env.BENCH_TEMPORAL ?? 'dev-server';
  if (raw !== 'dev-server' && raw !== 'cluster') {
    throw new Error(`BENCH_TEMPORAL must be dev-server or cluster, got "${raw}"`);
  }
  return raw === 'cluster';
}

export function loadBenchConfig() {
  return {
    phases: phases(),
    /** BENCH_TEMPORAL=cluster: the local Temporal cluster with PostgreSQL routing data, instead of the dev server. */
    onCluster: onCluster(),
    /** Routings measured one at a time for the light-load trigger-to-offer figure (p99 of 60 was just the max). */
    lightSamples: int('BENCH_LIGHT_SAMPLES', 150),
    /** The same, through the all-in-one process (API and worker together, eager starts). */
    allInOneSamples: int('BENCH_ALL_IN_ONE_SAMPLES', 100),
    /**
     * Moderate steady load for trigger to offer and accept, on the floor and then the service at the same rate: this
     * share of the floor's sustained throughput (measured just before), or BENCH_MODERATE_RATE routings/s if set.
     */
    moderateShare: share('BENCH_MODERATE_SHARE', 0.5),
    moderateRate: process.env.BENCH_MODERATE_RATE ? int('BENCH_MODERATE_RATE', 20) : undefined,
    moderateSeconds: int('BENCH_MODERATE_SECONDS', 10),
    /**
     * Least time between polls of the one simulated rep who watches offers for the trigger-to-offer figures: one
     * routing at a time, and under moderate load, where each poll's ~1.5 ms of API CPU would otherwise crowd out the
     * service being measured.
     */
    pollMs: int('BENCH_POLL_MS', 5),
    moderatePollMs: int('BENCH_MODERATE_POLL_MS', 10),
    /**
     * The distribution of the rules behind trigger to offer, accept and throughput: first available, or round robin
     * (BENCH_DISTRIBUTION=round_robin), whose rules then name one rep each, as the driver's reps must see every offer
     * (a rotation of one still takes its turn: the same reads and writes as a team's).
     */
    distribution: distribution(),
    /** Reps offered each load routing at once (first available). */
    groupSize: int('BENCH_GROUP_SIZE', 5),
    /**
     * Throughput steps: reps who poll and accept, and the least time between one rep's polls. Slower than the latency
     * figures' polling, so the bench's own requests do not take the CPU the service is being measured on.
     */
    pollingReps: int('BENCH_POLLING_REPS', 2),
    stepPollMs: int('BENCH_STEP_POLL_MS', 50),
    /** Races for the accept figure: the winners' p99 comes from one sample per race. */
    acceptRaces: int('BENCH_ACCEPT_RACES', 100),
    raceReps: int('BENCH_RACE_REPS', 5),
    steps: list('BENCH_STEPS', [5, 10, 20, 40, 80, 160]),
    stepSeconds: int('BENCH_STEP_SECONDS', 10),
    /** A step is sustained when its trigger-to-offer p99 stays within this, and every routing connects. */
    stepP99LimitMs: int('BENCH_STEP_P99_MS', 1000),
    /** Extra steps bisecting between the last sustained rate and the first that was not. */
    refineSteps: int('BENCH_REFINE_STEPS', 1),
    ruleCounts: list('BENCH_RULE_COUNTS', [10, 1000, 10_000]),
    fairnessRoutings: int('BENCH_FAIRNESS_ROUTINGS', 1000),
    fairnessReps: int('BENCH_FAIRNESS_REPS', 5),
    /** Open routings to read memory at; the first 1,000 are the fairness figure's. 10,000 takes about 15 minutes. */
    openRoutings: list('BENCH_OPEN_ROUTINGS', [1000]),
    /** Routing starts in flight at once when opening many routings: more only queues up in the dev server's store. */
    startConcurrency: int('BENCH_START_CONCURRENCY', 16),
    /**
     * The website traffic model (bench/figures/traffic.ts): every landing a pounce routing to a team of
     * `trafficTeam` reps (first available), `chatShare` of the visitors ask to chat `chatAfterMs` later (an inbound
     * routing that supersedes the pounce), `acceptShare` of those chats are accepted, the rest time out.
     */
    trafficTeam: int('BENCH_TRAFFIC_TEAM', 20),
    chatShare: share('BENCH_CHAT_SHARE', 0.1),
    acceptShare: share('BENCH_ACCEPT_SHARE', 0.5),
    chatAfterMs: int('BENCH_CHAT_AFTER_MS', 1000),
    /** Offer timeouts: a pounce's (its window: it expires after) and a chat's (then the meeting booker). */
    pounceTimeoutSeconds: int('BENCH_POUNCE_TIMEOUT_SECONDS', 10),
    chatTimeoutSeconds: int('BENCH_CHAT_TIMEOUT_SECONDS', 5),
    /** Landing rates stepped up to find the sustained one (trigger-to-offer p99 within BENCH_STEP_P99_MS). */
    trafficSteps: list('BENCH_TRAFFIC_STEPS', [2, 5, 10, 20, 40]),
    trafficStepSeconds: int('BENCH_TRAFFIC_STEP_SECONDS', 10),
    /** Team sizes (reps per offer) compared at one landing rate, `trafficTeamRate` landings/s. */
    repsPerOffer: list('BENCH_REPS_PER_OFFER', [5, 20, 100]),
    trafficTeamRate: int('BENCH_TRAFFIC_TEAM_RATE', 4),
    /**
     * Open pounce routings (offers standing all day) to read memory and offer latency at, the latter from a probe of
     * `probeRate` landings/s for `probeSeconds`. The 1,000,10,000,50,000 takes well over the few minutes of
     * the default run (opening runs at the sustained start rate, 20 offers each): set it for a sizing run.
     */
    openPounce: list('BENCH_OPEN_POUNCE', [1000]),
    probeRate: int('BENCH_PROBE_RATE', 2),
    probeSeconds: int('BENCH_PROBE_SECONDS', 5),
    /** Profile the worker and API processes (`node --cpu-prof`) and print where their CPU time went. */
    cpuProfile: process.env.BENCH_CPU_PROF === '1',
    keepData: process.env.BENCH_KEEP_DATA === '1',
  };
}

export type BenchConfig = ReturnType<typeof loadBenchConfig>;
