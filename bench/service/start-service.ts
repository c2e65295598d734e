// The service under test on its embedded default, laid out as a deployment would split it: the Temporal CLI's dev
// server with a SQLite file, a SQLite routing database in a temp DATA_DIR, and the worker and API as two processes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { startDevServer } from '../../embedded/temporal-dev-server';
import { dataConverter } from '../../runtime/payload-compression';
import { freePort } from '../../runtime/ports';
import { bundleRoutingWorkflows } from '../../worker/create-worker';
import { type ServiceChild, startChild } from './child';

export interface BenchService {
  dataDir: string;
  address: string;
  baseUrl: string;
  taskQueue: string;
  keys: { adminKey: string; experienceKey: string };
  /** The bench's own Temporal client, for floors and histories. */
  client: Client;
  worker: ServiceChild;
  api: ServiceChild;
  temporalPid: number;
  /**
   * Starts the all-in-one service `npm start` runs (API and worker in one process, routings started eagerly) on
   * the same Temporal server and database, with its own task queue. Stopped with the rest, if not before.
   */
  startAllInOne(): Promise<{ baseUrl: string; process: ServiceChild }>;
  stop(): Promise<void>;
}

export async function startBenchService(options: { cpuProfileDir?: string; keepData: boolean }): Promise<BenchService> {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run the bench with `npm run bench`');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'routing-bench-'));
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  if (!options.keepData) process.once('exit', removeData); // also when interrupted while starting
  const pidFile = path.join(dataDir, 'temporal.pid');
  const [devServer, bundle] = await Promise.all([
    freePort().then((port) =>
      startDevServer({ cliPath, port, dbFile: path.join(dataDir, 'temporal.sqlite'), namespace: 'default', pidFile }),
    ),
    bundleRoutingWorkflows(pino({ level: 'error' }, pino.destination(2))),
  ]);
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  const taskQueue = 'routing';
  const keys = {
    adminKey: `admin_${randomBytes(24).toString('base64url')}`,
    experienceKey: `exp_${randomBytes(24).toString('base64url')}`,
  };
  const env = {
    BENCH_TEMPORAL_ADDRESS: devServer.address,
    BENCH_SQLITE_FILE: path.join(dataDir, 'routing.sqlite'),
    BENCH_TASK_QUEUE: taskQueue,
    BENCH_WORKFLOW_BUNDLE: bundlePath,
    BENCH_ADMIN_KEY: keys.adminKey,
    BENCH_EXPERIENCE_KEY: keys.experienceKey,
  };
  // The worker first: it creates the database schema, so the API opens a migrated file.
  const worker = await startChild('worker', 'bench/service/worker-process.ts', env, options.cpuProfileDir);
  const api = await startChild('api', 'bench/service/api-process.ts', env, options.cpuProfileDir);
  const connection = await Connection.connect({ address: devServer.address });
  const client = new Client({ connection, namespace: 'default', dataConverter });
  let allInOne: ServiceChild | undefined;

  return {
    dataDir,
    address: devServer.address,
    baseUrl: `http://127.0.0.1:${api.ready.port}`,
    taskQueue,
    keys,
    client,
    worker,
    api,
    temporalPid: Number(readFileSync(pidFile, 'utf8')),
    async startAllInOne() {
      const aioEnv = { ...env, BENCH_TASK_QUEUE: 'routing-all-in-one', BENCH_WITH_WORKER: '1' };
      allInOne = await startChild('all-in-one', 'bench/service/api-process.ts', aioEnv, options.cpuProfileDir);
      return { baseUrl: `http://127.0.0.1:${allInOne.ready.port}`, process: allInOne };
    },
    async stop() {
      await allInOne?.stop();
      await api.stop();
      await worker.stop();
      await connection.close();
      await devServer.stop();
      if (!options.keepData) removeData();
    },
  };
}
