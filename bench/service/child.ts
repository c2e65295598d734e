// Starts one of the bench's service processes (`node --import tsx <script>`) and talks to it over IPC.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import type { ChildMessage, ReadyMessage, StatsRequest } from './messages';

const root = path.resolve(__dirname, '..', '..');

export interface ServiceChild {
  name: string;
  pid: number;
  ready: ReadyMessage;
  /** The process's own view of its memory (V8 heap, external, RSS). */
  memoryUsage(): Promise<NodeJS.MemoryUsage>;
  stop(): Promise<void>;
}

export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  cpuProfileDir?: string,
): Promise<ServiceChild> {
  // One directory per process: node writes a profile per thread (main, workflow thread, tsx's module loader).
  const profiling = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(cpuProfileDir, name)}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profiling, '--import', 'tsx', path.join(root, script)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => child.exitCode === null && child.kill('SIGKILL');
  process.once('exit', kill); // never leave a service process behind the bench, even one still starting
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after 60 s`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
  });

  return {
    name,
    pid: child.pid as number,
    ready,
    memoryUsage() {
      return new Promise((resolve) => {
        const onMessage = (message: ChildMessage) => {
          if (message.type !== 'stats') return;
          child.off('message', onMessage);
          resolve(message.memory);
        };
        child.on('message', onMessage);
        child.send({ type: 'stats' } satisfies StatsRequest);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 20_000).unref());
      await Promise.race([exited, timeout]);
      kill();
      process.off('exit', kill);
    },
  };
}
