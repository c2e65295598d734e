// The service under test, laid out as a deployment splits it: the worker and the API as two processes (api/main.ts
// and worker/main.ts, from the build in dist/ as `npm start` runs them), on the embedded default (the Temporal CLI's dev
// server, SQLite routing data in a temp DATA_DIR) or, with BENCH_TEMPORAL=cluster, on the local Temporal cluster
// with PostgreSQL routing data (scripts/service-backends.ts).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../config';
import { dataConverter } from '../../runtime/payload-compression';
import { freePort } from '../../runtime/ports';
import { type ProjectProcess, type ProjectRole, startProjectProcess } from '../../scripts/project-process';
import { clusterBackend, devServerBackend } from '../../scripts/service-backends';

export interface BenchService {
  /** Where Temporal and the routing data run, e.g. "dev server, SQLite". */
  layout: string;
  dataDir: string;
  address: string;
  baseUrl: string;
  taskQueue: string;
  keys: { adminKey: string; experienceKey: string };
  /** The bench's own Temporal client, for floors and histories. */
  client: Client;
  worker: ProjectProcess;
  api: ProjectProcess;
  /** Temporal's processes (the dev server, or each of the cluster's services), with a pid while each runs. */
  temporalProcesses(): { name: string; pid: number | undefined }[];
  /** The worker's workflow cache size (WORKER_MAX_CACHED_WORKFLOWS): bounds how many open routings it keeps. */
  maxCachedWorkflows: number;
  /**
   * Starts the all-in-one service `npm start` runs (API and worker in one process, routings started eagerly) on
   * the same Temporal and database, with its own task queue. Stopped with the rest, if not before.
   */
  startAllInOne(): Promise<{ baseUrl: string; process: ProjectProcess }>;
  stop(): Promise<void>;
}

/** The bench measures the service at full load: no rate limit may shape its figures. */
const NO_RATE_LIMIT = String(1e9);

export async function startBenchService(options: {
  cpuProfileDir?: string;
  keepData: boolean;
  onCluster: boolean;
}): Promise<BenchService> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'routing-bench-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  if (!options.keepData) process.once('exit', removeData); // also when interrupted while starting
  const backend = options.onCluster ? await clusterBackend() : await devServerBackend(dataDir);

  const taskQueue = 'routing';
  const keys = {
    adminKey: `admin_${randomBytes(24).toString('base64url')}`,
    experienceKey: `exp_${randomBytes(24).toString('base64url')}`,
  };
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: undefined, // the dev server's layout keeps the routing data in DATA_DIR, whatever the shell says
    ...backend.databaseEnv,
    TEMPORAL_ADDRESS: backend.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TASK_QUEUE: taskQueue,
    ADMIN_API_KEY: keys.adminKey,
    EXPERIENCE_API_KEY: keys.experienceKey,
    LOG_LEVEL: 'error',
    RATE_LIMIT_EXPERIENCE: NO_RATE_LIMIT,
    RATE_LIMIT_REP: NO_RATE_LIMIT,
    RATE_LIMIT_ADMIN: NO_RATE_LIMIT,
    RATE_LIMIT_UNAUTHENTICATED: NO_RATE_LIMIT,
  };
  const start = async (role: ProjectRole, extraEnv: Record<string, string> = {}) =>
    startProjectProcess({
      role,
      code: 'build', // as a deployment runs it (bench.sh builds dist/ first)
      port: await freePort(),
      env: { ...env, ...extraEnv },
      stdout: 'stderr', // its error log lines; stdout carries the bench's table
      // One directory per process: node writes a profile per thread (main, workflow thread).
      ...(options.cpuProfileDir && {
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.join(options.cpuProfileDir, role)}`],
      }),
    });
  const stopProcess = (started: ProjectProcess | undefined) => started?.stop({ forceAfterMs: 20_000 });

  // The worker first: it creates the database schema, so the API opens a migrated database.
  let worker: ProjectProcess | undefined;
  let api: ProjectProcess;
  try {
    worker = await start('worker');
    api = await start('api');
  } catch (error) {
    await stopProcess(worker);
    await backend.stop();
    throw error;
  }
  const connection = await Connection.connect({ address: backend.temporalAddress });
  const client = new Client({ connection, namespace: 'default', dataConverter });
  let allInOne: ProjectProcess | undefined;

  return {
    layout: backend.name,
    dataDir,
    address: backend.temporalAddress,
    baseUrl: api.url as string,
    taskQueue,
    keys,
    client,
    worker,
    api,
    temporalProcesses: () => backend.temporalProcesses(),
    maxCachedWorkflows: loadConfig({ ...process.env, ...env }).WORKER_MAX_CACHED_WORKFLOWS,
    async startAllInOne() {
      allInOne = await start('all-in-one', { TASK_QUEUE: 'routing-all-in-one' });
      return { baseUrl: allInOne.url as string, process: allInOne };
    },
    async stop() {
      await stopProcess(allInOne);
      await stopProcess(api);
      await stopProcess(worker);
      await connection.close();
      await backend.stop();
      if (!options.keepData) removeData();
    },
  };
}
