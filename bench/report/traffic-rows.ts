// The traffic model's rows and detail lines: landings sustained and CPU per landing next to the floor's routings
// (from the throughput phase of the same run), growth with reps per offer, memory and latency with pounces open.
import type { StepOutcome } from '../figures/throughput';
import type { TrafficResult, TrafficStep } from '../figures/traffic';
import type { CpuSnapshot } from '../service/cpu-time';
import { summarize } from '../stats';
import { count, medP99, mib, ms, times } from './format';
import type { BenchResults } from './results';
import type { Row } from './rows';

const total = (cpu: CpuSnapshot) => cpu.api + cpu.worker + cpu.temporal;

const cpuParts = (cpu: CpuSnapshot) =>
  `API ${cpu.api.toFixed(1)}, worker ${cpu.worker.toFixed(1)}, Temporal ${cpu.temporal.toFixed(1)} ` +
  `= ${total(cpu).toFixed(1)} ms`;

/** The floor's throughput step closest to `rate` (its one process counted once). */
function floorStepNear(results: BenchResults, rate: number): StepOutcome | undefined {
  const steps = results.throughput?.floor.steps ?? [];
  return [...steps].sort((a, b) => Math.abs(a.rate - rate) - Math.abs(b.rate - rate))[0];
}

const floorTotal = (step: StepOutcome) => step.cpuMsPerRouting.worker + step.cpuMsPerRouting.temporal;

/** The step CPU per landing is reported at: the highest sustained one, else the first. */
function costStep(traffic: TrafficResult): TrafficStep | undefined {
  return traffic.steps.filter((step) => step.sustained && step.cpuMsPerLanding).at(-1) ?? traffic.steps[0];
}

export function trafficRows(results: BenchResults): Row[] {
  const traffic = results.traffic;
  if (!traffic) return [];
  const { model } = traffic;
  const routingsPerLanding = 1 + model.chatShare;
  const floorRate = results.throughput?.floor.sustainedRate;
  const rows: Row[] = [
    {
      figure:
        `Traffic: landings sustained (t2o p99 <= 1 s; ${traffic.teamSize} reps, ${model.chatShare * 100}% chat, ` +
        `${model.acceptShare * 100}% of chats accepted)`,
      // The highest step sustained: a lower bound only, the service may carry more.
      measured: `${traffic.sustainedRate >= Math.max(...traffic.steps.map((step) => step.rate)) ? '>= ' : ''}${count(traffic.sustainedRate)}/s (${(traffic.sustainedRate * routingsPerLanding).toFixed(1)} routings/s)`,
      floor: floorRate === undefined ? 'n/a (no throughput phase)' : `${count(floorRate)} routings/s`,
      ratio: floorRate ? times(traffic.sustainedRate / floorRate) : '',
      target: '',
    },
  ];
  const step = costStep(traffic);
  if (step?.cpuMsPerLanding) {
    const floor = floorStepNear(results, step.rate);
    rows.push({
      figure: `Traffic: CPU ms per landing at ${step.rate}/s`,
      measured: cpuParts(step.cpuMsPerLanding),
      floor: floor
        ? `floor ${floor.cpuMsPerRouting.worker.toFixed(1)}, Temporal ${floor.cpuMsPerRouting.temporal.toFixed(1)} ` +
          `= ${floorTotal(floor).toFixed(1)} ms per routing at ${floor.rate}/s`
        : '',
      ratio: floor ? times(total(step.cpuMsPerLanding) / floorTotal(floor)) : '',
      target: '',
    });
    rows.push({
      figure: `Traffic: trigger to offer at ${step.rate}/s (pounce and chat)`,
      measured: medP99(summarize(step.offerMs)),
      floor: floor ? medP99({ median: floor.offerMedianMs, p99: floor.offerP99Ms }) : '',
      ratio: floor ? times(summarize(step.offerMs).p99 / floor.offerP99Ms) : '',
      target: 'p99 <= 1 s',
      pass: summarize(step.offerMs).p99 <= 1000,
    });
  }
  const smallest = traffic.bySize[0];
  for (const { reps, step: sized } of traffic.bySize) {
    if (!sized.cpuMsPerLanding || !smallest?.step.cpuMsPerLanding) continue;
    rows.push({
      figure: `Traffic: ${reps} reps per offer, ${sized.rate} landings/s`,
      measured: `${cpuParts(sized.cpuMsPerLanding)}; t2o p99 ${ms(summarize(sized.offerMs).p99)}`,
      floor: `${smallest.reps} reps`,
      ratio: times(total(sized.cpuMsPerLanding) / total(smallest.step.cpuMsPerLanding)),
      target: '',
    });
  }
  const first = traffic.open[0];
  for (const level of traffic.open) {
    rows.push({
      figure: `Traffic: ${count(level.openPounce)} open pounce routings`,
      measured:
        `RSS worker ${mib(level.worker.rssMiB)}, API ${mib(level.api.rssMiB)}, Temporal ` +
        `${mib(level.temporal.rssMiB)}; t2o p99 ${ms(summarize(level.probe.offerMs).p99)}`,
      floor: first && first !== level ? `${count(first.openPounce)} open` : '',
      ratio:
        first && first !== level
          ? `RSS ${times(level.worker.rssMiB / first.worker.rssMiB)} / ${times(level.temporal.rssMiB / first.temporal.rssMiB)}`
          : '',
      target: '',
    });
  }
  return rows;
}

function stepLine(label: string, step: TrafficStep): string {
  return (
    `traffic, ${label}: ${step.landings} landings (${step.achievedRate.toFixed(1)}/s), ${step.chats} chats, ` +
    `${step.accepted} accepted; t2o pounce ${medP99(summarize(step.pounceOfferMs))}, chat ` +
    `${medP99(summarize(step.chatOfferMs))}; POST p99 ${ms(summarize(step.postMs).p99)}, accept p99 ` +
    `${ms(summarize(step.acceptMs).p99)}` +
    (step.cpuMsPerLanding
      ? `; CPU ms per landing: ${cpuParts(step.cpuMsPerLanding)}, bench ${step.cpuMsPerLanding.bench.toFixed(1)}`
      : '') +
    (step.missing > 0 ? `; ${step.missing} offers not seen` : '') +
    `: ${step.sustained ? 'sustained' : step.keptUp ? 'kept up, too slow' : 'fell behind'}` +
    (step.errors.length > 0 ? ` (${step.errors.join('; ')})` : '')
  );
}

export function trafficDetailLines(results: BenchResults): string[] {
  const traffic = results.traffic;
  if (!traffic) return [];
  const { model } = traffic;
  return [
    `traffic model: each landing a pounce routing (offer timeout ${model.pounceTimeout} s), ` +
      `${model.chatShare * 100}% ask to chat ${model.chatAfterMs} ms later (inbound, offer timeout ` +
      `${model.chatTimeout} s), ${model.acceptShare * 100}% of chats accepted; CPU per landing counts until its ` +
      `routings ended, less the processes' idle CPU (ms per second: ${cpuParts(traffic.idleCpuMsPerSecond).replace(' ms', '')})`,
    ...traffic.steps.map((step) => stepLine(`step ${step.rate}/s`, step)),
    ...traffic.bySize.map(({ reps, step }) => stepLine(`${reps} reps per offer`, step)),
    ...traffic.open.map(
      (level) =>
        `${stepLine(`probe with ${count(level.openPounce)} open pounce routings`, level.probe)}; opening took ` +
        `${(level.openedMs / 1000).toFixed(0)} s; peak RSS worker ${mib(level.worker.peakRssMiB)}, API ` +
        `${mib(level.api.peakRssMiB)}, Temporal ${mib(level.temporal.peakRssMiB)}`,
    ),
  ];
}
