// The one way to run a process of this project (the API, a worker, or the all-in-one service): from its sources,
// `node --import tsx <entry>` (the tests), or from the build as a deployment runs it, `node dist/<entry>.js` (after
// scripts/build.sh), and wait until its health endpoint answers 200. Used by the tests, the bench, the soak and
// `npm run start:cluster`.
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../runtime/project-root';

/** What it runs, the port variable its health endpoints are served on, and its entry point. */
const roles = {
  api: { entry: 'api/main.ts', portVariable: 'PORT' },
  worker: { entry: 'worker/main.ts', portVariable: 'METRICS_PORT' },
  'all-in-one': { entry: 'main.ts', portVariable: 'PORT' },
} as const;
export type ProjectRole = keyof typeof roles;

export interface ProjectProcessOptions {
  role: ProjectRole;
  /**
   * `sources` (the default): the TypeScript through tsx, as the tests run it; `build`: the compiled entry in dist/
   * and the workflow bundle built with it (build it first: scripts/build.sh --if-stale).
   */
  code?: 'sources' | 'build';
  /** Another entry point playing that role (e.g. a test's instrumented worker); by default the role's own. */
  entry?: string;
  /** Its health port (the API's PORT, the worker's METRICS_PORT): set in its environment, and where it is probed. */
  port?: number;
  /** Added to this process's environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Where its stdout goes (its JSON log lines): nowhere by default, or piped to read, or this process's stderr. */
  stdout?: 'ignore' | 'inherit' | 'pipe' | 'stderr';
  stderr?: 'inherit' | 'ignore';
  /** Node options before the entry, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** The health endpoint waited for: /readyz (database and Temporal answer; a worker polls) by default. */
  health?: '/readyz' | '/livez';
}

export interface ProjectProcess {
  child: ChildProcess;
  pid: number;
  /** http://127.0.0.1:<port>, if it was given one. */
  url: string | undefined;
  exited: Promise<number | null>;
  /**
   * Resolves once its health endpoint answers 200; rejects if it exits first or after `timeoutMs` (2 minutes by
   * default: a worker bundles its workflow code first, which takes most of a minute on a busy 2-core machine).
   */
  healthy(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and awaits the exit; SIGKILL after `forceAfterMs`, if given. */
  stop(options?: { signal?: NodeJS.Signals; forceAfterMs?: number }): Promise<number | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Processes still running when this one exits are killed: none outlives a test run, the bench or the soak. */
const running = new Set<ChildProcess>();
let killOnExitInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (killOnExitInstalled) return;
  killOnExitInstalled = true;
  process.once('exit', () => {
    for (const left of running) left.kill('SIGKILL');
  });
}

/** Starts the process and returns at once; `healthy()` waits for it. */
export function spawnProjectProcess(options: ProjectProcessOptions): ProjectProcess {
  const role = roles[options.role];
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  if (options.port !== undefined) env[role.portVariable] = String(options.port);
  const stdout = options.stdout === 'stderr' ? 2 : (options.stdout ?? 'ignore');
  const stdio: StdioOptions = ['ignore', stdout, options.stderr ?? 'inherit'];
  const entry = options.entry ?? role.entry;
  if (options.code === 'build' && options.entry) throw new Error(`${entry}: only a role's own entry is built`);
  const args = [
    ...(options.nodeArgs ?? []),
    ...(options.code === 'build'
      ? ['--enable-source-maps', path.join('dist', entry.replace(/\.ts$/, '.js'))]
      : ['--import', 'tsx', entry]),
  ];
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio });
  killOnExit(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = options.port === undefined ? undefined : `http://127.0.0.1:${options.port}`;

  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  return {
    child,
    pid: child.pid as number,
    url,
    exited,
    async healthy(timeoutMs = 120_000) {
      if (!url) throw new Error(`${entry}: no port given, so no health endpoint to wait for`);
      const probe = `${url}${options.health ?? '/readyz'}`;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (hasExited())
          throw new Error(`${entry}: exited (${child.exitCode ?? child.signalCode}) before ${probe} answered`);
        const response = await fetch(probe).catch(() => undefined);
        await response?.body?.cancel();
        if (response?.ok) return;
        if (Date.now() > deadline) throw new Error(`${entry}: ${probe} did not answer 200 within ${timeoutMs} ms`);
        await sleep(100);
      }
    },
    async stop({ signal = 'SIGTERM', forceAfterMs } = {}) {
      if (!hasExited()) child.kill(signal);
      if (forceAfterMs !== undefined) {
        const forced = setTimeout(() => hasExited() || child.kill('SIGKILL'), forceAfterMs);
        const code = await exited;
        clearTimeout(forced);
        return code;
      }
      return exited;
    },
  };
}

/** Starts the process and waits until it is healthy; stops it again if it never gets there. */
export async function startProjectProcess(
  options: ProjectProcessOptions & { port: number; timeoutMs?: number },
): Promise<ProjectProcess> {
  const started = spawnProjectProcess(options);
  try {
    await started.healthy(options.timeoutMs);
  } catch (error) {
    await started.stop({ signal: 'SIGKILL' });
    throw error;
  }
  return started;
}
