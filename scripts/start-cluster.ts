// `npm run start:cluster`: the at-scale layout on one machine. A local Temporal cluster (frontend, history, matching
// and worker services as separate processes, persisting to PostgreSQL), the routing data in PostgreSQL, and one API
// and one worker process against them, on the PORT and keys `npm start` uses. Ctrl-C stops it all; starting again
// resumes open routings where they were.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../config';
import { prepareNamespace } from '../runtime/prepare-namespace';
import { projectRoot } from '../runtime/project-root';
import { type LocalCluster, type PostgresServer, startLocalCluster } from './cluster/local-cluster';
import { type ProjectProcessOptions, startProjectProcess } from './project-process';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start with \`npm run start:cluster\``);
  return value;
}

/** The PostgreSQL server behind DATABASE_URL: the cluster keeps its own databases on the same server. */
function serverOf(databaseUrl: string): PostgresServer {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    ...(url.password && { password: decodeURIComponent(url.password) }),
  };
}

/** A PostgreSQL server kept under DATA_DIR (created on first use), for when DATABASE_URL names none. */
function startLocalPostgres(dir: string, port: number): { url: string; stop(): void } {
  const script = path.join(projectRoot, 'scripts', 'postgres.sh');
  const output = execFileSync('bash', [script, 'serve', dir, String(port)], { encoding: 'utf8' });
  const url = /^DATABASE_URL=(.*)$/m.exec(output)?.[1];
  if (!url) throw new Error(`scripts/postgres.sh serve printed no DATABASE_URL: ${output}`);
  return { url, stop: () => execFileSync('bash', [script, 'halt', dir], { stdio: 'inherit' }) };
}

async function main() {
  const config = loadConfig();
  const serverDir = required('TEMPORAL_SERVER_DIR');
  const stops: (() => Promise<unknown> | unknown)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await Promise.resolve(stop()).catch((error) => console.error(error));
  };
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the API, the worker, the cluster and PostgreSQL...`);
      void stopAll().then(() => process.exit(0));
    });
  }

  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const postgres = startLocalPostgres(path.join(config.dataDir, 'postgres'), config.LOCAL_POSTGRES_PORT);
      stops.push(postgres.stop);
      databaseUrl = postgres.url;
    }
    console.log(`PostgreSQL: ${databaseUrl}`);

    const cluster: LocalCluster = await startLocalCluster({
      serverDir,
      dir: path.join(config.dataDir, 'temporal-cluster'),
      postgres: serverOf(databaseUrl),
      frontendPort: config.TEMPORAL_PORT,
    });
    stops.push(() => cluster.stop());
    console.log(`Temporal cluster: frontend ${cluster.address} (logs in ${config.dataDir}/temporal-cluster)`);
    const connection = await Connection.connect({ address: cluster.address });
    await prepareNamespace(connection, config.TEMPORAL_NAMESPACE, { retentionDays: 7, log: console.log });
    await connection.close();

    const env = { TEMPORAL_ADDRESS: cluster.address, DATABASE_URL: databaseUrl };
    const start = async (options: Pick<ProjectProcessOptions, 'role' | 'health'> & { port: number }) => {
      const started = await startProjectProcess({ ...options, code: 'build', env, stdout: 'inherit' });
      stops.push(() => started.stop());
      return started.child;
    };
    // The worker first: it migrates the routing database before the API opens it.
    const worker = await start({ role: 'worker', port: config.METRICS_PORT, health: '/livez' });
    const api = await start({ role: 'api', port: config.PORT });
    console.log(`routing service ready on http://localhost:${config.PORT} (Ctrl-C stops everything)`);
    for (const child of [worker, api]) {
      child.once('exit', (code) => {
        if (stopping) return;
        console.error(`a service process exited (code ${code}): stopping the rest`);
        stopping = true;
        void stopAll().then(() => process.exit(1));
      });
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
