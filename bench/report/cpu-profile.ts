// Where a service process's CPU went, from its `node --cpu-prof` profile: self time by area and by function.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame belongs to, by its script. Order matters: the first match wins. */
const areas: [string, (url: string, name: string) => boolean][] = [
  ['idle', (_, name) => name === '(idle)'],
  ['garbage collection', (_, name) => name === '(garbage collector)'],
  ['native / program', (_, name) => name === '(program)' || name === '(root)'],
  ['workflow bundle (sandbox, incl. SDK workflow lib)', (url) => url.includes('workflow-bundle')],
  ['Temporal SDK', (url) => url.includes('/@temporalio/')],
  ['database (kysely, better-sqlite3)', (url) => /\/(kysely|better-sqlite3)\//.test(url)],
  [
    'HTTP (express, helmet, body parsing)',
    (url) => /\/(express|router|body-parser|helmet|raw-body|iconv-lite|qs|send|finalhandler)\//.test(url),
  ],
  ['validation (zod)', (url) => url.includes('/zod/')],
  ['logging (pino)', (url) => url.includes('/pino')],
  ['protobuf / gRPC', (url) => /\/(protobufjs|@grpc|long)\//.test(url)],
  ['tsx loader', (url) => url.includes('/tsx/') || url.includes('/esbuild/')],
  ['other dependencies', (url) => url.includes('/node_modules/')],
  ['node core', (url) => url.startsWith('node:') || url === ''],
  ['service code', () => true],
];

const areaOf = (frame: ProfileNode['callFrame']) =>
  (areas.find(([, test]) => test(frame.url, frame.functionName)) as [string, unknown])[0];

export interface ProfileSummary {
  process: string;
  busyMs: number;
  areas: { area: string; ms: number; share: number }[];
  functions: { name: string; ms: number; share: number }[];
}

export function summarizeProfile(file: string, processName: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const areaMs = new Map<string, number>();
  const functionMs = new Map<string, number>();
  for (const [id, spent] of selfMs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    const area = areaOf(frame);
    areaMs.set(area, (areaMs.get(area) ?? 0) + spent);
    if (area === 'idle') continue;
    const where = frame.url ? `${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    functionMs.set(name, (functionMs.get(name) ?? 0) + spent);
  }
  const busyMs = [...areaMs].filter(([area]) => area !== 'idle').reduce((sum, [, spent]) => sum + spent, 0);
  const ranked = (entries: Map<string, number>) =>
    [...entries].filter(([key]) => key !== 'idle').sort((a, b) => b[1] - a[1]);
  return {
    process: processName,
    busyMs,
    areas: ranked(areaMs).map(([area, spent]) => ({ area, ms: spent, share: spent / busyMs })),
    functions: ranked(functionMs)
      .slice(0, top)
      .map(([name, spent]) => ({ name, ms: spent, share: spent / busyMs })),
  };
}

/**
 * One summary per busy thread of each service process: `dir` holds a directory per process, with a profile per
 * thread (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`): the main thread is 0; the worker runs workflow code
 * in a thread of its own, and tsx's module loader has one too.
 */
export function summarizeProfiles(dir: string, minBusyMs = 500): ProfileSummary[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const processDir = path.join(dir, entry.name);
      return readdirSync(processDir)
        .filter((name) => name.endsWith('.cpuprofile'))
        .sort()
        .map((name) => {
          const thread = name.split('.')[4];
          const label = `${entry.name} ${thread === '0' ? 'main thread' : `thread ${thread}`}`;
          return summarizeProfile(path.join(processDir, name), label);
        })
        .filter((summary) => summary.busyMs >= minBusyMs);
    });
}

export function renderProfile(summary: ProfileSummary): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  return [
    `CPU profile, ${summary.process}: ${(summary.busyMs / 1000).toFixed(1)} s busy`,
    ...summary.areas.map((entry) => `  ${pct(entry.share)}  ${entry.area}`),
    '  top functions (self time):',
    ...summary.functions.map((entry) => `  ${pct(entry.share)}  ${entry.name}`),
  ].join('\n');
}
