// Reports on how routing is going, computed by the database from narrow rows kept for them (store/report-facts.ts)
// and, for the reps report, the offers. Each is one or a few aggregate statements over a window of routings' starts (of
// offers' times for the reps report), and gives the same answers on SQLite and PostgreSQL: delays are whole
// milliseconds, percentiles interpolate linearly between the two nearest values (percentile_cont on both), and
// ratios are rounded to 6 decimals.
import { type RawBuilder, sql } from 'kysely';
import { type Db, isPostgres } from './database';

/** Which routings (or offers) a report covers. */
export interface ReportFilter {
  /** Started (offered) at or after this instant, ISO 8601 in UTC. */
  since: string;
  /** Started (offered) before this instant. */
  until: string;
  ruleId?: string;
  type?: string;
}

/** What the rows of a report over routings are keyed by: their start's UTC day or hour, their rule, or their rep. */
export type Grouping = 'day' | 'hour' | 'rule' | 'rep';

export const outcomes = [
  'connected',
  'meeting_booker',
  'no_rep',
  'no_match',
  'expired',
  'cancelled',
  'superseded',
] as const;
export type ReportedOutcome = (typeof outcomes)[number];

export interface Delays {
  /** Routings with this delay. */
  count: number;
  /** Milliseconds; null when count is 0. */
  medianMs: number | null;
  p90Ms: number | null;
}

export interface SpeedToLeadRow {
  /** The UTC day's or hour's start (ISO 8601), the rule id or the rep id; null for routings with no rule or rep. */
  key: string | null;
  routings: number;
  /** From the routing's start to its first offer. */
  toFirstOffer: Delays;
  /** From the routing's start to a rep's accept. */
  toAccept: Delays;
}

export interface OutcomesRow {
  key: string | null;
  routings: number;
  /** Still routing. */
  open: number;
  outcomes: Record<ReportedOutcome, number>;
}

export interface RepOffersRow {
  repId: string;
  offered: number;
  accepted: number;
  declined: number;
  timedOut: number;
  withdrawn: number;
  pending: number;
}

export interface FirstOfferShareRow {
  ruleId: string;
  stage: string;
  repId: string;
  /** Routings whose first offer (in this rule and stage) went to this rep, alone or with others. */
  firstOffers: number;
  /** Routings whose first offer was made in this rule and stage. */
  routings: number;
  /** This rep's part of those first offers: each routing's first offer split evenly among the reps it went to. */
  share: number;
  /** What an even split among the reps eligible would give: the mean of 1 / (reps eligible) over those routings. */
  fairShare: number;
}

const DAY_MS = 86_400_000;
const bucketMs: Record<'day' | 'hour', number> = { day: DAY_MS, hour: 3_600_000 };

/**
 * A routing's grouping key: its start's UTC day or hour (numbered from the epoch), its rule or its rep; and what to
 * group by for it. Days and hours are grouped in the order of report_routings_by_start, (day, hour, ...), so the
 * database reads a year in order with no sort.
 */
function keyOf(grouping: Grouping): {
  key: RawBuilder<string | number | null>;
  groupBy: RawBuilder<unknown>;
  /** Whether to narrow the window by day: not when grouping by rule, read in report_routings_by_rule's order. */
  byDay: boolean;
} {
  switch (grouping) {
    case 'day':
      return { key: sql`day`, groupBy: sql`day`, byDay: true };
    case 'hour':
      return { key: sql`hour`, groupBy: sql`day, hour`, byDay: true };
    case 'rule':
      return { key: sql`rule_id`, groupBy: sql`rule_id`, byDay: false };
    case 'rep':
      return { key: sql`rep_id`, groupBy: sql`rep_id`, byDay: true };
  }
}

/** A day's or hour's start as ISO 8601 (`2026-12-03T00:00:00.000Z`), or the rule or rep id. */
function presentKey(grouping: Grouping, key: string | number | null): string | null {
  if (key === null) return null;
  return grouping === 'day' || grouping === 'hour'
    ? new Date(Number(key) * bucketMs[grouping]).toISOString()
    : String(key);
}

/** The facts a filter covers: started in the window (and, for routings, on the days it spans), of its rule and type. */
function startedIn(filter: ReportFilter, { byDay }: { byDay: boolean }): RawBuilder<boolean> {
  const [since, until] = [Date.parse(filter.since), Date.parse(filter.until)];
  const conditions = [sql`started_ms >= ${since}`, sql`started_ms < ${until}`];
  // The days first: the index's leading column, which the window's instants alone would not narrow.
  if (byDay)
    conditions.unshift(sql`day >= ${Math.floor(since / DAY_MS)}`, sql`day <= ${Math.floor((until - 1) / DAY_MS)}`);
  if (filter.ruleId !== undefined) conditions.push(sql`rule_id = ${filter.ruleId}`);
  if (filter.type !== undefined) conditions.push(sql`type = ${filter.type}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/**
 * Runs a report's statements with PostgreSQL's JIT compilation off: compiling a year's aggregate (its cost estimate is
 * above jit_above_cost) took longer than running it, up to half a second on the reps report. SQLite has none.
 */
async function withoutJit<T>(db: Db, report: (db: Db) => Promise<T>): Promise<T> {
  if (!isPostgres(db)) return report(db);
  return db.transaction().execute(async (tx) => {
    await sql`set local jit = off`.execute(tx);
    return report(tx);
  });
}

const count = (value: unknown) => Number(value ?? 0);
const ratio = (value: number) => Math.round(value * 1e6) / 1e6;
/** Byte order (code units), nulls last. */
const byteCompare = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
const byKey = <T extends { key: string | null }>(a: T, b: T) => byteCompare(a.key, b.key);

/**
 * The `p` percentile of a column over a group's rows that have it, interpolated linearly: PostgreSQL's ordered-set
 * aggregate, and SQLite's own percentile_cont(Y, P) (built in since 3.47 with SQLITE_ENABLE_PERCENTILE, as in the
 * SQLite better-sqlite3 ships), which computes the same.
 */
function percentile(db: Db, column: string, p: number): RawBuilder<number | string | null> {
  return isPostgres(db)
    ? sql`percentile_cont(${sql.lit(p)}) within group (order by ${sql.ref(column)})`
    : sql`percentile_cont(${sql.ref(column)}, ${sql.lit(p)})`;
}

/** Whole milliseconds in, so anything past 3 decimals is floating-point noise that may differ between databases. */
const millis = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 1000) / 1000);

/** How fast visitors reach a rep: time to the first offer and to an accept, per day, hour, rule or assigned rep. */
async function speedToLeadOf(db: Db, filter: ReportFilter, grouping: Grouping): Promise<SpeedToLeadRow[]> {
  const { key, groupBy, byDay } = keyOf(grouping);
  type Count = number | string;
  type Value = number | string | null;
  const result = await sql<{
    group_key: string | number | null;
    n: Count;
    offered: Count;
    offer_p50: Value;
    offer_p90: Value;
    accepted: Count;
    accept_p50: Value;
    accept_p90: Value;
  }>`select ${key} as group_key, count(*) as n,
      count(first_offer_ms) as offered, ${percentile(db, 'first_offer_ms', 0.5)} as offer_p50,
      ${percentile(db, 'first_offer_ms', 0.9)} as offer_p90,
      count(accept_ms) as accepted, ${percentile(db, 'accept_ms', 0.5)} as accept_p50,
      ${percentile(db, 'accept_ms', 0.9)} as accept_p90
    from report_routings where ${startedIn(filter, { byDay })} group by ${groupBy}`.execute(db);
  return result.rows
    .map((row) => ({
      key: presentKey(grouping, row.group_key),
      routings: count(row.n),
      toFirstOffer: { count: count(row.offered), medianMs: millis(row.offer_p50), p90Ms: millis(row.offer_p90) },
      toAccept: { count: count(row.accepted), medianMs: millis(row.accept_p50), p90Ms: millis(row.accept_p90) },
    }))
    .sort(byKey);
}

/** How routings ended, per day, hour, rule or assigned rep: one count per outcome, so rows group by the key alone. */
async function outcomesReportOf(db: Db, filter: ReportFilter, grouping: Grouping): Promise<OutcomesRow[]> {
  const { key, groupBy, byDay } = keyOf(grouping);
  const counted = (status: string) => sql`sum(case when status = ${sql.lit(status)} then 1 else 0 end)`;
  const result = await sql<Record<string, string | number | null>>`select ${key} as group_key, count(*) as n,
      ${counted('routing')} as open, ${sql.join(outcomes.map((outcome) => sql`${counted(outcome)} as ${sql.ref(outcome)}`))}
    from report_routings where ${startedIn(filter, { byDay })} group by ${groupBy}`.execute(db);
  return result.rows
    .map((row) => ({
      key: presentKey(grouping, row.group_key as string | number | null),
      routings: count(row.n),
      open: count(row.open),
      outcomes: Object.fromEntries(outcomes.map((outcome) => [outcome, count(row[outcome])])) as Record<
        ReportedOutcome,
        number
      >,
    }))
    .sort(byKey);
}

const offerResults: Record<string, keyof Omit<RepOffersRow, 'repId' | 'offered'>> = {
  accepted: 'accepted',
  declined: 'declined',
  timed_out: 'timedOut',
  withdrawn: 'withdrawn',
  pending: 'pending',
};

/**
 * Each rep's offers made in the window (by when they were made), by how they ended. One count per rep and result over
 * an index range (offers_by_rep_result), the reps found by skipping from one to the next in that index: no sort of the
 * window's offers, which SQLite's GROUP BY would need.
 */
async function repOffersOf(db: Db, filter: ReportFilter): Promise<RepOffersRow[]> {
  const conditions = [sql`o.offered_at >= ${filter.since}`, sql`o.offered_at < ${filter.until}`];
  if (filter.ruleId !== undefined) conditions.push(sql`o.rule_id = ${filter.ruleId}`);
  if (filter.type !== undefined) conditions.push(sql`o.routing_type = ${filter.type}`);
  const results = sql.join(
    Object.keys(offerResults).map((result) => sql`select ${sql.lit(result)} as result`),
    sql` union all `,
  );
  const counted = await sql<{ rep_id: string; result: string; n: number | string }>`with recursive
      reps (rep_id) as (
        select min(rep_id) from offers
        union all
        select (select min(o.rep_id) from offers o where o.rep_id > reps.rep_id) from reps where reps.rep_id is not null
      ),
      results (result) as (${results})
    select reps.rep_id, results.result, (select count(*) from offers o
        where o.rep_id = reps.rep_id and o.result = results.result and ${sql.join(conditions, sql` and `)}) as n
    from reps cross join results where reps.rep_id is not null`.execute(db);
  const reps = new Map<string, RepOffersRow>();
  for (const { rep_id, result, n } of counted.rows) {
    if (count(n) === 0) continue;
    let row = reps.get(rep_id);
    if (!row) {
      row = { repId: rep_id, offered: 0, accepted: 0, declined: 0, timedOut: 0, withdrawn: 0, pending: 0 };
      reps.set(rep_id, row);
    }
    row.offered += count(n);
    const field = offerResults[result];
    if (field) row[field] += count(n);
  }
  return [...reps.values()].sort((a, b) => byteCompare(a.repId, b.repId));
}

/**
 * Each rep's share of first offers against their fair share, per rule and stage of the first offer. A routing's first
 * offers are those made when its first offer was (one rep in round robin, everyone eligible in first available), kept
 * with how many reps they went to and how many were eligible in that stage then (store/report-facts.ts). Routings
 * stored before that count was kept are left out.
 */
async function firstOfferSharesOf(db: Db, filter: ReportFilter): Promise<FirstOfferShareRow[]> {
  // Counted per rep and per how many reps the first offer went to (k) and were eligible (e), in the index's order
  // (report_first_offers_by_rep): no sort. Each routing's k rows carry 1/k each (they sum to 1 routing) and 1/(k·e)
  // each (they sum to its fair share); summed here from exact counts in one order, so both databases agree to the bit.
  const result = await sql<{
    rule_id: string;
    stage: string;
    rep_id: string;
    reps: number;
    eligible: number;
    n: number | string;
  }>`
    select rule_id, stage, rep_id, reps, eligible, count(*) as n
    from report_first_offers where ${startedIn(filter, { byDay: false })} group by rule_id, stage, rep_id, reps, eligible`.execute(
    db,
  );
  const counts = result.rows
    .map((row) => ({ ...row, n: count(row.n) }))
    .sort((a, b) => a.reps - b.reps || a.eligible - b.eligible);
  const reps = new Map<string, { ruleId: string; stage: string; repId: string; firstOffers: number; credit: number }>();
  const stages = new Map<string, { routings: number; fair: number }>();
  for (const row of counts) {
    const repKey = `${row.rule_id}\n${row.stage}\n${row.rep_id}`;
    const rep = reps.get(repKey) ?? {
      ruleId: row.rule_id,
      stage: row.stage,
      repId: row.rep_id,
      firstOffers: 0,
      credit: 0,
    };
    rep.firstOffers += row.n;
    rep.credit += row.n / row.reps;
    reps.set(repKey, rep);
    const stageKey = `${row.rule_id}\n${row.stage}`;
    const stage = stages.get(stageKey) ?? { routings: 0, fair: 0 };
    stage.routings += row.n / row.reps;
    stage.fair += row.n / (row.reps * row.eligible);
    stages.set(stageKey, stage);
  }
  return [...reps.values()]
    .map((rep) => {
      const stage = stages.get(`${rep.ruleId}\n${rep.stage}`) as { routings: number; fair: number };
      // A sum of 1/k over whole routings: an integer up to floating-point noise.
      const routings = Math.round(stage.routings);
      return {
        ruleId: rep.ruleId,
        stage: rep.stage,
        repId: rep.repId,
        firstOffers: rep.firstOffers,
        routings,
        share: ratio(rep.credit / routings),
        fairShare: ratio(stage.fair / routings),
      };
    })
    .sort((a, b) => byteCompare(a.ruleId, b.ruleId) || byteCompare(a.stage, b.stage) || byteCompare(a.repId, b.repId));
}

// The reports as the API calls them, each with JIT off (described above).
export const speedToLead = (db: Db, filter: ReportFilter, grouping: Grouping) =>
  withoutJit(db, (tx) => speedToLeadOf(tx, filter, grouping));
export const outcomesReport = (db: Db, filter: ReportFilter, grouping: Grouping) =>
  withoutJit(db, (tx) => outcomesReportOf(tx, filter, grouping));
export const repOffers = (db: Db, filter: ReportFilter) => withoutJit(db, (tx) => repOffersOf(tx, filter));
export const firstOfferShares = (db: Db, filter: ReportFilter) =>
  withoutJit(db, (tx) => firstOfferSharesOf(tx, filter));
