// Project processes (api/main.ts, worker/main.ts) run as a deployment runs them, for tests that need real separate
// processes, and a wait for each to be healthy.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { eventually } from './fixtures';

const root = path.resolve(__dirname, '..', '..');

export interface ProjectProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** SIGTERM, and the exit awaited. */
  stop(): Promise<void>;
}

export function spawnProjectProcess(entry: string, env: Record<string, string>): ProjectProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Resolves once `url` answers 200; fails if the process exits first or after `timeoutMs`. */
export function waitHealthy(process: ProjectProcess, url: string, timeoutMs = 60_000): Promise<true> {
  return eventually(async () => {
    if (process.child.exitCode !== null) throw new Error(`${url}: the process exited (${process.child.exitCode})`);
    const response = await fetch(url).catch(() => undefined);
    return response?.ok ? true : undefined;
  }, timeoutMs);
}
