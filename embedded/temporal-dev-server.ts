// Runs the Temporal CLI's dev server as a child process: the embedded default, and the test suite's server.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { isAlive } from '../runtime/pids';
import { routingSearchAttributes } from '../workflows/search-attributes';

/** The CLI's spelling of each search attribute type. */
const cliType: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

export interface DevServerOptions {
  cliPath: string;
  port: number;
  /** Web UI port; omit to run headless. */
  uiPort?: number;
  /** SQLite file for durable state; omit to keep everything in memory. */
  dbFile?: string;
  namespace?: string;
  /** Records the server's pid so a later start can stop a server orphaned by a crash. */
  pidFile?: string;
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a dev server left running by an earlier process that was killed before it could stop it. */
async function stopOrphan(pidFile: string): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return; // not Linux, or already gone: leave it to the port check
  }
  if (!cmdline.includes('start-dev')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
}

async function waitUntilServing(address: string, namespace: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await sleep(200);
    }
  }
  throw new Error(`temporal dev server at ${address} not ready after ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const namespace = options.namespace ?? 'default';
  if (options.pidFile) await stopOrphan(options.pidFile);
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port), '--namespace', namespace];
  args.push('--log-level', 'error', '--log-format', 'json');
  // Off by default in the server: with it, the activity that shows a new offer comes back in the response to the
  // workflow task that scheduled it, instead of waiting for a poll (see README, "Running at scale").
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  for (const key of routingSearchAttributes) args.push('--search-attribute', `${key.name}=${cliType[key.type]}`);
  if (options.dbFile) {
    // Write-ahead log, synced at checkpoints rather than on every commit: a killed server loses nothing, only a
    // power cut can lose the last commits. The server's default (a rollback journal synced on every commit) made
    // disk syncs the limit on how many workflow tasks it completes per second.
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=wal',
      '--sqlite-pragma',
      'synchronous=normal',
    );
  }
  if (options.uiPort !== undefined) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  // Updates are on by default in this server version; the accept/decline/cancel messages rely on them.
  // Own process group: a Ctrl-C reaches us first, so the worker stops before its server does.
  const child = spawn(options.cliPath, args, { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (options.pidFile && child.pid) writeFileSync(options.pidFile, String(child.pid));
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('exit', kill); // never leave an orphan behind on an unexpected exit
  const address = `127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(address, namespace, child, options.readyTimeoutMs ?? 60_000);
  } catch (error) {
    kill();
    throw error;
  }
  return {
    address,
    async stop() {
      process.off('exit', kill);
      kill();
      const timeout = sleep(10_000).then(() => child.exitCode === null && child.kill('SIGKILL'));
      await Promise.race([exited, timeout]);
      if (options.pidFile) rmSync(options.pidFile, { force: true });
    },
  };
}
