// Figure 7: resident memory of the worker process, the API process and Temporal (the dev server, or the sum over the
// cluster's service processes) with many routings open and their offers standing.
import { readFileSync } from 'node:fs';
import type { BenchContext } from '../context';
import { type Opened, openRoutings } from './open-routings';

export interface ProcessMemory {
  rssMiB: number;
  peakRssMiB: number;
  /** The process's own account (V8 heap and external, from its /metrics); absent for Temporal. */
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
export function procMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/** One series of a process's Prometheus default metrics, e.g. nodejs_heap_size_used_bytes. */
function gauge(metrics: string, name: string): number {
  return Number(metrics.match(new RegExp(`^${name} (\\S+)`, 'm'))?.[1] ?? Number.NaN);
}

export async function serviceMemory(service: BenchContext['service']['worker']): Promise<ProcessMemory> {
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  return {
    ...procMemory(service.pid),
    heapUsedMiB: gauge(metrics, 'nodejs_heap_size_used_bytes') / MiB,
    externalMiB: gauge(metrics, 'nodejs_external_memory_bytes') / MiB,
  };
}

/** Temporal's memory: the dev server's, or the sum over the cluster's services (each peak its own). */
export function temporalMemory(service: BenchContext['service']): ProcessMemory {
  const each = service.temporalProcesses().map(({ name, pid }) => {
    if (pid === undefined) throw new Error(`${name} is not running`);
    return procMemory(pid);
  });
  return {
    rssMiB: each.reduce((sum, memory) => sum + memory.rssMiB, 0),
    peakRssMiB: each.reduce((sum, memory) => sum + memory.peakRssMiB, 0),
  };
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
      temporal: temporalMemory(ctx.service),
    });
  }
  return { maxCachedWorkflows: ctx.service.maxCachedWorkflows, levels };
}
