// CPU time used by each process of the service under test (and by the bench itself), to see which one a load
// step's work lands on.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times: 100 on every common Linux build. */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds `pid` has used so far (Linux /proc). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at the state, field 3; utime and stime are 14, 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  worker: number;
  api: number;
  temporal: number;
  bench: number;
}

/** `temporal`: the dev server's pid, or each of the cluster's service processes', summed. */
export function cpuSnapshot(pids: { worker: number; api: number; temporal: number[] }): CpuSnapshot {
  const own = process.cpuUsage();
  return {
    worker: processCpuSeconds(pids.worker),
    api: processCpuSeconds(pids.api),
    temporal: pids.temporal.reduce((sum, pid) => sum + processCpuSeconds(pid), 0),
    bench: (own.user + own.system) / 1e6,
  };
}

/** CPU milliseconds per unit of work between two snapshots, per process. */
export function cpuMsPer(before: CpuSnapshot, after: CpuSnapshot, units: number): CpuSnapshot {
  const per = (key: keyof CpuSnapshot) => ((after[key] - before[key]) * 1000) / Math.max(1, units);
  return { worker: per('worker'), api: per('api'), temporal: per('temporal'), bench: per('bench') };
}
