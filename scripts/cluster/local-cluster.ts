// A real Temporal cluster on one host: the server's four services (frontend, history, matching and the internal
// worker) each in its own process, as a multi-node deployment runs them, persisting to PostgreSQL for both the
// default store and visibility. Built by scripts/temporal-server.sh; state survives a stop, so open routings resume.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { isAlive } from '../../runtime/pids';

export const clusterServices = ['history', 'matching', 'frontend', 'worker'] as const;
export type ClusterService = (typeof clusterServices)[number];

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password?: string;
}

export interface LocalClusterOptions {
  /** Holds temporal-server, temporal-sql-tool and schema/ (scripts/temporal-server.sh prints it). */
  serverDir: string;
  /** The cluster's configuration, logs and pid files. */
  dir: string;
  postgres: PostgresServer;
  /** The frontend's gRPC port, the one clients use; the other services take the next few ports. */
  frontendPort: number;
  /** Shards of workflow history; fixed for the life of the database. */
  historyShards?: number;
}

export interface LocalCluster {
  /** host:port of the frontend. */
  address: string;
  stop(): Promise<void>;
}

const databases = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

/** A frontend port whose whole block (see portsOf) is free now, for a cluster started on a busy machine. */
export async function freeClusterPort(): Promise<number> {
  const bindable = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    // Membership ports are stored as a smallint: the whole block stays below 32,768.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Object.values(portsOf(base)).flatMap(({ grpc, membership }) => [grpc, membership]);
    if ((await Promise.all(ports.map(bindable))).every(Boolean)) return base;
  }
}

/** Each service's ports, from the frontend's: gRPC and membership (ringpop) ports, as the server's samples lay out. */
function portsOf(frontendPort: number): Record<ClusterService, { grpc: number; membership: number }> {
  return {
    frontend: { grpc: frontendPort, membership: frontendPort + 10 },
    history: { grpc: frontendPort + 1, membership: frontendPort + 11 },
    matching: { grpc: frontendPort + 2, membership: frontendPort + 12 },
    worker: { grpc: frontendPort + 3, membership: frontendPort + 13 },
  };
}

/**
 * Dynamic configuration the routing service relies on: eager activities (the outcome's durable write runs from the
 * workflow task's response, as the dev server does it), and visibility queries at the dev server's pace (the
 * default 10 per second would throttle the service's search-attribute reads under load).
 */
const dynamicConfig = `system.enableActivityEagerExecution:
  - value: true
frontend.namespaceRPS.visibility:
  - value: 500
limit.maxIDLength:
  - value: 1000
`;

function serverConfig(options: LocalClusterOptions): string {
  const { postgres } = options;
  const ports = portsOf(options.frontendPort);
  const datastore = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${postgres.host}:${postgres.port}"
        connectProtocol: "tcp"
        user: "${postgres.user}"
        password: "${postgres.password ?? ''}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (name: ClusterService) => `  ${name}:
    rpc:
      grpcPort: ${ports[name].grpc}
      membershipPort: ${ports[name].membership}
      bindOnLocalHost: true`;
  return `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: ${options.historyShards ?? 4}
  datastores:
    default:
${datastore(databases.temporal, 20)}
    visibility:
${datastore(databases.visibility, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
services:
${clusterServices.map(service).join('\n')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${options.frontendPort}"
dcRedirectionPolicy:
  policy: "noop"
dynamicConfigClient:
  filepath: "${path.join(options.dir, 'dynamic-config.yaml')}"
  pollInterval: "10s"
`;
}

/** Creates each database when missing and brings its schema to the release's version (the SQL tool is idempotent). */
async function prepareDatabases(options: LocalClusterOptions): Promise<void> {
  const { postgres, serverDir } = options;
  const admin = new PgClient({ ...postgres, database: 'postgres' });
  await admin.connect();
  try {
    for (const [kind, database] of Object.entries(databases)) {
      const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
      if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
      const sqlTool = (...args: string[]) => {
        const result = spawnSync(
          path.join(serverDir, 'temporal-sql-tool'),
          [
            '--plugin',
            'postgres12',
            '--ep',
            postgres.host,
            '--port',
            String(postgres.port),
            '--user',
            postgres.user,
            '--password',
            postgres.password ?? '',
            '--db',
            database,
            ...args,
          ],
          { encoding: 'utf8' },
        );
        if (result.status !== 0) throw new Error(`temporal-sql-tool ${args[0]} on ${database}: ${result.stderr}`);
      };
      const versioned = await hasSchemaVersionTable(postgres, database);
      if (!versioned) sqlTool('setup-schema', '--version', '0.0');
      sqlTool('update-schema', '--schema-dir', path.join(serverDir, 'schema', 'postgresql', 'v12', kind, 'versioned'));
    }
  } finally {
    await admin.end();
  }
}

async function hasSchemaVersionTable(postgres: PostgresServer, database: string): Promise<boolean> {
  const client = new PgClient({ ...postgres, database });
  await client.connect();
  try {
    const { rows } = await client.query("select to_regclass('schema_version') is not null as present");
    return rows[0].present === true;
  } finally {
    await client.end();
  }
}

const pidFile = (dir: string, service: ClusterService) => path.join(dir, `${service}.pid`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The recorded pid of a service's process, if it is running. */
export function runningPid(dir: string, service: ClusterService): number | undefined {
  const file = pidFile(dir, service);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && isAlive(pid) ? pid : undefined;
}

/**
 * Starts one service's process, detached and recorded in a pid file, so that any process (a test, or the next
 * start after a crash) can stop or restart it by name.
 */
export function startService(options: Pick<LocalClusterOptions, 'dir' | 'serverDir'>, service: ClusterService): void {
  const log = openSync(path.join(options.dir, `${service}.log`), 'a');
  const child = spawn(
    path.join(options.serverDir, 'temporal-server'),
    ['--root', options.dir, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start', '--service', service],
    { stdio: ['ignore', log, log], detached: true },
  );
  child.unref();
  writeFileSync(pidFile(options.dir, service), String(child.pid));
}

/** Stops one service's process: SIGTERM for an orderly stop (SIGKILL after 20 s), or SIGKILL to crash it. */
export async function stopService(dir: string, service: ClusterService, signal: NodeJS.Signals = 'SIGTERM') {
  const pid = runningPid(dir, service);
  if (pid !== undefined) {
    process.kill(pid, signal);
    for (let waited = 0; isAlive(pid) && waited < 20_000; waited += 50) await sleep(50);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(pidFile(dir, service), { force: true });
}

/** Stops every service, the frontend first so clients see the cluster go, history last, after its callers. */
export async function stopCluster(dir: string): Promise<void> {
  for (const service of ['frontend', 'worker', 'matching', 'history'] as const) await stopService(dir, service);
}

/** Waits until the frontend answers and the cluster can serve a namespace's calls. */
export async function waitForFrontend(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.withDeadline(Date.now() + 2_000, () =>
          connection.workflowService.describeNamespace({ namespace: 'temporal-system' }),
        );
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the cluster's frontend at ${address} did not answer: ${error}`);
      await sleep(500);
    }
  }
}

/** Resolves once the cluster's metadata row exists (at once on a database that has run the cluster before). */
async function clusterMetadataRecorded(postgres: PostgresServer, waiting: () => boolean): Promise<void> {
  const client = new PgClient({ ...postgres, database: databases.temporal });
  await client.connect();
  try {
    while (waiting()) {
      const { rowCount } = await client.query('select 1 from cluster_metadata_info limit 1');
      if (rowCount) return;
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

/** Rejects as soon as a service's process has gone (a bad config, a port taken), naming it and its last log line. */
async function failOnServiceExit(dir: string, watched: () => readonly ClusterService[]): Promise<void> {
  while (watched().length > 0) {
    await sleep(250);
    for (const service of watched()) {
      if (runningPid(dir, service) !== undefined) continue;
      const log =
        readFileSync(path.join(dir, `${service}.log`), 'utf8')
          .trim()
          .split('\n')
          .at(-1) ?? '';
      throw new Error(`the cluster's ${service} service exited: ${log.slice(0, 500)}`);
    }
  }
}

/**
 * Starts the cluster (stopping what a previous run left behind first), creating and migrating its databases as
 * needed. An unexpected exit of this process takes the services with it.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  mkdirSync(options.dir, { recursive: true });
  await stopCluster(options.dir);
  const configDir = path.join(options.dir, 'config');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(path.join(configDir, 'cluster.yaml'), serverConfig(options));
  writeFileSync(path.join(options.dir, 'dynamic-config.yaml'), dynamicConfig);
  await prepareDatabases(options);

  const killAll = () => {
    for (const service of clusterServices) {
      const pid = runningPid(options.dir, service);
      if (pid !== undefined) process.kill(pid, 'SIGKILL');
    }
  };
  process.once('exit', killAll);
  const address = `127.0.0.1:${options.frontendPort}`;
  try {
    // The first service to start on a new database records the cluster's metadata; several at once race to do it
    // and the losers exit ("failed to initialize current cluster metadata"), so one goes first.
    const started: ClusterService[] = ['history'];
    startService(options, 'history');
    let starting = true;
    const exited = failOnServiceExit(options.dir, () => (starting ? started : []));
    try {
      await Promise.race([clusterMetadataRecorded(options.postgres, () => starting), exited]);
      for (const service of clusterServices.filter((name) => name !== 'history')) {
        started.push(service);
        startService(options, service);
      }
      await Promise.race([waitForFrontend(address, 120_000), exited]);
    } finally {
      starting = false;
    }
  } catch (error) {
    await stopCluster(options.dir);
    throw error;
  }
  return {
    address,
    async stop() {
      await stopCluster(options.dir);
      process.off('exit', killAll);
    },
  };
}
