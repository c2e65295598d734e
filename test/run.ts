// Test entry point: one real Temporal dev server and one workflow bundle for the whole suite, then node's runner,
// once per database: unit and integration tests on SQLite, then the integration tests again on PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client } from 'pg';
import { startDevServer } from '../embedded/temporal-dev-server';
import { freePort } from '../runtime/ports';
import { prepareNamespace } from '../runtime/prepare-namespace';
import { freeClusterPort, startLocalCluster } from '../scripts/cluster/local-cluster';
import { bundleRoutingWorkflows } from '../worker/workflow-code';

const root = path.resolve(__dirname, '..');
const artifacts = path.join(root, '.test-artifacts');

/** Test files to run: the arguments if given, else every *.test.ts under test/unit and test/integration. */
function testFiles(): string[] {
  const given = process.argv.slice(2);
  if (given.length > 0) return given;
  return ['unit', 'integration'].flatMap((dir) =>
    readdirSync(path.join(root, 'test', dir))
      .filter((name) => name.endsWith('.test.ts'))
      .sort()
      .map((name) => path.join('test', dir, name)),
  );
}

/**
 * The at-scale layout's pass: these files run once more against a local Temporal cluster (four service processes,
 * PostgreSQL persistence) with the routing data in PostgreSQL, when TEMPORAL_SERVER_DIR names a server build.
 */
const clusterFiles = [
  'test/integration/scale-out.test.ts',
  'test/integration/cluster-faults.test.ts',
  'test/integration/cluster-soak.test.ts',
];

/** Starts the local cluster on the suite's PostgreSQL server (its own databases), with the tests' namespace ready. */
async function startCluster(serverDir: string, postgresUrl: string) {
  const url = new URL(postgresUrl);
  const dir = path.join(artifacts, 'temporal-cluster');
  const cluster = await startLocalCluster({
    serverDir,
    dir,
    postgres: { host: url.hostname, port: Number(url.port), user: decodeURIComponent(url.username) },
    frontendPort: await freeClusterPort(),
  });
  const connection = await Connection.connect({ address: cluster.address });
  try {
    await prepareNamespace(connection, 'default', { retentionDays: 1 });
  } finally {
    await connection.close();
  }
  return { ...cluster, dir };
}

/** Unit tests touch no database: they run once, with the SQLite run. Everything else runs on both databases. */
function isUnit(file: string): boolean {
  const relative = path.relative(path.join(root, 'test', 'unit'), path.resolve(root, file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The command `run` is waiting on, so that an interrupted suite can stop it. */
let running: ChildProcess | undefined;

/** Runs a command to its end; resolves with its exit code and, when `capture` is set, its stdout. */
function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; capture?: boolean; cwd?: string } = {},
) {
  return new Promise<{ code: number; stdout: string }>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'inherit'],
      // Its own process group, so that an interruption reaches node's runner and the test files it spawned alike.
      detached: true,
    });
    running = child;
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout }));
  });
}

/**
 * The PostgreSQL server the second run uses: TEST_POSTGRES_URL if set, else a throwaway cluster from
 * scripts/postgres.sh (which installs PostgreSQL with apt when it is missing and we are root).
 */
async function obtainPostgres(): Promise<{ url: string; stop(): Promise<void> }> {
  const given = process.env.TEST_POSTGRES_URL;
  if (given) {
    await checkPostgres(given, 'TEST_POSTGRES_URL');
    return { url: given, stop: async () => {} };
  }
  const script = path.join(root, 'scripts', 'postgres.sh');
  const started = await run('bash', [script, 'start'], { capture: true });
  const values = Object.fromEntries(
    started.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2)),
  );
  if (started.code !== 0 || !values.TEST_POSTGRES_URL || !values.TEST_POSTGRES_DIR) {
    throw new Error('the suite runs against PostgreSQL too, and none could be started (see above)');
  }
  const stop = async () => {
    await run('bash', [script, 'stop', values.TEST_POSTGRES_DIR]);
  };
  await checkPostgres(values.TEST_POSTGRES_URL, 'the throwaway server').catch(async (error) => {
    await stop();
    throw error;
  });
  return { url: values.TEST_POSTGRES_URL, stop };
}

/** Drops the databases a test file created under `prefix` and could not drop itself (it crashed, or was killed). */
async function dropLeftovers(url: string, prefix: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1 || '_')",
      [prefix],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}"`);
  } finally {
    await client.end();
  }
}

async function checkPostgres(url: string, name: string): Promise<void> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`cannot connect to PostgreSQL at ${name} (${url}): ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
}

async function main(): Promise<number> {
  const cliPath = process.env.TEMPORAL_CLI_PATH;
  if (!cliPath) throw new Error('TEMPORAL_CLI_PATH is not set: run the suite with `npm test`');
  mkdirSync(artifacts, { recursive: true });
  const files = testFiles();
  const databaseFiles = files.filter((file) => !isUnit(file));
  // Names every PostgreSQL database this run's tests create, so that leftovers can be told from another run's.
  const databasePrefix = `test_${randomBytes(4).toString('hex')}`;

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error) => console.error(error));
  };
  // On Ctrl-C or SIGTERM, end the test run under way (a terminal's Ctrl-C reaches it anyway) and go on to the
  // finally below, which stops the servers we started rather than leave them running. A second signal kills at once.
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      if (running?.pid !== undefined && running.exitCode === null) process.kill(-running.pid, signal);
    });
  }

  try {
    // Bundling runs alongside. Temporal's port is chosen once PostgreSQL holds its own, so the two never pick the same
    // free port. When one fails, the others are still awaited, so that the finally below stops them too.
    const bundled = bundleRoutingWorkflows(console);
    const postgresStarted =
      databaseFiles.length === 0
        ? undefined
        : obtainPostgres().then((postgres) => {
            cleanups.push(() => postgres.stop());
            cleanups.push(() => dropLeftovers(postgres.url, databasePrefix));
            return postgres;
          });
    const serverStarted = Promise.resolve(postgresStarted)
      .then(() => freePort())
      .then((port) => startDevServer({ cliPath, port }))
      .then((server) => {
        cleanups.push(() => server.stop());
        return server;
      });
    await Promise.allSettled([serverStarted, bundled, postgresStarted]);
    const [server, bundle, postgres] = await Promise.all([serverStarted, bundled, postgresStarted]);
    const bundlePath = path.join(artifacts, 'workflow-bundle.js');
    writeFileSync(bundlePath, bundle.code);

    const { DATABASE_URL: _ignored, ...environment } = process.env;
    // Service processes the tests spawn (main.ts, api/main.ts) poll as fast as tests do: rate limits far above that,
    // as the in-process test service has (test/support/service.ts), so only rate-limits.test.ts meets one.
    const generousRateLimits = {
      RATE_LIMIT_EXPERIENCE: '1000000',
      RATE_LIMIT_REP: '1000000',
      RATE_LIMIT_ADMIN: '1000000',
      RATE_LIMIT_UNAUTHENTICATED: '1000000',
    };
    const suiteEnv = {
      ...environment,
      ...generousRateLimits,
      TEST_TEMPORAL_ADDRESS: server.address,
      TEST_WORKFLOW_BUNDLE: bundlePath,
    };
    const postgresEnv = (url: string) => ({
      ...suiteEnv,
      TEST_DATABASE: 'postgres',
      TEST_POSTGRES_URL: url,
      TEST_DATABASE_PREFIX: databasePrefix,
    });
    const serverDir = process.env.TEMPORAL_SERVER_DIR;
    const clusterPassFiles = databaseFiles.filter((file) =>
      clusterFiles.includes(path.relative(root, path.resolve(file))),
    );
    /** Each pass: its files, the Node.js that runs them and where, and its environment (made when it begins). */
    interface Pass {
      name: string;
      files: string[];
      env: () => Promise<NodeJS.ProcessEnv>;
      node?: { bin: string; tree: string };
      /** Test files run at once; the cluster pass runs one at a time, as its fault tests strike the shared cluster. */
      concurrency?: number;
    }
    const sqliteEnv = async () => ({ ...suiteEnv, TEST_DATABASE: 'sqlite' });
    const passes: Pass[] = [{ name: 'sqlite', files, env: sqliteEnv }];
    // The supported LTS beside the machine's Node: the whole SQLite pass again, from a copy of the tree whose
    // dependencies are built for it (scripts/node24.sh).
    const { NODE24_BIN, NODE24_TREE } = process.env;
    if (NODE24_BIN && NODE24_TREE) {
      passes.push({ name: 'sqlite on node 24', files, env: sqliteEnv, node: { bin: NODE24_BIN, tree: NODE24_TREE } });
    }
    if (postgres) {
      passes.push({ name: 'postgres', files: databaseFiles, env: async () => postgresEnv(postgres.url) });
      if (serverDir && clusterPassFiles.length > 0) {
        passes.push({
          name: 'cluster',
          files: clusterPassFiles,
          concurrency: 1,
          env: async () => {
            const cluster = await startCluster(serverDir, postgres.url);
            cleanups.push(() => cluster.stop());
            return {
              ...postgresEnv(postgres.url),
              TEST_TEMPORAL_ADDRESS: cluster.address,
              TEST_CLUSTER_DIR: cluster.dir,
              TEST_TEMPORAL_SERVER_DIR: serverDir,
            };
          },
        });
      }
    }
    const results: string[] = [];
    let failed = false;
    for (const each of passes) {
      if (interrupted) break;
      console.log(`\n# pass: ${each.name} (${each.files.length} files)\n`);
      const env = await each.env();
      const started = Date.now();
      const { code } = await run(
        each.node?.bin ?? process.execPath,
        [
          '--import',
          'tsx',
          '--test',
          `--test-concurrency=${each.concurrency ?? 2}`,
          '--test-reporter=spec',
          ...each.files,
        ],
        { env, ...(each.node && { cwd: each.node.tree }) },
      );
      failed ||= code !== 0;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      results.push(`# ${each.name}: ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${seconds} s`);
    }
    console.log(`\n${results.join('\n')}`);
    if (interrupted) return 130;
    return failed ? 1 : 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
