// Pure pieces of a what-if replay (activities/what-if.ts): the stage checks routings record, whom a stage offers
// first, and the tally a replay adds up page by page. No I/O, clocks or randomness.

import type { DirectoryView, Presence } from './eligibility';
import { eligibleRepIds } from './offers';
import { leastBusyOrder, type RepLoad, rotationOrder } from './rotation';
import type { Candidate } from './routing';
import type { Distribution, Rule } from './rules';
import type { PresenceStatus } from './users';
import { availabilityAt, type HoursAvailability, type WorkingHours } from './working-hours';

/**
 * One person of a stage check as the routing found them: `[userId]` for someone who is no user (an owner's email),
 * else `[userId, status, chatUser (0/1), capacity, open conversations, last conversation started or ended, standing
 * against their working hours then, daily accept cap, offers accepted that local day]`. Tuples: a stage may name
 * 10,000 reps.
 */
export type StageCheckRep =
  | [string]
  | [string, PresenceStatus, 0 | 1, number | null, number, string | null, HoursAvailability, number | null, number];

/** The directory as a check saw it: eligibility's view, and when each rep last had a conversation (least busy). */
export interface CheckedDirectory extends DirectoryView {
  lastConversations: ReadonlyMap<string, string>;
}

/** The check's record of each person, from the directory view eligibility was decided on. */
export function stageCheckReps(userIds: readonly string[], directory: CheckedDirectory): StageCheckRep[] {
  return userIds.map((userId): StageCheckRep => {
    const user = directory.users.get(userId);
    if (!user) return [userId];
    return [
      userId,
      user.status,
      user.chatUser ? 1 : 0,
      user.capacity,
      directory.activeConversations.get(userId) ?? 0,
      directory.lastConversations.get(userId) ?? null,
      directory.hoursAt?.get(userId) ?? availabilityAt(directory.workingHours.get(userId) ?? [], directory.at),
      user.dailyAcceptCap,
      directory.acceptedToday.get(userId) ?? 0,
    ];
  });
}

/**
 * A directory view a replay fills in for one routing, judged at its start: from the routing's checks first, then
 * (people no check of it recorded) as the directory is now.
 */
export interface ReplayDirectory extends CheckedDirectory {
  users: Map<string, Presence>;
  activeConversations: Map<string, number>;
  lastConversations: Map<string, string>;
  workingHours: Map<string, readonly WorkingHours[]>;
  acceptedToday: Map<string, number>;
  hoursAt: Map<string, HoursAvailability>;
}

export const emptyReplayDirectory = (at: string): ReplayDirectory => ({
  users: new Map(),
  activeConversations: new Map(),
  lastConversations: new Map(),
  workingHours: new Map(),
  acceptedToday: new Map(),
  hoursAt: new Map(),
  at,
});

/** Adds what a stage check recorded to a directory view (a later check of the same person wins). */
export function addToDirectoryView(view: ReplayDirectory, reps: readonly StageCheckRep[]): void {
  for (const rep of reps) {
    if (rep.length === 1) continue;
    const [userId, status, chatUser, capacity, active, lastConversation, hours, dailyAcceptCap, acceptedToday] = rep;
    view.users.set(userId, { status, chatUser: chatUser === 1, capacity, dailyAcceptCap });
    view.activeConversations.set(userId, active);
    if (lastConversation) view.lastConversations.set(userId, lastConversation);
    view.hoursAt.set(userId, hours);
    view.acceptedToday.set(userId, acceptedToday);
  }
}

/** The turn a routing took in a rotation: the weighted rotation's order, or the plain rotation's number. */
export interface RecordedTurn {
  turn: number;
  order?: readonly string[];
}

type FirstOffered = (candidates: readonly Candidate[], directory: CheckedDirectory, turn?: RecordedTurn) => string[];

/** Whom each mode offers first in a stage whose people are `candidates`; a map, so a new mode must say. */
const firstOffered: Record<Distribution, FirstOffered> = {
  // Everyone eligible at once (distribution.ts offerAllAtOnce, first-offers.ts firstOffersShownAtStart).
  first_available: (candidates) => eligibleRepIds(candidates),
  // The weighted rotation's first of the turn the routing took (distribution.ts offerInTurn): its order ranks who
  // was owed most then. Without one, the plain rotation from the turn's number (or the stage's first eligible).
  round_robin: (candidates, _directory, turn) => {
    const eligible = new Set(eligibleRepIds(candidates));
    const owed = turn?.order?.find((repId) => eligible.has(repId));
    if (owed) return [owed];
    const first = rotationOrder(candidates, turn?.turn ?? 0).find((candidate) => candidate.eligible);
    return first ? [first.userId] : [];
  },
  // The eligible rep with the lowest load, ties to the one idle longest (distribution.ts offerLeastBusyFirst).
  least_busy: (candidates, directory) => {
    const loads = eligibleRepIds(candidates).map(
      (repId): RepLoad => ({
        repId,
        activeConversations: directory.activeConversations.get(repId) ?? 0,
        capacity: directory.users.get(repId)?.capacity ?? null,
        lastConversationAt: directory.lastConversations.get(repId) ?? null,
      }),
    );
    const first = leastBusyOrder(loads)[0];
    return first ? [first.repId] : [];
  },
};

/** The reps a stage offers first: none when nobody is eligible, and the routing goes on to the next stage. */
export function firstOfferedRepIds(
  rule: Pick<Rule, 'distribution'>,
  candidates: readonly Candidate[],
  directory: CheckedDirectory,
  turn?: RecordedTurn,
): string[] {
  return firstOffered[rule.distribution](candidates, directory, turn);
}

/** Where a routing's first offer went: its rule, the stage that made it, and the reps it was made to (sorted). */
export interface FirstOfferOutcome {
  ruleId: string | null;
  stage: string | null;
  repIds: string[];
}

export interface WhatIfExample {
  routingId: string;
  visitorId: string;
  before: FirstOfferOutcome;
  after: FirstOfferOutcome;
}

/** Before and after counts of one key (a rule, a rep). */
export interface BeforeAfter {
  before: number;
  after: number;
}

/** What a replay adds up: kept in the run's row, merged page by page. */
export interface WhatIfTally {
  replayed: number;
  /** Routings whose rule, first-offer stage or first-offered reps differ. */
  changed: number;
  ruleChanged: number;
  stageChanged: number;
  repsChanged: number;
  /** Routings that matched a rule and would now match none. */
  nowUnmatched: number;
  /** Routings with a first offer, before and after: the per-rep shares divide by these. */
  offered: BeforeAfter;
  /** Routings each rule caught, by rule id (`null`: no rule matched, under the key ''). */
  rules: Record<string, BeforeAfter>;
  /** Routings whose first offer went to each rep. */
  firstOffers: Record<string, BeforeAfter>;
  /**
   * Each rep's part of the first offers, each routing's split evenly among the reps it went to (as the dashboard's
   * first-offer shares): divided by `offered`, the shares add up to 1.
   */
  offerParts: Record<string, BeforeAfter>;
  examples: { changed: WhatIfExample[]; nowUnmatched: WhatIfExample[] };
}

/** Examples kept of each kind: the first ones in the window's order. */
export const WHAT_IF_EXAMPLES = 10;

export function emptyTally(): WhatIfTally {
  return {
    replayed: 0,
    changed: 0,
    ruleChanged: 0,
    stageChanged: 0,
    repsChanged: 0,
    nowUnmatched: 0,
    offered: { before: 0, after: 0 },
    rules: {},
    firstOffers: {},
    offerParts: {},
    examples: { changed: [], nowUnmatched: [] },
  };
}

const sameReps = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((repId, i) => repId === b[i]);

function count(map: Record<string, BeforeAfter>, key: string, side: keyof BeforeAfter, by = 1): void {
  // Own properties only: an id may be `__proto__` or `constructor`.
  const entry = Object.hasOwn(map, key) ? (map[key] as BeforeAfter) : { before: 0, after: 0 };
  entry[side] += by;
  Object.defineProperty(map, key, { value: entry, enumerable: true, writable: true, configurable: true });
}

/** Counts one replayed routing into `tally`. */
export function countReplayed(tally: WhatIfTally, example: WhatIfExample): void {
  const { before, after } = example;
  tally.replayed++;
  const ruleChanged = before.ruleId !== after.ruleId;
  const stageChanged = before.stage !== after.stage;
  const repsChanged = !sameReps(before.repIds, after.repIds);
  if (ruleChanged) tally.ruleChanged++;
  if (stageChanged) tally.stageChanged++;
  if (repsChanged) tally.repsChanged++;
  if (ruleChanged || stageChanged || repsChanged) {
    tally.changed++;
    if (tally.examples.changed.length < WHAT_IF_EXAMPLES) tally.examples.changed.push(example);
  }
  if (before.ruleId !== null && after.ruleId === null) {
    tally.nowUnmatched++;
    if (tally.examples.nowUnmatched.length < WHAT_IF_EXAMPLES) tally.examples.nowUnmatched.push(example);
  }
  count(tally.rules, before.ruleId ?? '', 'before');
  count(tally.rules, after.ruleId ?? '', 'after');
  if (before.repIds.length > 0) tally.offered.before++;
  if (after.repIds.length > 0) tally.offered.after++;
  for (const side of ['before', 'after'] as const) {
    const { repIds } = example[side];
    for (const repId of repIds) {
      count(tally.firstOffers, repId, side);
      count(tally.offerParts, repId, side, 1 / repIds.length);
    }
  }
}

/** `later` (the next page's tally) added to `earlier`; examples stay in the window's order. */
export function mergeTallies(earlier: WhatIfTally, later: WhatIfTally): WhatIfTally {
  const merged: WhatIfTally = structuredClone(earlier);
  for (const key of ['replayed', 'changed', 'ruleChanged', 'stageChanged', 'repsChanged', 'nowUnmatched'] as const) {
    merged[key] += later[key];
  }
  merged.offered.before += later.offered.before;
  merged.offered.after += later.offered.after;
  for (const field of ['rules', 'firstOffers', 'offerParts'] as const) {
    for (const [key, { before, after }] of Object.entries(later[field])) {
      count(merged[field], key, 'before', before);
      count(merged[field], key, 'after', after);
    }
  }
  merged.examples.changed = [...merged.examples.changed, ...later.examples.changed].slice(0, WHAT_IF_EXAMPLES);
  merged.examples.nowUnmatched = [...merged.examples.nowUnmatched, ...later.examples.nowUnmatched].slice(
    0,
    WHAT_IF_EXAMPLES,
  );
  return merged;
}
