// Turns the measured figures into table rows, each with its floor, ratio and the project's target where it has one.
import type { TimeSplit } from '../figures/first-task';
import type { MatcherFigure } from '../figures/rule-matching';
import { summarize } from '../stats';
import { count, medP99, mib, micros, ms, times } from './format';
import type { BenchResults } from './results';
import { trafficDetailLines, trafficRows } from './traffic-rows';

export interface Row {
  figure: string;
  measured: string;
  floor: string;
  ratio: string;
  target: string;
  /** true pass, false fail, undefined: no target. */
  pass?: boolean;
}

/** A latency against its floor; the target, when given, bounds p99 / floor p99. */
function latencyRow(figure: string, samples: number[], floorSamples: number[], maxRatio?: number): Row {
  const measured = summarize(samples);
  const floor = summarize(floorSamples);
  const p99Ratio = measured.p99 / floor.p99;
  return {
    figure,
    measured: medP99(measured),
    floor: medP99(floor),
    ratio: `${times(measured.median / floor.median)} / ${times(p99Ratio)}`,
    target: maxRatio === undefined ? '' : `p99 <= ${maxRatio}x floor`,
    ...(maxRatio !== undefined && { pass: p99Ratio <= maxRatio }),
  };
}

function latencyRows(results: BenchResults): Row[] {
  const rows: Row[] = [];
  const { lightLoad: light, moderateLoad: moderate } = results;
  const moderateLabel = moderate
    ? `moderate (${moderate.rate}/s${moderate.floorShare === undefined ? '' : `, ${moderate.floorShare}x floor's rate`})`
    : '';
  if (light) rows.push(latencyRow('Trigger to offer, light (1 at a time)', light.offerMs, light.floorOfferMs, 1.5));
  if (moderate) {
    rows.push(latencyRow(`Trigger to offer, ${moderateLabel}`, moderate.offerMs, moderate.floorOfferMs, 1.5));
  }
  if (light?.sseOfferMs) {
    rows.push(latencyRow('Trigger to offer over SSE, light', light.sseOfferMs, light.floorOfferMs, 1.5));
    rows.push({
      figure: '  SSE arrival after the offer was written',
      measured: medP99(summarize(light.sseAfterWriteMs)),
      floor: '',
      ratio: '',
      target: '',
    });
  }
  const allInOne = results.lightLoadAllInOne;
  if (allInOne) {
    rows.push(
      latencyRow('Trigger to offer, light, all-in-one', allInOne.offerMs, allInOne.floorOfferMs, 1.5),
      latencyRow('Trigger to offer over SSE, light, all-in-one', allInOne.sseOfferMs, allInOne.floorOfferMs, 1.5),
    );
  }
  if (light) rows.push(latencyRow('  (context) POST /v1/routings, light', light.postMs, light.floorPostMs));
  if (moderate) {
    rows.push(latencyRow('  (context) POST /v1/routings, moderate', moderate.postMs, moderate.floorPostMs));
  }
  const accept = results.accept;
  if (accept) {
    rows.push(latencyRow(`Accept, winner (${accept.reps}-rep race)`, accept.winnerMs, accept.floorWinnerMs, 1.3));
    rows.push(latencyRow(`Accept, losers (409)`, accept.loserMs, accept.floorLoserMs, 1.3));
  }
  const raced = results.acceptModerate;
  if (raced) {
    const label = `${raced.reps}-rep races at ${raced.rate}/s`;
    rows.push(latencyRow(`Accept, winner (${label})`, raced.winnerMs, raced.floorWinnerMs, 1.3));
    rows.push(latencyRow(`Accept, losers (${label})`, raced.loserMs, raced.floorLoserMs, 1.3));
  }
  return rows;
}

function throughputRow(results: BenchResults): Row[] {
  const throughput = results.throughput;
  if (!throughput) return [];
  const ratio = throughput.sustainedRate / throughput.floor.sustainedRate;
  return [
    {
      figure: 'Throughput, routings connected (t2o p99 <= 1 s)',
      measured: `${count(throughput.sustainedRate)}/s`,
      floor: `${count(throughput.floor.sustainedRate)}/s`,
      ratio: times(ratio),
      target: '>= 0.70x floor',
      pass: ratio >= 0.7,
    },
  ];
}

/** The compiled matcher, with the linear scan it replaced as the floor; the target bounds the compiled mean. */
function matchingRows(results: BenchResults): Row[] {
  const cases = results.matching ?? [];
  const ruleCounts = [...new Set(cases.map((each) => each.rules))];
  return ruleCounts.map((rules) => {
    const last = cases.find((each) => each.rules === rules && each.match === 'last');
    const none = cases.find((each) => each.rules === rules && each.match === 'none');
    const mean = (each: MatcherFigure | undefined) => each?.microsPerVisitor ?? Number.NaN;
    const worst = Math.max(mean(last), mean(none));
    const p99 = Math.max(last?.p99Micros ?? Number.NaN, none?.p99Micros ?? Number.NaN);
    const speedup = Math.min(mean(last?.linear) / mean(last), mean(none?.linear) / mean(none));
    const hasTarget = rules === 10_000;
    return {
      figure: `Rule matching, ${count(rules)} rules (match last / none)`,
      measured:
        `${micros(mean(last))} / ${micros(mean(none))}, p99 ${micros(p99)} ` +
        `(${count(last?.visitorsPerSecond ?? 0)}/s)`,
      floor: `linear ${micros(mean(last?.linear))} / ${micros(mean(none?.linear))}`,
      ratio: Number.isFinite(speedup) ? `${speedup.toFixed(0)}x faster` : 'n/a',
      target: hasTarget ? '< 20 µs/visitor' : '',
      ...(hasTarget && { pass: worst < 20 }),
    };
  });
}

function costRows(results: BenchResults): Row[] {
  return (results.cost ?? []).map((cost, index) => ({
    figure: `History: ${cost.outcome}`,
    measured: `${cost.events} events, ${cost.actions} actions`,
    floor: '',
    ratio: '',
    target: index === 0 ? '<= 20 events' : '',
    ...(index === 0 && { pass: cost.events <= 20 }),
  }));
}

function fairnessRow(results: BenchResults): Row[] {
  const fairness = results.fairness;
  if (!fairness) return [];
  const counts = Object.values(fairness.firstOffers);
  return [
    {
      figure: `Fairness, ${count(fairness.routings)} RR routings, ${counts.length} reps`,
      measured: `spread ${fairness.spread} (${counts.join('/')})`,
      floor: '',
      ratio: '',
      target: 'spread <= 1',
      pass: fairness.spread <= 1,
    },
  ];
}

function memoryRows(results: BenchResults): Row[] {
  return (results.memory?.levels ?? []).map((level) => {
    const hasTarget = level.openRoutings >= 10_000;
    return {
      figure: `Memory (RSS), ${count(level.openRoutings)} open routings`,
      measured: `worker ${mib(level.worker.rssMiB)}, API ${mib(level.api.rssMiB)}, Temporal ${mib(level.temporal.rssMiB)}`,
      floor: '',
      ratio: '',
      target: hasTarget ? 'worker < 1 GiB' : '',
      ...(hasTarget && { pass: level.worker.rssMiB < 1024 }),
    };
  });
}

export function buildRows(results: BenchResults): Row[] {
  return [
    ...latencyRows(results),
    ...throughputRow(results),
    ...matchingRows(results),
    ...costRows(results),
    ...fairnessRow(results),
    ...memoryRows(results),
    ...trafficRows(results),
  ];
}

/** Lines under the table: what each summary row is made of. */
export function detailLines(results: BenchResults): string[] {
  const lines: string[] = [];
  const steps = [
    ...(results.throughput?.floor.steps ?? []).map((step) => ({ label: 'floor', step })),
    ...(results.throughput?.steps ?? []).map((step) => ({ label: 'service', step })),
  ];
  for (const { label, step } of steps) {
    const cpu = step.cpuMsPerRouting;
    const processes =
      label === 'floor'
        ? `floor process ${cpu.worker.toFixed(1)}`
        : `worker ${cpu.worker.toFixed(1)}, API ${cpu.api.toFixed(1)}`;
    lines.push(
      `throughput, ${label}, step ${step.rate}/s: started ${step.started} (${step.achievedRate.toFixed(1)}/s), ` +
        `connected ${step.connected}, t2o med ${ms(step.offerMedianMs)} p99 ${ms(step.offerP99Ms)}, accept p99 ` +
        `${ms(step.acceptP99Ms)}, ${step.pollsPerSecond.toFixed(0)} polls/s; CPU ms per routing: ` +
        `${processes}, Temporal ${cpu.temporal.toFixed(1)}, bench ${cpu.bench.toFixed(1)}: ` +
        (step.sustained ? 'sustained' : step.keptUp ? 'kept up, too slow' : 'fell behind') +
        (step.errors.length > 0 ? ` (${step.errors.join('; ')})` : ''),
    );
  }
  const parts = (each: TimeSplit, seen: string) =>
    `start response ${ms(each.responseMs)} after the start is recorded; first workflow task picked up after ` +
    `${ms(each.dispatchMs)}; ${seen} ${ms(each.workerMs)} after that (the task took ${ms(each.firstTaskMs)})`;
  for (const [label, light] of [
    ['light', results.lightLoad],
    ['all-in-one', results.lightLoadAllInOne],
  ] as const) {
    if (!light) continue;
    lines.push(`${label} trigger to offer, medians: ${parts(light.split.routing, 'offer seen by the rep')}`);
    lines.push(`${label} floor, medians: ${parts(light.split.floor, 'offer seen by the rep')}`);
  }
  const throughput = results.throughput;
  if (throughput) {
    lines.push(
      `throughput regardless of latency: every routing still connected up to ${throughput.keptUpRate}/s ` +
        `(floor: ${throughput.floor.keptUpRate}/s)`,
    );
  }
  const moderate = results.moderateLoad;
  if (moderate) {
    const connected = (step: { started: number; connected: number; achievedRate: number }) =>
      `${step.started} routings at ${step.achievedRate.toFixed(1)}/s, ${step.connected} connected`;
    const accept = (step: { acceptMs: number[] }) => medP99(summarize(step.acceptMs));
    lines.push(
      `moderate load (BENCH_MODERATE_RATE, else BENCH_MODERATE_SHARE of the floor's sustained rate): service ` +
        `${connected(moderate.step)}, accept by the one rep ${accept(moderate.step)}; floor ` +
        `${connected(moderate.floorStep)}, accept ${accept(moderate.floorStep)}`,
    );
  }
  for (const cost of results.cost ?? []) {
    const kinds = Object.entries(cost.breakdown).map(([kind, n]) => `${n} ${kind}`);
    lines.push(`actions, ${cost.outcome}: ${kinds.join(', ')} [offers ${cost.offers.join(' ')}]`);
  }
  if (results.cost) {
    lines.push('actions not in histories: +1 per refused accept (a race loser) and +1 per state query (GET routing)');
  }
  const matching = results.matching ?? [];
  const first = matching.find((each) => each.match === 'none');
  const last = [...matching].reverse().find((each) => each.match === 'none');
  if (first && last && last.rules > first.rules) {
    const perRule = (a: MatcherFigure, b: MatcherFigure) =>
      (((b.microsPerVisitor - a.microsPerVisitor) * 1000) / (last.rules - first.rules)).toFixed(1);
    lines.push(
      `rule matching, each further rule adds per visitor: compiled ${perRule(first, last)} ns, linear scan ` +
        `${perRule(first.linear, last.linear)} ns; compiling ${count(last.rules)} rules took ${ms(last.compileMs)}`,
    );
  }
  if (results.fairness) {
    lines.push(
      `fairness: ${results.fairness.routings} routings all offered in ${(results.fairness.openedMs / 1000).toFixed(1)} s`,
    );
  }
  const memory = results.memory;
  for (const level of memory?.levels ?? []) {
    const heap = (p: { heapUsedMiB?: number; externalMiB?: number; peakRssMiB: number }) =>
      `main-thread heap ${mib(p.heapUsedMiB ?? 0)}, external ${mib(p.externalMiB ?? 0)}, peak RSS ${mib(p.peakRssMiB)}`;
    lines.push(
      `memory at ${count(level.openRoutings)} open: worker ${heap(level.worker)}; API ${heap(level.api)}; ` +
        `Temporal peak ${mib(level.temporal.peakRssMiB)}` +
        (level.openedMs > 0 ? `; opening took ${(level.openedMs / 1000).toFixed(0)} s` : ''),
    );
  }
  if (memory) {
    lines.push(
      `worker workflow cache: ${memory.maxCachedWorkflows} workflows (WORKER_MAX_CACHED_WORKFLOWS); cached workflows ` +
        'live in the workflow thread, outside the main-thread heap',
    );
  }
  lines.push(...trafficDetailLines(results));
  return lines;
}
