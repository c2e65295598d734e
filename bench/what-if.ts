// How fast a what-if replay goes: 100,000 recorded routings (BENCH_WHAT_IF_ROUTINGS) written straight into the
// store of a fresh service (worker and API processes on the embedded dev server, SQLite routing data), then replayed
// through POST /v1/rules/what-if: its workflow, its activities page by page, the result read over HTTP. The target is
// 100,000 within a minute.
//
//   node --import tsx bench/what-if.ts
import path from 'node:path';
import { openDatabase } from '../store/database';
import { seedRecordedRoutings, seedRules } from '../test/support/recorded-routings';
import { JsonHttp } from './driver/http';
import { startBenchService } from './service/start-service';

const ROUTINGS = Number(process.env.BENCH_WHAT_IF_ROUTINGS ?? 100_000);
const TARGET_SECONDS = 60;
const log = (message: string) => process.stderr.write(`[what-if bench] ${message}\n`);

interface Run {
  status: string;
  error: string | null;
  progress: { total: number | null; replayed: number };
  result?: { total: number; changed: number };
}

async function main() {
  const service = await startBenchService({ keepData: false, onCluster: false });
  try {
    const db = await openDatabase({ kind: 'sqlite', file: path.join(service.dataDir, 'routing.sqlite') });
    const seeding = Date.now();
    const rules = await seedRules(db, { segments: 20, reps: 50 });
    const start = new Date(Date.now() - ROUTINGS * 1000 - 60_000);
    await seedRecordedRoutings(db, rules, { count: ROUTINGS, start });
    await db.destroy();
    log(`seeded ${ROUTINGS} recorded routings in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

    const http = new JsonHttp(service.baseUrl, 4);
    const token = service.keys.adminKey;
    const began = performance.now();
    const started = await http.request<{ id: string }>('POST', '/v1/rules/what-if', token, {
      version: rules.version,
      since: start.toISOString(),
    });
    if (started.status !== 202) throw new Error(`what-if refused: ${JSON.stringify(started.body)}`);
    let run: Run;
    for (;;) {
      run = (await http.request<Run>('GET', `/v1/rules/what-if/${started.body.id}`, token)).body;
      if (run.status !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seconds = (performance.now() - began) / 1000;
    if (run.status !== 'done' || !run.result) throw new Error(`what-if ${run.status}: ${run.error}`);
    const rate = run.result.total / seconds;
    process.stdout.write(
      `what-if replay: ${run.result.total} routings in ${seconds.toFixed(1)} s, ${Math.round(rate)} routings/s ` +
        `(changed ${run.result.changed}, expected 0); target ${ROUTINGS} within ${TARGET_SECONDS} s: ` +
        `${seconds * (ROUTINGS / run.result.total) <= TARGET_SECONDS ? 'pass' : 'FAIL'}\n`,
    );
  } finally {
    await service.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
