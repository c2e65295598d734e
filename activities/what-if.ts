// What-if replays: each recorded routing of a window run again through the rule matching, stage planning,
// eligibility and first-offer code the routing workflow uses, against the people and presence its own stage checks
// recorded, and compared with where its first offer really went. Activities of workflows/what-if-replay.ts.
import { assessCandidates, type Presence } from '../domain/eligibility';
import { rotationKey } from '../domain/rotation';
import type { PlannedStage } from '../domain/routing';
import { type CompiledRuleSet, compileRuleSet } from '../domain/rule-index';
import type { Rule } from '../domain/rules';
import { planStages } from '../domain/stage-plan';
import {
  addToDirectoryView,
  countReplayed,
  emptyReplayDirectory,
  emptyTally,
  type FirstOfferOutcome,
  firstOfferedRepIds,
  type ReplayDirectory,
  type WhatIfTally,
} from '../domain/what-if';
import type { WorkingHours } from '../domain/working-hours';
import type { Db } from '../store/database';
import { targetUserIds, userIdsByEmail, usersByIds, workingHoursByUser } from '../store/directory';
import { activeConversationCounts, lastConversationTimes } from '../store/projection';
import {
  advanceWhatIfRun,
  countRecordedRoutings,
  finishWhatIfRun,
  type RecordedRouting,
  recordedRoutingsPage,
  setWhatIfTotal,
  type WhatIfRun,
  whatIfRun,
} from '../store/what-if';
import { createOwnerActivities } from './owners';

/**
 * What a page's replays look up beyond the routings' own records, once per page: the people a stage names that no
 * routing recorded (group members now), and the presence of people a routing did not record (as it is now).
 */
class CurrentDirectory {
  private readonly targets = new Map<string, Promise<string[]>>();
  private readonly presence = new Map<
    string,
    { user?: Presence; active: number; hours: WorkingHours[]; last?: string }
  >();
  private readonly owners: ReturnType<typeof createOwnerActivities>;

  constructor(private readonly db: Db) {
    this.owners = createOwnerActivities(db);
  }

  /** Whom a stage names now: its target's users and group members, or the visitor's Salesforce owners. */
  async people(stage: PlannedStage, visitor: RecordedRouting['visitor']): Promise<string[]> {
    const { source } = stage;
    if (source.kind === 'users') {
      const key = JSON.stringify(source.target);
      let ids = this.targets.get(key);
      if (!ids) {
        ids = targetUserIds(this.db, source.target);
        this.targets.set(key, ids);
      }
      return ids;
    }
    // An outbound stage's people come from the click the visitor redeemed then, which a replay cannot redeem again.
    if (source.kind === 'outbound') return [];
    const found = await this.owners.salesforcePeople({
      rule: { target: source.target, ...(source.teamRoles && { teamRoles: source.teamRoles }) },
      visitor,
    });
    const byEmail = await userIdsByEmail(this.db, found.emails);
    return [...new Set(found.emails.map((email) => byEmail.get(email.toLowerCase()) ?? email))];
  }

  /**
   * Adds the people of `userIds` the view lacks as the directory is now: presence, capacity, open conversations and
   * working hours (judged at the routing's start, the view's `at`). Their accepts that day are not known: none.
   */
  async fillIn(view: ReplayDirectory, userIds: string[]) {
    const missing = userIds.filter((id) => !view.users.has(id) && !this.presence.has(id));
    if (missing.length > 0) {
      const [users, active, last] = await Promise.all([
        usersByIds(this.db, missing),
        activeConversationCounts(this.db, missing),
        lastConversationTimes(this.db, missing),
      ]);
      const hours = await workingHoursByUser(this.db, users);
      for (const id of missing) {
        const user = users.get(id);
        const lastAt = last.get(id);
        this.presence.set(id, {
          ...(user && { user }),
          active: active.get(id) ?? 0,
          hours: hours.get(id) ?? [],
          ...(lastAt && { last: lastAt }),
        });
      }
    }
    for (const id of userIds) {
      const now = view.users.has(id) ? undefined : this.presence.get(id);
      if (!now?.user) continue;
      view.users.set(id, now.user);
      view.activeConversations.set(id, now.active);
      view.workingHours.set(id, now.hours);
      if (now.last) view.lastConversations.set(id, now.last);
    }
  }
}

/** Where `routing`'s first offer would go under `rules`. */
async function replayFirstOffer(
  rules: CompiledRuleSet<Rule>,
  routing: RecordedRouting,
  directory: CurrentDirectory,
): Promise<FirstOfferOutcome> {
  const rule = rules.match(routing.visitor);
  if (!rule) return { ruleId: null, stage: null, repIds: [] };
  // The presence the routing recorded, for everyone its stage checks found.
  const view = emptyReplayDirectory(routing.startedAt);
  for (const check of routing.checks.values()) addToDirectoryView(view, check.reps);
  for (const stage of planStages(rule, routing.visitor)) {
    const recorded = routing.checks.get(stage.name);
    const own = recorded && recorded.source === JSON.stringify(stage.source) ? recorded : undefined;
    // The routing's own check stands for a stage naming the same people, as it found them then (a later check may
    // have found a rep away after missing this stage's offer); any other stage is looked up now.
    if (own) addToDirectoryView(view, own.reps);
    const people = own ? own.reps.map(([userId]) => userId) : await directory.people(stage, routing.visitor);
    await directory.fillIn(view, people);
    // The first offer is made in the first stage with anyone eligible, so nobody has been tried before it.
    const candidates = assessCandidates(people, view, new Set());
    const repIds = firstOfferedRepIds(rule, candidates, view, routing.turns.get(rotationKey(rule.id, stage.name)));
    if (repIds.length > 0) return { ruleId: rule.id, stage: stage.name, repIds: repIds.sort() };
  }
  return { ruleId: rule.id, stage: null, repIds: [] };
}

/** Evenly spaced picks of `sample` out of `total`: whether the routing at `position` is one. */
function sampled(position: number, total: number, sample: number | undefined): boolean {
  if (sample === undefined || sample >= total) return true;
  const bucket = (p: number) => Math.floor((p * sample) / total);
  return position === 0 || bucket(position) !== bucket(position - 1);
}

/** One run's compiled rules, kept between its pages (a run's rules never change). */
let compiled: { runId: string; rules: CompiledRuleSet<Rule> } | undefined;

function rulesOf(run: WhatIfRun): CompiledRuleSet<Rule> {
  if (compiled?.runId !== run.id) compiled = { runId: run.id, rules: compileRuleSet(run.rules) };
  return compiled.rules;
}

export function createWhatIfActivities(db: Db) {
  return {
    /** Counts the routings the run replays (all of its window's, or its sample). */
    async countWhatIfWindow({ runId }: { runId: string }): Promise<number> {
      const run = await whatIfRun(db, runId);
      if (!run) throw new Error(`no what-if run ${runId}`);
      const { recorded: inWindow, unrecorded: skipped } = await countRecordedRoutings(db, run.request);
      await setWhatIfTotal(db, runId, { total: Math.min(inWindow, run.request.sample ?? inWindow), skipped });
      return inWindow;
    },

    /**
     * Replays the run's next page of at most `pageSize` routings and adds it to the run. Returns whether the window
     * is done. Reads where the run stands from its row, so a retry after a committed page goes on from the next.
     */
    async replayWhatIfPage({
      runId,
      inWindow,
      pageSize,
    }: {
      runId: string;
      inWindow: number;
      pageSize: number;
    }): Promise<{ done: boolean }> {
      const run = await whatIfRun(db, runId);
      if (!run) throw new Error(`no what-if run ${runId}`);
      const page = await recordedRoutingsPage(db, run.request, run.cursor, pageSize);
      if (page.length === 0) return { done: true };
      const rules = rulesOf(run);
      const directory = new CurrentDirectory(db);
      const tally: WhatIfTally = emptyTally();
      for (const [offset, routing] of page.entries()) {
        if (!sampled(run.position + offset, inWindow, run.request.sample)) continue;
        const after = await replayFirstOffer(rules, routing, directory);
        const before: FirstOfferOutcome = {
          ruleId: routing.ruleId,
          stage: routing.firstOffer?.stage ?? null,
          repIds: routing.firstOffer?.repIds ?? [],
        };
        countReplayed(tally, { routingId: routing.routingId, visitorId: routing.visitor.id, before, after });
      }
      const last = page[page.length - 1] as RecordedRouting;
      await advanceWhatIfRun(db, runId, run.position, {
        passed: page.length,
        cursor: { startedAt: last.startedAt, routingId: last.routingId },
        tally,
      });
      return { done: page.length < pageSize };
    },

    /** Marks the run done, or failed with `error`. */
    async finishWhatIf({ runId, error }: { runId: string; error?: string }): Promise<void> {
      await finishWhatIfRun(db, runId, error === undefined ? {} : { error });
    },
  };
}

export type WhatIfActivities = ReturnType<typeof createWhatIfActivities>;
