// Figure 7: resident memory of the worker process, the API process and the Temporal dev server with many routings
// open and their offers standing.
import { readFileSync } from 'node:fs';
import type { BenchContext } from '../context';
import { type Opened, openRoutings } from './open-routings';

export interface ProcessMemory {
  rssMiB: number;
  peakRssMiB: number;
  /** The process's own account (V8 heap and external); absent for the dev server. */
  heapUsedMiB?: number;
  externalMiB?: number;
}

export interface MemoryLevel {
  openRoutings: number;
  openedMs: number;
  worker: ProcessMemory;
  api: ProcessMemory;
  temporal: ProcessMemory;
}

export interface MemoryResult {
  maxCachedWorkflows: number | undefined;
  levels: MemoryLevel[];
}

const MiB = 1024 * 1024;

/** VmRSS and VmHWM from /proc (Linux). */
function procMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

async function serviceMemory(child: BenchContext['service']['worker']): Promise<ProcessMemory> {
  const own = await child.memoryUsage();
  return { ...procMemory(child.pid), heapUsedMiB: own.heapUsed / MiB, externalMiB: own.external / MiB };
}

/** Opens routings up to each level in turn (counting those already open) and reads memory at each. */
export async function measureMemory(ctx: BenchContext, alreadyOpen: number): Promise<MemoryResult> {
  const levels: MemoryLevel[] = [];
  let open = alreadyOpen;
  for (const level of [...ctx.config.openRoutings].sort((a, b) => a - b)) {
    let opened: Opened | undefined;
    if (level > open) {
      ctx.log(`memory: opening ${level - open} more routings, to ${level}`);
      opened = await openRoutings(ctx, level - open, level);
      open = level;
    }
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // let the last tasks and writes finish
    levels.push({
      openRoutings: open,
      openedMs: opened?.allOfferedMs ?? 0,
      worker: await serviceMemory(ctx.service.worker),
      api: await serviceMemory(ctx.service.api),
      temporal: procMemory(ctx.service.temporalPid),
    });
  }
  return { maxCachedWorkflows: ctx.service.worker.ready.maxCachedWorkflows, levels };
}
