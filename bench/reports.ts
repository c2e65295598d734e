// How long the reports and the routing search take over a year of routings (a million by default), on SQLite and on
// PostgreSQL, and whether both databases give the same answers. Standalone: it writes the rows straight into a
// fresh database of each kind (through the service's migrations) without Temporal.
//
//   node --import tsx bench/reports.ts    # 1,000,000 routings; BENCH_REPORT_ROUTINGS=N for another size,
//                                         # BENCH_REPORT_DATABASES=sqlite or postgres for one database only
//
// PostgreSQL: BENCH_POSTGRES_URL (or TEST_POSTGRES_URL), a server where it may create and drop a database; without
// either it starts a throwaway one with scripts/postgres.sh.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import { Client } from 'pg';
import { type DatabaseConfig, type Db, isPostgres, openDatabase } from '../store/database';
import { startedAt } from '../store/report-facts';
import { firstOfferShares, outcomesReport, repOffers, speedToLead } from '../store/reports';
import { searchRoutings } from '../store/routing-search';
import type { OffersTable, ReportFirstOffersTable, ReportRoutingsTable, RoutingsTable } from '../store/schema';
import { seededRandom } from '../test/support/seeded-random';

const ROUTINGS = Number(process.env.BENCH_REPORT_ROUTINGS ?? 1_000_000);
/** `sqlite`, `postgres` or both (the default; only then are the answers compared). */
const only = new Set((process.env.BENCH_REPORT_DATABASES ?? 'sqlite,postgres').split(','));
const YEAR_START = Date.parse('2026-01-01T00:00:00.000Z');
const YEAR_MS = 365 * 86_400_000;
const RULES = 20;
const REPS = 50;
const ROWS_PER_INSERT = 500;
const log = (message: string) => process.stderr.write(`[reports bench] ${message}\n`);

const outcomeWeights: [string, number][] = [
  ['connected', 0.6],
  ['meeting_booker', 0.15],
  ['cancelled', 0.08],
  ['no_rep', 0.05],
  ['expired', 0.05],
  ['superseded', 0.04],
  ['no_match', 0.03],
];

interface Batch {
  routings: Insertable<RoutingsTable>[];
  offers: Insertable<OffersTable>[];
  /** The reports' rows, as store/report-facts.ts writes them with the routing's. */
  reportRoutings: Insertable<ReportRoutingsTable>[];
  reportFirstOffers: Insertable<ReportFirstOffersTable>[];
}

/** Routings `from` to `to` (exclusive): spread over the year, 20 rules (even ones first available, odd round robin). */
function generate(from: number, to: number): Batch {
  const batch: Batch = { routings: [], offers: [], reportRoutings: [], reportFirstOffers: [] };
  for (let i = from; i < to; i++) {
    const next = seededRandom(i + 1);
    const routingId = `r${String(i).padStart(8, '0')}`;
    const startedMs = YEAR_START + Math.floor((i / ROUTINGS) * YEAR_MS);
    const iso = (ms: number) => new Date(startedMs + ms).toISOString();
    let pick = next();
    let status = 'connected';
    for (const [outcome, weight] of outcomeWeights) {
      if (pick < weight) {
        status = outcome;
        break;
      }
      pick -= weight;
    }
    const type = next() < 0.7 ? 'inbound' : 'pounce';
    const visitor = { id: `v${i % 400_000}`, email: `visitor${i % 400_000}@example.test` };
    const rule = Math.floor(next() * RULES);
    const ruleId = status === 'no_match' ? null : `rule-${rule}`;
    const offered = ruleId !== null && status !== 'no_rep';
    const eligible = 2 + Math.floor(next() * 4);
    const firstOfferMs = offered ? 20 + Math.floor(next() * 3000) : null;
    const team = Array.from({ length: eligible }, (_, k) => `rep-${(rule * 3 + k) % REPS}`);
    const roundRobin = rule % 2 === 1;
    const offeredReps = offered ? (roundRobin ? team.slice(0, 1 + Math.floor(next() * 2)) : team) : [];
    const connected = status === 'connected' && offeredReps.length > 0;
    const acceptMs = connected && firstOfferMs !== null ? firstOfferMs + 500 + Math.floor(next() * 60_000) : null;
    const winner = connected ? offeredReps.at(-1) : undefined;
    const endMs = acceptMs ?? (firstOfferMs ?? 0) + 60_000;
    batch.routings.push({
      routing_id: routingId,
      type,
      visitor_id: visitor.id,
      visitor: JSON.stringify(visitor),
      visitor_email: visitor.email,
      status,
      rule_id: ruleId,
      rep_id: winner ?? null,
      started_at: iso(0),
      ended_at: iso(endMs),
      first_offer_at: firstOfferMs === null ? null : iso(firstOfferMs),
      first_offer_ms: firstOfferMs,
      first_offer_eligible: offered ? eligible : null,
      accepted_at: acceptMs === null ? null : iso(acceptMs),
      accept_ms: acceptMs,
    });
    batch.reportRoutings.push({
      routing_id: routingId,
      ...startedAt(iso(0)),
      type,
      rule_id: ruleId,
      status,
      rep_id: winner ?? null,
      first_offer_ms: firstOfferMs,
      accept_ms: acceptMs,
    });
    // The first offer: the first rep in round robin, everyone in first available.
    for (const repId of roundRobin ? offeredReps.slice(0, 1) : offeredReps) {
      const reps = roundRobin ? 1 : offeredReps.length;
      const fact = { routing_id: routingId, rep_id: repId, started_ms: startedMs, type, stage: 'route_to' };
      batch.reportFirstOffers.push({ ...fact, rule_id: ruleId as string, reps, eligible });
    }
    offeredReps.forEach((repId, turn) => {
      // Round robin offers one rep at a time, 30 s apart; first available everyone at once.
      const offeredMs = (firstOfferMs ?? 0) + (roundRobin ? turn * 30_000 : 0);
      const result =
        repId === winner ? 'accepted' : roundRobin ? (next() < 0.5 ? 'declined' : 'timed_out') : 'withdrawn';
      batch.offers.push({
        routing_id: routingId,
        rep_id: repId,
        routing_type: type,
        rule_id: ruleId as string,
        stage: 'route_to',
        offered_at: iso(offeredMs),
        expires_at: iso(offeredMs + 30_000),
        ended_at: iso(repId === winner ? (acceptMs as number) : offeredMs + 30_000),
        result,
      });
    });
  }
  return batch;
}

async function fill(db: Db): Promise<void> {
  const started = Date.now();
  const perTransaction = 20_000;
  for (let from = 0; from < ROUTINGS; from += perTransaction) {
    const batch = generate(from, Math.min(ROUTINGS, from + perTransaction));
    await db.transaction().execute(async (tx) => {
      const tables = [
        ['routings', batch.routings],
        ['offers', batch.offers],
        ['report_routings', batch.reportRoutings],
        ['report_first_offers', batch.reportFirstOffers],
      ] as const;
      for (const [table, rows] of tables) {
        for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
          await tx
            .insertInto(table)
            .values(rows.slice(at, at + ROWS_PER_INSERT) as never)
            .execute();
        }
      }
    });
    if ((from / perTransaction) % 10 === 0) log(`  ${from + batch.routings.length} routings written`);
  }
  log(`  filled in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Best of two runs (the first warms the cache), in ms, and the answer (the same each time). */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; answer: T }> {
  let best = Number.POSITIVE_INFINITY;
  let answer: T | undefined;
  for (let run = 0; run < 2; run++) {
    const start = performance.now();
    answer = await work();
    best = Math.min(best, performance.now() - start);
  }
  return { ms: Math.round(best), answer: answer as T };
}

const year = { since: new Date(YEAR_START).toISOString(), until: new Date(YEAR_START + YEAR_MS).toISOString() };
const month = { since: '2026-06-01T00:00:00.000Z', until: '2026-07-01T00:00:00.000Z' };

const measures: [string, (db: Db) => Promise<unknown>][] = [
  ['speed to lead, year by day', (db) => speedToLead(db, year, 'day')],
  ['speed to lead, year by rule', (db) => speedToLead(db, year, 'rule')],
  ['speed to lead, month by hour', (db) => speedToLead(db, month, 'hour')],
  ['speed to lead, year by rep, one rule', (db) => speedToLead(db, { ...year, ruleId: 'rule-3' }, 'rep')],
  ['outcomes, year by rule', (db) => outcomesReport(db, year, 'rule')],
  ['outcomes, year by day', (db) => outcomesReport(db, year, 'day')],
  ['reps, year', (db) => repOffers(db, year)],
  ['first-offer shares, year', (db) => firstOfferShares(db, year)],
  ['first-offer shares, month', (db) => firstOfferShares(db, month)],
  ['search, first page', (db) => searchRoutings(db, {}, { limit: 50 })],
  [
    'search, page 2 of a rep in a month',
    async (db) => {
      const first = await searchRoutings(db, { ...month, repId: 'rep-7' }, { limit: 50 });
      return searchRoutings(db, { ...month, repId: 'rep-7' }, { limit: 50, ...(first.next && { after: first.next }) });
    },
  ],
  ['search, by visitor email', (db) => searchRoutings(db, { visitorEmail: 'visitor1234@example.test' }, { limit: 50 })],
];

async function measure(kind: string, config: DatabaseConfig): Promise<Map<string, { ms: number; answer: unknown }>> {
  log(`${kind}: ${ROUTINGS.toLocaleString('en')} routings`);
  const db = await openDatabase(config);
  const results = new Map<string, { ms: number; answer: unknown }>();
  try {
    await fill(db);
    // As autovacuum would in time: fresh statistics, and PostgreSQL's visibility map for index-only scans.
    await (isPostgres(db) ? sql`vacuum analyze` : sql`analyze`).execute(db);
    // The first pass after the bulk load left the offers' visibility map unset here (so no index-only scans); a
    // second sets it, as autovacuum's later passes do.
    if (isPostgres(db)) await sql`vacuum`.execute(db);
    for (const [name, work] of measures) {
      const result = await timed(() => work(db));
      log(`  ${name}: ${result.ms} ms`);
      results.set(name, result);
    }
  } finally {
    await db.destroy();
  }
  return results;
}

function postgresServer(): { url: string; stop?: () => void } {
  const given = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_POSTGRES_URL;
  if (given) return { url: given };
  const script = path.join(__dirname, '..', 'scripts', 'postgres.sh');
  const assignments = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  const value = (name: string) => assignments.match(new RegExp(`${name}=(\\S+)`))?.[1] as string;
  return {
    url: value('TEST_POSTGRES_URL'),
    stop: () => execFileSync('bash', [script, 'stop', value('TEST_POSTGRES_DIR')]),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'reports-bench-'));
  const server = postgresServer();
  const name = `reports_bench_${randomBytes(4).toString('hex')}`;
  const admin = async (statement: string) => {
    const client = new Client({ connectionString: server.url });
    await client.connect();
    await client.query(statement).finally(() => client.end());
  };
  try {
    const sqlite = only.has('sqlite')
      ? await measure('SQLite', { kind: 'sqlite', file: path.join(dir, 'routing.sqlite') })
      : new Map();
    await admin(`create database ${name}`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    const postgres = only.has('postgres')
      ? await measure('PostgreSQL', { kind: 'postgres', url: url.toString() })
      : new Map();
    const lines = [`${ROUTINGS.toLocaleString('en')} routings over 2026 | SQLite ms | PostgreSQL ms | same answer`];
    for (const [measureName] of measures) {
      const [a, b] = [sqlite.get(measureName), postgres.get(measureName)];
      const same = a && b ? (isDeepStrictEqual(a.answer, b.answer) ? 'yes' : 'NO') : 'not compared';
      lines.push(`${measureName} | ${a?.ms ?? '-'} | ${b?.ms ?? '-'} | ${same}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await admin(`drop database if exists ${name}`).catch(() => undefined);
    server.stop?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
