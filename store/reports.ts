// Reports on how routing is going, computed by the database from the routing and offer rows (store/projection.ts
// writes the columns they read). Each is one or a few aggregate statements over a window of routings' starts (of
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

const bucketLength: Record<'day' | 'hour', number> = { day: 10, hour: 13 };
/** `2026-12-03` → `2026-12-03T00:00:00.000Z`; `2026-12-03T11` → `2026-12-03T11:00:00.000Z`. */
const bucketStart = (grouping: 'day' | 'hour', prefix: string) =>
  grouping === 'day' ? `${prefix}T00:00:00.000Z` : `${prefix}:00:00.000Z`;

/** The grouping key of a routing row. started_at is ISO 8601 in UTC, so a day or an hour is a prefix of it. */
function keyOf(grouping: Grouping): RawBuilder<string | null> {
  switch (grouping) {
    case 'day':
    case 'hour':
      return sql`substr(started_at, 1, ${sql.lit(bucketLength[grouping])})`;
    case 'rule':
      return sql`rule_id`;
    case 'rep':
      return sql`rep_id`;
  }
}

function presentKey(grouping: Grouping, key: string | null): string | null {
  return key !== null && (grouping === 'day' || grouping === 'hour') ? bucketStart(grouping, key) : key;
}

/** The routings a filter covers, as a condition on the routings table (optionally aliased). */
function routingsCovered(filter: ReportFilter, table?: string): RawBuilder<boolean> {
  const column = (name: string) => sql.ref(table ? `${table}.${name}` : name);
  const conditions = [sql`${column('started_at')} >= ${filter.since}`, sql`${column('started_at')} < ${filter.until}`];
  if (filter.ruleId !== undefined) conditions.push(sql`${column('rule_id')} = ${filter.ruleId}`);
  if (filter.type !== undefined) conditions.push(sql`${column('type')} = ${filter.type}`);
  return sql<boolean>`${sql.join(conditions, sql` and `)}`;
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
export async function speedToLead(db: Db, filter: ReportFilter, grouping: Grouping): Promise<SpeedToLeadRow[]> {
  type Count = number | string;
  type Value = number | string | null;
  const result = await sql<{
    group_key: string | null;
    n: Count;
    offered: Count;
    offer_p50: Value;
    offer_p90: Value;
    accepted: Count;
    accept_p50: Value;
    accept_p90: Value;
  }>`select ${keyOf(grouping)} as group_key, count(*) as n,
      count(first_offer_ms) as offered, ${percentile(db, 'first_offer_ms', 0.5)} as offer_p50,
      ${percentile(db, 'first_offer_ms', 0.9)} as offer_p90,
      count(accept_ms) as accepted, ${percentile(db, 'accept_ms', 0.5)} as accept_p50,
      ${percentile(db, 'accept_ms', 0.9)} as accept_p90
    from routings where ${routingsCovered(filter)} group by 1`.execute(db);
  return result.rows
    .map((row) => ({
      key: presentKey(grouping, row.group_key),
      routings: count(row.n),
      toFirstOffer: { count: count(row.offered), medianMs: millis(row.offer_p50), p90Ms: millis(row.offer_p90) },
      toAccept: { count: count(row.accepted), medianMs: millis(row.accept_p50), p90Ms: millis(row.accept_p90) },
    }))
    .sort(byKey);
}

/** How routings ended, per day, hour, rule or assigned rep. */
export async function outcomesReport(db: Db, filter: ReportFilter, grouping: Grouping): Promise<OutcomesRow[]> {
  const key = keyOf(grouping);
  const result = await sql<{ group_key: string | null; status: string; n: number | string }>`select ${key} as group_key,
      status, count(*) as n from routings where ${routingsCovered(filter)} group by 1, 2`.execute(db);
  const rows = new Map<string | null, OutcomesRow>();
  for (const { group_key: rawKey, status, n } of result.rows) {
    let row = rows.get(rawKey);
    if (!row) {
      const zero = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<ReportedOutcome, number>;
      row = { key: presentKey(grouping, rawKey), routings: 0, open: 0, outcomes: zero };
      rows.set(rawKey, row);
    }
    row.routings += count(n);
    if (status === 'routing') row.open += count(n);
    else if ((outcomes as readonly string[]).includes(status)) row.outcomes[status as ReportedOutcome] += count(n);
  }
  return [...rows.values()].sort(byKey);
}

const offerResults: Record<string, keyof Omit<RepOffersRow, 'repId' | 'offered'>> = {
  accepted: 'accepted',
  declined: 'declined',
  timed_out: 'timedOut',
  withdrawn: 'withdrawn',
  pending: 'pending',
};

/** Each rep's offers made in the window (by when they were made), by how they ended. */
export async function repOffers(db: Db, filter: ReportFilter): Promise<RepOffersRow[]> {
  let query = db
    .selectFrom('offers')
    .select(['rep_id', 'result', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('offered_at', '>=', filter.since)
    .where('offered_at', '<', filter.until)
    .groupBy(['rep_id', 'result']);
  if (filter.ruleId !== undefined) query = query.where('rule_id', '=', filter.ruleId);
  if (filter.type !== undefined) query = query.where('routing_type', '=', filter.type);
  const reps = new Map<string, RepOffersRow>();
  for (const { rep_id, result, n } of await query.execute()) {
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
 * offers are those made when its first offer was (one rep in round robin, everyone eligible in first available); its
 * `first_offer_eligible` reps were eligible in that stage then. Routings stored before that count was kept are left out.
 */
export async function firstOfferShares(db: Db, filter: ReportFilter): Promise<FirstOfferShareRow[]> {
  type Row = { rule_id: string; stage: string; rep_id: string; first_offers: Count; credit: Count; fair: Count };
  type Count = number | string;
  // One row per routing and rep first offered, with how many reps that first offer went to; grouped per rep at once
  // (no per-stage pass: a stage's routings and fair shares are sums of its reps' rows, below). Each routing's k rows
  // carry 1/k each (they sum to 1 routing) and 1/(k · eligible) each (they sum to its fair share), in floating point.
  const one = sql`cast(1 as double precision)`;
  const result = await sql<Row>`with firsts as (
      select r.rule_id, o.stage, o.rep_id, r.first_offer_eligible as eligible,
        count(*) over (partition by r.routing_id) as offered
      from routings r
      join offers o on o.routing_id = r.routing_id and o.offered_at = r.first_offer_at
      where ${routingsCovered(filter, 'r')} and r.first_offer_eligible > 0
    )
    select rule_id, stage, rep_id, count(*) as first_offers, sum(${one} / offered) as credit,
      sum(${one} / (offered * eligible)) as fair
    from firsts group by rule_id, stage, rep_id`.execute(db);
  const stages = new Map<string, { routings: number; fair: number }>();
  const stageKey = (row: Row) => `${row.rule_id}\n${row.stage}`;
  for (const row of result.rows) {
    const stage = stages.get(stageKey(row)) ?? { routings: 0, fair: 0 };
    stage.routings += Number(row.credit);
    stage.fair += Number(row.fair);
    stages.set(stageKey(row), stage);
  }
  return result.rows
    .map((row) => {
      const stage = stages.get(stageKey(row)) as { routings: number; fair: number };
      // A sum of 1/k over whole routings: an integer up to floating-point noise.
      const routings = Math.round(stage.routings);
      return {
        ruleId: row.rule_id,
        stage: row.stage,
        repId: row.rep_id,
        firstOffers: count(row.first_offers),
        routings,
        share: ratio(Number(row.credit) / routings),
        fairShare: ratio(stage.fair / routings),
      };
    })
    .sort((a, b) => byteCompare(a.ruleId, b.ruleId) || byteCompare(a.stage, b.stage) || byteCompare(a.repId, b.repId));
}
