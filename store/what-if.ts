// What-if runs (activities/what-if.ts): the run's row, the recorded routings of its window page by page, and the
// conditional advance that adds a page's tally exactly once.

import type { RotationTurn } from '../domain/rotation';
import type { Rule } from '../domain/rules';
import type { Visitor } from '../domain/visitor';
import { emptyTally, mergeTallies, type RecordedTurn, type StageCheckRep, type WhatIfTally } from '../domain/what-if';
import { slices } from './batching';
import { byteOrder, type Db } from './database';

export interface WhatIfRequest {
  /** The rule-set version replayed, or the draft's rules as they were when the run was asked for. */
  version?: number;
  draft?: boolean;
  since: string;
  /** The window's end (exclusive): when absent, the time the run was asked for. */
  until: string;
  sample?: number;
}

export interface WhatIfRun {
  id: string;
  request: WhatIfRequest;
  rules: Rule[];
  ruleSetVersion: number | null;
  status: 'running' | 'done' | 'failed';
  /** Routings the run replays (known once it has counted its window). */
  total: number | null;
  /** Routings of the window recorded before 0022_what_if (no rule-set version or stage checks): not replayed. */
  skipped: number | null;
  replayed: number;
  /** Routings of the window passed so far (a sample replays only some of them). */
  position: number;
  cursor: { startedAt: string; routingId: string } | null;
  tally: WhatIfTally;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

export async function createWhatIfRun(
  db: Db,
  run: { id: string; request: WhatIfRequest; rules: Rule[]; ruleSetVersion: number | null; createdAt: string },
): Promise<void> {
  await db
    .insertInto('what_if_runs')
    .values({
      id: run.id,
      request: JSON.stringify(run.request),
      rules: JSON.stringify(run.rules),
      rule_set_version: run.ruleSetVersion,
      status: 'running',
      total: null,
      skipped: null,
      replayed: 0,
      position: 0,
      cursor: null,
      tally: JSON.stringify(emptyTally()),
      created_at: run.createdAt,
      finished_at: null,
      error: null,
    })
    .execute();
}

export async function whatIfRun(db: Db, id: string): Promise<WhatIfRun | undefined> {
  const row = await db.selectFrom('what_if_runs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    request: JSON.parse(row.request) as WhatIfRequest,
    rules: JSON.parse(row.rules) as Rule[],
    ruleSetVersion: row.rule_set_version,
    status: row.status as WhatIfRun['status'],
    total: row.total,
    skipped: row.skipped,
    replayed: row.replayed,
    position: row.position,
    cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as WhatIfRun['cursor']),
    tally: JSON.parse(row.tally) as WhatIfTally,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/** Routings a run can replay: started in the window and recorded with their rule-set version and visitor. */
function recordedIn(db: Db, window: { since: string; until: string }) {
  return db
    .selectFrom('routings')
    .where('started_at', '>=', window.since)
    .where('started_at', '<', window.until)
    .where('rule_set_version', 'is not', null)
    .where('visitor', 'is not', null);
}

/** The window's routings a run can replay, and those recorded before 0022_what_if, which it cannot. */
export async function countRecordedRoutings(
  db: Db,
  window: { since: string; until: string },
): Promise<{ recorded: number; unrecorded: number }> {
  const row = await db
    .selectFrom('routings')
    .where('started_at', '>=', window.since)
    .where('started_at', '<', window.until)
    .select((eb) => [
      eb.fn.countAll<number | string>().as('all'),
      eb.fn
        .sum<number | string | null>(
          eb
            .case()
            .when(eb.and([eb('rule_set_version', 'is not', null), eb('visitor', 'is not', null)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('recorded'),
    ])
    .executeTakeFirstOrThrow();
  const recorded = Number(row.recorded ?? 0);
  return { recorded, unrecorded: Number(row.all) - recorded };
}

/** One recorded routing with what its replay compares against and replays with. */
export interface RecordedRouting {
  routingId: string;
  startedAt: string;
  visitor: Visitor;
  ruleId: string | null;
  /** The stage and reps of its first offer (reps sorted); none when it made no offer. */
  firstOffer: { stage: string; repIds: string[] } | null;
  /** Its stage checks by stage name. */
  checks: Map<string, { source: string; reps: StageCheckRep[] }>;
  /** The turns it took, by rotation key. */
  turns: Map<string, RecordedTurn>;
}

/** The next `limit` recorded routings of the window after `after`, in (started_at, routing_id) order. */
export async function recordedRoutingsPage(
  db: Db,
  window: { since: string; until: string },
  after: { startedAt: string; routingId: string } | null,
  limit: number,
): Promise<RecordedRouting[]> {
  const routingIdOrder = byteOrder(db, 'routing_id');
  let query = recordedIn(db, window)
    .select(['routing_id', 'started_at', 'visitor', 'rule_id', 'first_offer_at'])
    .orderBy('started_at')
    .orderBy(routingIdOrder)
    .limit(limit);
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('started_at', '>', after.startedAt),
        eb.and([eb('started_at', '=', after.startedAt), eb(routingIdOrder, '>', after.routingId)]),
      ]),
    );
  }
  const rows = await query.execute();
  const page = new Map<string, RecordedRouting>();
  for (const row of rows) {
    page.set(row.routing_id, {
      routingId: row.routing_id,
      startedAt: row.started_at,
      visitor: JSON.parse(row.visitor as string) as Visitor,
      ruleId: row.rule_id,
      firstOffer: null,
      checks: new Map(),
      turns: new Map(),
    });
  }
  for (const ids of slices([...page.keys()])) {
    const [offers, checks, turns] = await Promise.all([
      db
        .selectFrom('offers')
        .innerJoin('routings', 'routings.routing_id', 'offers.routing_id')
        .select(['offers.routing_id', 'offers.rep_id', 'offers.stage'])
        .where('offers.routing_id', 'in', ids)
        .whereRef('offers.offered_at', '=', 'routings.first_offer_at')
        .execute(),
      db
        .selectFrom('routing_stage_checks')
        .select(['routing_id', 'stage', 'source', 'reps'])
        .where('routing_id', 'in', ids)
        .execute(),
      db.selectFrom('round_robin_turns').selectAll().where('routing_id', 'in', ids).execute(),
    ]);
    for (const offer of offers) {
      const routing = page.get(offer.routing_id) as RecordedRouting;
      routing.firstOffer ??= { stage: offer.stage, repIds: [] };
      routing.firstOffer.repIds.push(offer.rep_id);
    }
    for (const check of checks) {
      (page.get(check.routing_id) as RecordedRouting).checks.set(check.stage, {
        source: check.source,
        reps: JSON.parse(check.reps) as StageCheckRep[],
      });
    }
    for (const row of turns) {
      const decision = row.decision === null ? undefined : (JSON.parse(row.decision) as RotationTurn);
      (page.get(row.routing_id) as RecordedRouting).turns.set(row.rotation_key, {
        turn: row.turn,
        ...(decision && { order: decision.order }),
      });
    }
  }
  for (const routing of page.values()) routing.firstOffer?.repIds.sort();
  return [...page.values()];
}

export async function setWhatIfTotal(db: Db, id: string, counts: { total: number; skipped: number }): Promise<void> {
  await db.updateTable('what_if_runs').set(counts).where('id', '=', id).where('total', 'is', null).execute();
}

/**
 * Adds a page to the run: its tally, the routings it replayed and passed, and where the next page starts, in one
 * transaction and only if the run is still at `from` (the position the page was read from). A retried page whose
 * first attempt committed changes nothing, so no page is lost or counted twice.
 */
export async function advanceWhatIfRun(
  db: Db,
  id: string,
  from: number,
  page: { passed: number; cursor: WhatIfRun['cursor']; tally: WhatIfTally },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('what_if_runs')
      .select(['tally', 'position', 'replayed'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.position !== from) return false;
    const tally = mergeTallies(JSON.parse(row.tally) as WhatIfTally, page.tally);
    const updated = await tx
      .updateTable('what_if_runs')
      .set({
        tally: JSON.stringify(tally),
        replayed: row.replayed + page.tally.replayed,
        position: from + page.passed,
        cursor: page.cursor === null ? null : JSON.stringify(page.cursor),
      })
      .where('id', '=', id)
      .where('position', '=', from)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  });
}

export async function finishWhatIfRun(db: Db, id: string, outcome: { error?: string } = {}): Promise<void> {
  await db
    .updateTable('what_if_runs')
    .set({
      status: outcome.error === undefined ? 'done' : 'failed',
      error: outcome.error ?? null,
      finished_at: new Date().toISOString(),
    })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** A run whose replay could not be started. */
export async function deleteWhatIfRun(db: Db, id: string): Promise<void> {
  await db.deleteFrom('what_if_runs').where('id', '=', id).execute();
}
