// What the soak runs the service against, and how it strikes Temporal: the embedded layout (the CLI's dev server,
// SQLite routing data; the fault restarts the server) or the at-scale layout (the local cluster on PostgreSQL,
// PostgreSQL routing data; the faults SIGKILL the history service and restart matching and the frontend in turn).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { startDevServer } from '../embedded/temporal-dev-server';
import { freePort } from '../runtime/ports';
import { prepareNamespace } from '../runtime/prepare-namespace';
import type { DatabaseConfig } from '../store/database';
import {
  type ClusterService,
  freeClusterPort,
  startLocalCluster,
  startService,
  stopService,
  waitForFrontend,
} from './cluster/local-cluster';

export interface SoakBackend {
  name: string;
  temporalAddress: string;
  database: DatabaseConfig;
  /** What the service processes need to find the routing data. */
  databaseEnv: Record<string, string>;
  /** Strikes Temporal once (the `n`th time) and waits until it serves again; says what it did. */
  strikeTemporal(n: number): Promise<string>;
  stop(): Promise<void>;
}

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run with \`npm run soak\``);
  return value;
};

export async function devServerBackend(): Promise<SoakBackend> {
  const cliPath = required('TEMPORAL_CLI_PATH');
  const dir = mkdtempSync(path.join(tmpdir(), 'routing-soak-'));
  const port = await freePort();
  const start = () => startDevServer({ cliPath, port, dbFile: path.join(dir, 'temporal.sqlite') });
  let server = await start();
  return {
    name: 'dev server, SQLite',
    temporalAddress: server.address,
    database: { kind: 'sqlite', file: path.join(dir, 'routing.sqlite') },
    databaseEnv: { DATA_DIR: dir },
    async strikeTemporal() {
      await server.stop();
      server = await start();
      return 'temporal dev server restarted';
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The cluster's faults, in turn: each leaves the cluster without one of its services for a moment. */
const clusterFaults: { service: ClusterService; signal: NodeJS.Signals }[] = [
  { service: 'history', signal: 'SIGKILL' },
  { service: 'matching', signal: 'SIGTERM' },
  { service: 'frontend', signal: 'SIGTERM' },
];

export async function clusterBackend(): Promise<SoakBackend> {
  const serverDir = required('TEMPORAL_SERVER_DIR');
  const script = path.join(__dirname, 'postgres.sh');
  const started = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  const postgresUrl = /^TEST_POSTGRES_URL=(.*)$/m.exec(started)?.[1] as string;
  const postgresDir = /^TEST_POSTGRES_DIR=(.*)$/m.exec(started)?.[1] as string;
  const stopPostgres = () => execFileSync('bash', [script, 'stop', postgresDir], { stdio: 'inherit' });
  try {
    const admin = new PgClient({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query('create database soak');
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
    const databaseUrl = new URL('/soak', postgresUrl).toString();
    return {
      name: 'local cluster, PostgreSQL',
      temporalAddress: cluster.address,
      database: { kind: 'postgres', url: databaseUrl },
      databaseEnv: { DATABASE_URL: databaseUrl },
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
