// What the soak and the bench run the service against: the embedded layout (the CLI's dev server, SQLite routing
// data) or the at-scale layout (the local cluster on PostgreSQL, its four services as separate processes, PostgreSQL
// routing data). For the soak, how each strikes Temporal: the dev server restarts; on the cluster the history
// service is SIGKILLed, and matching and the frontend restarted, in turn. For the bench, Temporal's processes.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { startDevServer } from '../embedded/temporal-dev-server';
import { isAlive } from '../runtime/pids';
import { freePort } from '../runtime/ports';
import { prepareNamespace } from '../runtime/prepare-namespace';
import type { DatabaseConfig } from '../store/database';
import {
  type ClusterService,
  clusterServices,
  freeClusterPort,
  runningPid,
  startLocalCluster,
  startService,
  stopService,
  waitForFrontend,
} from './cluster/local-cluster';

export interface ServiceBackend {
  name: string;
  temporalAddress: string;
  database: DatabaseConfig;
  /** What the service processes need to find the routing data. */
  databaseEnv: Record<string, string>;
  /** Temporal's processes, each with its pid if it is running: the dev server, or each of the cluster's services. */
  temporalProcesses(): { name: string; pid: number | undefined }[];
  /** Strikes Temporal once (the `n`th time) and waits until it serves again; says what it did. */
  strikeTemporal(n: number): Promise<string>;
  stop(): Promise<void>;
}

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with \`npm run soak\` or \`npm run bench\``);
  return value;
};

/** The dev server and the SQLite routing data in `dir` (the caller's, which it removes). */
export async function devServerBackend(dir: string): Promise<ServiceBackend> {
  const cliPath = required('TEMPORAL_CLI_PATH');
  const port = await freePort();
  const pidFile = path.join(dir, 'temporal.pid');
  const start = () => startDevServer({ cliPath, port, dbFile: path.join(dir, 'temporal.sqlite'), pidFile });
  let server = await start();
  return {
    name: 'dev server, SQLite',
    temporalAddress: server.address,
    database: { kind: 'sqlite', file: path.join(dir, 'routing.sqlite') },
    databaseEnv: { DATA_DIR: dir },
    temporalProcesses() {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      return [{ name: 'the Temporal dev server', pid: isAlive(pid) ? pid : undefined }];
    },
    async strikeTemporal() {
      await server.stop();
      server = await start();
      return 'temporal dev server restarted';
    },
    async stop() {
      await server.stop();
    },
  };
}

/** The cluster's faults, in turn: each leaves the cluster without one of its services for a moment. */
const clusterFaults: { service: ClusterService; signal: NodeJS.Signals }[] = [
  { service: 'history', signal: 'SIGKILL' },
  { service: 'matching', signal: 'SIGTERM' },
  { service: 'frontend', signal: 'SIGTERM' },
];

/** The local cluster and the routing data on a PostgreSQL of their own, removed on stop. */
export async function clusterBackend(): Promise<ServiceBackend> {
  const serverDir = required('TEMPORAL_SERVER_DIR');
  const script = path.join(__dirname, 'postgres.sh');
  const started = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  const postgresUrl = /^TEST_POSTGRES_URL=(.*)$/m.exec(started)?.[1] as string;
  const postgresDir = /^TEST_POSTGRES_DIR=(.*)$/m.exec(started)?.[1] as string;
  const stopPostgres = () => execFileSync('bash', [script, 'stop', postgresDir], { stdio: 'inherit' });
  try {
    const admin = new PgClient({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query('create database routing');
    await admin.end();
    const url = new URL(postgresUrl);
    const dir = path.join(postgresDir, 'temporal-cluster');
    const cluster = await startLocalCluster({
      serverDir,
      dir,
      postgres: { host: url.hostname, port: Number(url.port), user: 'postgres' },
      frontendPort: await freeClusterPort(),
    });
    const connection = await Connection.connect({ address: cluster.address });
    await prepareNamespace(connection, 'default', { retentionDays: 1 });
    await connection.close();
    const databaseUrl = new URL('/routing', postgresUrl).toString();
    return {
      name: 'local cluster, PostgreSQL',
      temporalAddress: cluster.address,
      database: { kind: 'postgres', url: databaseUrl },
      databaseEnv: { DATABASE_URL: databaseUrl },
      temporalProcesses: () =>
        clusterServices.map((service) => ({ name: `Temporal's ${service} service`, pid: runningPid(dir, service) })),
      async strikeTemporal(n) {
        const { service, signal } = clusterFaults[n % clusterFaults.length] as (typeof clusterFaults)[number];
        await stopService(dir, service, signal);
        startService({ dir, serverDir }, service);
        await waitForFrontend(cluster.address, 120_000);
        return `temporal ${service} ${signal === 'SIGKILL' ? 'killed' : 'stopped'} and started`;
      },
      async stop() {
        await cluster.stop();
        stopPostgres();
      },
    };
  } catch (error) {
    stopPostgres();
    throw error;
  }
}
