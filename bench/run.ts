// `npm run bench`: starts the service on its embedded default or, with BENCH_TEMPORAL=cluster, on the local Temporal
// cluster (the worker and the API as separate processes either way), measures each figure next to its floor, and
// prints one table. Sizes come from BENCH_* variables (bench/config.ts).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { isAlive } from '../runtime/pids';
import { type BenchConfig, loadBenchConfig, type PhaseName } from './config';
import type { BenchContext } from './context';
import { JsonHttp } from './driver/http';
import { createBenchReps } from './driver/scenarios';
import { measureAcceptRace, measureAcceptRaceModerate } from './figures/accept-race';
import { measureCostPerRouting } from './figures/cost-per-routing';
import { measureFairness } from './figures/fairness';
import { measureMemory } from './figures/memory';
import { measureRuleMatching } from './figures/rule-matching';
import { measureThroughput } from './figures/throughput';
import { measureTraffic } from './figures/traffic';
import { measureLightLoad, measureLightLoadAllInOne, measureModerateLoad } from './figures/trigger-to-offer';
import { startFloor } from './floor/floor-process';
import { exitOnInterrupt, stopOnInterrupt } from './interrupt';
import { renderProfile, summarizeProfiles } from './report/cpu-profile';
import type { BenchResults } from './report/results';
import { buildRows, detailLines } from './report/rows';
import { renderTable, writeJson } from './report/table';
import { type BenchService, startBenchService } from './service/start-service';

const startedAt = Date.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);

/** Runs one phase; a failure is recorded and the run goes on, so one broken figure does not hide the others. */
async function phase<T>(results: BenchResults, name: string, work: () => Promise<T> | T): Promise<T | undefined> {
  const start = Date.now();
  try {
    return await work();
  } catch (error) {
    results.errors[name] = (error as Error).stack ?? String(error);
    log(`${name} failed: ${(error as Error).message}`);
    return undefined;
  } finally {
    results.phaseSeconds[name] = Math.round((Date.now() - start) / 100) / 10;
  }
}

/** False, with the reason recorded, once a process of the service has gone: every later figure would be noise. */
function serviceAlive(service: BenchService, results: BenchResults, phaseName: string): boolean {
  const gone = [
    ...service.temporalProcesses(),
    { name: 'the worker', pid: service.worker.pid },
    { name: 'the API', pid: service.api.pid },
  ].filter(({ pid }) => pid === undefined || !isAlive(pid));
  if (gone.length === 0) return true;
  results.errors[phaseName] = `skipped: ${gone.map(({ name }) => name).join(', ')} exited during the run`;
  return false;
}

/** The moderate load's rate: as configured, else its share of the floor's sustained rate (20/s if not measured). */
function moderateRate(config: BenchConfig, results: BenchResults): { rate: number; floorShare?: number } {
  if (config.moderateRate !== undefined) return { rate: config.moderateRate };
  const floorRate = results.throughput?.floor.sustainedRate;
  if (!floorRate) return { rate: 20 };
  return { rate: Math.max(1, Math.round(floorRate * config.moderateShare)), floorShare: config.moderateShare };
}

async function measureService(config: BenchConfig, results: BenchResults, cpuProfileDir: string | undefined) {
  const temporal = config.onCluster ? 'the local Temporal cluster and PostgreSQL' : 'the Temporal dev server';
  log(`starting ${temporal}, the worker and API processes, and the floor service`);
  const service = await startBenchService({
    keepData: config.keepData,
    onCluster: config.onCluster,
    ...(cpuProfileDir && { cpuProfileDir }),
  });
  results.layout = service.layout;
  const unregister = stopOnInterrupt(() => service.stop());
  const http = new JsonHttp(service.baseUrl);
  try {
    const floor = await startFloor(service.address, false);
    try {
      const reps = await createBenchReps(http, service.keys.adminKey, config);
      const ctx: BenchContext = { config, service, http, reps, floor, log };
      const run = (name: PhaseName) => config.phases.has(name) && serviceAlive(service, results, name);
      if (run('latency')) results.lightLoad = await phase(results, 'light load', () => measureLightLoad(ctx));
      if (run('latency')) {
        results.lightLoadAllInOne = await phase(results, 'light load, all-in-one', () => measureLightLoadAllInOne(ctx));
      }
      if (run('accept')) results.accept = await phase(results, 'accept', () => measureAcceptRace(ctx));
      if (run('cost')) results.cost = await phase(results, 'cost', () => measureCostPerRouting(ctx));
      if (run('throughput')) results.throughput = await phase(results, 'throughput', () => measureThroughput(ctx));
      const moderate = moderateRate(config, results);
      if (run('latency')) {
        results.moderateLoad = await phase(results, 'moderate load', () =>
          measureModerateLoad(ctx, moderate.rate, moderate.floorShare),
        );
      }
      if (run('accept')) {
        results.acceptModerate = await phase(results, 'accept, moderate', () =>
          measureAcceptRaceModerate(ctx, moderate.rate),
        );
      }
      if (run('fairness')) results.fairness = await phase(results, 'fairness', () => measureFairness(ctx));
      const open = results.fairness?.routings ?? 0;
      if (run('memory')) results.memory = await phase(results, 'memory', () => measureMemory(ctx, open));
      // Last: the pounce routings it opens stay open, and would weigh on every figure after it.
      if (run('traffic')) results.traffic = await phase(results, 'traffic', () => measureTraffic(ctx));
    } finally {
      await floor.stop();
    }
  } finally {
    http.close();
    log('stopping');
    unregister();
    await service.stop();
  }
}

async function main(): Promise<number> {
  const config = loadBenchConfig();
  const loadAtStart = os.loadavg();
  if ((loadAtStart[0] ?? 0) > 0.5) {
    log(`the load average is ${loadAtStart[0]?.toFixed(1)} before the bench starts: other work will slow its figures`);
  }
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  exitOnInterrupt(log);
  const results: BenchResults = { errors: {}, phaseSeconds: {} };
  const cpuProfileDir = config.cpuProfile ? mkdtempSync(path.join(os.tmpdir(), 'routing-bench-prof-')) : undefined;

  if (config.phases.has('matching')) {
    log(`rule matching: ${config.ruleCounts.join(', ')} rules`);
    results.matching = await phase(results, 'matching', () => measureRuleMatching(config.ruleCounts));
  }
  const servicePhases = [...config.phases].filter((name) => name !== 'matching');
  if (servicePhases.length > 0) await measureService(config, results, cpuProfileDir);

  const rows = buildRows(results);
  const profiles = cpuProfileDir ? summarizeProfiles(cpuProfileDir) : [];
  const totalSeconds = Math.round((Date.now() - startedAt) / 1000);
  const file = writeJson({
    startedAt: new Date(startedAt).toISOString(),
    totalSeconds,
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    config: { ...config, phases: [...config.phases] },
    rows,
    results,
    profiles,
  });

  const out = [
    '',
    `Routing service bench${results.layout ? ` on ${results.layout}` : ''}: ${os.cpus().length} CPUs, ` +
      `Node ${process.version}, ${totalSeconds} s, ${config.distribution} rules, ` +
      `load average ${(loadAtStart[0] ?? 0).toFixed(1)} before and ${(os.loadavg()[0] ?? 0).toFixed(1)} after`,
    '',
    renderTable(rows),
    '',
    ...detailLines(results).map((line) => `- ${line}`),
    `- phase seconds: ${Object.entries(results.phaseSeconds)
      .map(([name, seconds]) => `${name} ${seconds}`)
      .join(', ')}`,
    ...Object.entries(results.errors).map(([name, error]) => `- ${name} FAILED: ${error.split('\n')[0]}`),
    ...profiles.flatMap((summary) => ['', renderProfile(summary)]),
    ...(cpuProfileDir ? [`(profiles: ${cpuProfileDir}, open them in Chrome DevTools)`] : []),
    '',
    `JSON: ${file}`,
  ];
  console.log(out.join('\n'));
  return Object.keys(results.errors).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
