// `npm run bench:startup`: how long the service takes to serve (its /readyz answers 200) after a first start on
// fresh data and after a restart, run from the sources (tsx, webpack bundling the workflows at start) and from the
// build (dist/, the workflow bundle built ahead), for the all-in-one process and for separate worker and API
// processes; and each process's resident memory once it serves. Rounds: BENCH_STARTUP_ROUNDS (3).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../runtime/ports';
import { projectRoot } from '../runtime/project-root';
import { type ProjectProcess, type ProjectRole, spawnProjectProcess } from '../scripts/project-process';
import { devServerBackend } from '../scripts/service-backends';
import { procMemory } from './figures/memory';
import { summarize } from './stats';

type Code = 'sources' | 'build';
const codes: Code[] = ['sources', 'build'];
const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 3);

/** Figure name -> code -> samples (ms, or MiB for memory). */
const samples = new Map<string, Record<Code, number[]>>();
function record(figure: string, code: Code, value: number): void {
  const entry = samples.get(figure) ?? { sources: [], build: [] };
  entry[code].push(value);
  samples.set(figure, entry);
}

const log = (message: string) => process.stderr.write(`[startup] ${message}\n`);
const keys = {
  ADMIN_API_KEY: `admin_${randomBytes(24).toString('base64url')}`,
  EXPERIENCE_API_KEY: `exp_${randomBytes(24).toString('base64url')}`,
};

/** Starts one process and returns it once healthy, recording the time it took and its memory then. */
async function timedStart(
  figure: string,
  code: Code,
  role: ProjectRole,
  env: Record<string, string | undefined>,
): Promise<ProjectProcess> {
  const startedAt = performance.now();
  const started = spawnProjectProcess({
    role,
    code,
    port: await freePort(),
    env: { ...keys, LOG_LEVEL: 'error', ...env },
  });
  try {
    await started.healthy(180_000);
  } catch (error) {
    await started.stop({ signal: 'SIGKILL' });
    throw error;
  }
  const ms = performance.now() - startedAt;
  record(figure, code, ms);
  record(`${role} resident memory once healthy`, code, procMemory(started.pid).rssMiB);
  log(`${code}: ${figure} ${ms.toFixed(0)} ms`);
  return started;
}

const stop = (started: ProjectProcess) => started.stop({ forceAfterMs: 30_000 });

/** `npm start`'s process: its own dev server, worker and API; started on fresh data, stopped, started again. */
async function allInOne(code: Code): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'routing-startup-'));
  try {
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: undefined,
      TEMPORAL_ADDRESS: undefined,
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
    await stop(await timedStart('all-in-one: start (fresh data)', code, 'all-in-one', env));
    await stop(await timedStart('all-in-one: restart', code, 'all-in-one', env));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A worker and an API process against a dev server started apart (not timed), each started then restarted. */
async function separate(code: Code): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'routing-startup-'));
  const backend = await devServerBackend(dataDir);
  try {
    const env = { DATABASE_URL: undefined, ...backend.databaseEnv, TEMPORAL_ADDRESS: backend.temporalAddress };
    // The worker first, as a deployment rolls out: it migrates the database the API then opens.
    let worker = await timedStart('worker: start (fresh data)', code, 'worker', env);
    let api = await timedStart('API: start (fresh data)', code, 'api', env);
    await stop(worker);
    worker = await timedStart('worker: restart', code, 'worker', env);
    await stop(api);
    api = await timedStart('API: restart', code, 'api', env);
    await stop(api);
    await stop(worker);
  } finally {
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(buildMs: number): string {
  const cell = (values: number[], unit: string) => {
    const summary = summarize(values);
    return `${summary.median.toFixed(0)} ${unit} (max ${summary.max.toFixed(0)})`;
  };
  const memoryLast = [...samples].sort(([a], [b]) => Number(a.includes('memory')) - Number(b.includes('memory')));
  const lines = memoryLast.map(([figure, byCode]) => {
    const unit = figure.includes('memory') ? 'MiB' : 'ms';
    return `| ${figure} | ${cell(byCode.sources, unit)} | ${cell(byCode.build, unit)} |`;
  });
  const load = os.loadavg()[0]?.toFixed(1);
  return [
    '',
    `Start to healthy (/readyz 200), median of ${rounds} round(s) (max); load average ${load} at the end.`,
    '',
    '| figure | sources (tsx, webpack at start) | build (dist/) |',
    '| --- | --- | --- |',
    ...lines,
    '',
    `Building dist/ (npm run build; the first start after a change does it once): ${(buildMs / 1000).toFixed(1)} s.`,
  ].join('\n');
}

async function main() {
  log('building dist/');
  const buildStartedAt = performance.now();
  execFileSync('bash', [path.join(projectRoot, 'scripts', 'build.sh')], { stdio: 'inherit' });
  const buildMs = performance.now() - buildStartedAt;
  for (let round = 1; round <= rounds; round++) {
    log(`round ${round} of ${rounds}`);
    for (const code of codes) {
      await allInOne(code);
      await separate(code);
    }
  }
  console.log(report(buildMs));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
