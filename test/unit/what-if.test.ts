// The pure pieces of a what-if replay (domain/what-if.ts): stage-check records, first offers per mode, the tally.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Presence } from '../../domain/eligibility';
import { assessCandidates } from '../../domain/eligibility';
import {
  addToDirectoryView,
  countReplayed,
  emptyReplayDirectory,
  emptyTally,
  firstOfferedRepIds,
  mergeTallies,
  stageCheckReps,
  type WhatIfExample,
} from '../../domain/what-if';
import { workingHoursSchema } from '../../domain/working-hours';

describe('stage checks', () => {
  test('record each person as eligibility saw them, and give the same eligibility back', () => {
    const at = '2030-01-07T20:00:00.000Z'; // a Monday, 20:00 UTC
    const nineToFive = workingHoursSchema.parse({
      timeZone: 'UTC',
      weekly: { mon: [{ start: '09:00', end: '17:00' }] },
    });
    const users = new Map<string, Presence>([
      ['ann', { status: 'available', chatUser: true, capacity: 2, dailyAcceptCap: null }],
      ['bob', { status: 'away', chatUser: true, capacity: null, dailyAcceptCap: null }],
      ['cy', { status: 'available', chatUser: false, capacity: null, dailyAcceptCap: null }],
      ['di', { status: 'available', chatUser: true, capacity: null, dailyAcceptCap: null }],
      ['ed', { status: 'available', chatUser: true, capacity: null, dailyAcceptCap: 3 }],
      ['flo', { status: 'available', chatUser: true, capacity: null, dailyAcceptCap: 3 }],
    ]);
    const live = {
      users,
      activeConversations: new Map([['ann', 2]]),
      lastConversations: new Map([['ann', '2030-01-01T00:00:00.000Z']]),
      workingHours: new Map([['di', [nineToFive]]]),
      acceptedToday: new Map([
        ['ed', 3],
        ['flo', 1],
      ]),
      at,
    };
    const reps = stageCheckReps(['ann', 'bob', 'cy', 'di', 'ed', 'flo', 'someone@else.test'], live);
    assert.deepEqual(reps, [
      ['ann', 'available', 1, 2, 2, '2030-01-01T00:00:00.000Z', 'available', null, 0],
      ['bob', 'away', 1, null, 0, null, 'available', null, 0],
      ['cy', 'available', 0, null, 0, null, 'available', null, 0],
      ['di', 'available', 1, null, 0, null, 'outside_hours', null, 0],
      ['ed', 'available', 1, null, 0, null, 'available', 3, 3],
      ['flo', 'available', 1, null, 0, null, 'available', 3, 1],
      ['someone@else.test'],
    ]);
    // Replayed at another instant: what was recorded stands, whatever the clock says now.
    const replayed = emptyReplayDirectory('2030-01-07T10:00:00.000Z');
    addToDirectoryView(replayed, reps);
    assert.deepEqual(replayed.users, live.users);
    assert.deepEqual(replayed.lastConversations, live.lastConversations);
    const ids = reps.map(([id]) => id);
    const expected = assessCandidates(ids, live, new Set());
    assert.deepEqual(
      expected.map((candidate) => candidate.reason ?? 'eligible'),
      ['at_capacity', 'away', 'not_chat_user', 'outside_hours', 'at_daily_cap', 'eligible', 'unknown_user'],
    );
    assert.deepEqual(assessCandidates(ids, replayed, new Set()), expected);
  });
});

describe('firstOfferedRepIds', () => {
  const candidates = [
    { userId: 'a', eligible: false, reason: 'away' as const },
    { userId: 'b', eligible: true },
    { userId: 'c', eligible: true },
  ];
  const directory = emptyReplayDirectory('2030-01-01T00:00:00.000Z');
  test('first available offers everyone eligible', () => {
    assert.deepEqual(firstOfferedRepIds({ distribution: 'first_available' }, candidates, directory), ['b', 'c']);
  });
  test('round robin: the first eligible of the weighted turn taken, else of the plain rotation from its number', () => {
    const roundRobin = { distribution: 'round_robin' } as const;
    assert.deepEqual(firstOfferedRepIds(roundRobin, candidates, directory, { turn: 7, order: ['a', 'c', 'b'] }), ['c']);
    assert.deepEqual(firstOfferedRepIds(roundRobin, candidates, directory, { turn: 2 }), ['c']);
    assert.deepEqual(firstOfferedRepIds(roundRobin, candidates, directory, { turn: 3 }), ['b']);
    assert.deepEqual(firstOfferedRepIds(roundRobin, candidates, directory), ['b']);
  });
  test('least busy: the lowest load for the capacity, ties to the one idle longest', () => {
    const loads = emptyReplayDirectory('2030-01-01T00:00:00.000Z');
    addToDirectoryView(loads, [
      ['b', 'available', 1, 4, 2, '2030-01-01T00:00:00.000Z', 'available', null, 0],
      ['c', 'available', 1, 2, 1, '2030-01-02T00:00:00.000Z', 'available', null, 0],
    ]);
    assert.deepEqual(firstOfferedRepIds({ distribution: 'least_busy' }, candidates, loads), ['b']);
    addToDirectoryView(loads, [['c', 'available', 1, 2, 0, '2030-01-02T00:00:00.000Z', 'available', null, 0]]);
    assert.deepEqual(firstOfferedRepIds({ distribution: 'least_busy' }, candidates, loads), ['c']);
  });
});

describe('the tally', () => {
  const example = (n: number, before: WhatIfExample['before'], after: WhatIfExample['after']): WhatIfExample => ({
    routingId: `r${n}`,
    visitorId: `v${n}`,
    before,
    after,
  });
  const same = { ruleId: 'x', stage: 'route_to', repIds: ['a'] };

  test('counts changes, rules and reps before and after, and merges pages in order', () => {
    const first = emptyTally();
    countReplayed(first, example(1, same, same));
    countReplayed(first, example(2, same, { ruleId: 'x', stage: 'fallback_1', repIds: ['b'] }));
    const second = emptyTally();
    countReplayed(second, example(3, same, { ruleId: null, stage: null, repIds: [] }));
    countReplayed(second, example(4, { ruleId: '__proto__', stage: null, repIds: [] }, same));
    // Offered to two reps at once (first available): each has the routing's first offer, and half of it in shares.
    countReplayed(second, example(5, same, { ruleId: 'x', stage: 'route_to', repIds: ['a', 'b'] }));
    const tally = mergeTallies(first, second);
    assert.equal(tally.replayed, 5);
    assert.equal(tally.changed, 4);
    assert.deepEqual([tally.ruleChanged, tally.stageChanged, tally.repsChanged, tally.nowUnmatched], [2, 3, 4, 1]);
    assert.deepEqual(tally.offered, { before: 4, after: 4 });
    assert.deepEqual(tally.rules, {
      x: { before: 4, after: 4 },
      '': { before: 0, after: 1 },
      ['__proto__']: { before: 1, after: 0 },
    });
    assert.deepEqual(tally.firstOffers, { a: { before: 4, after: 3 }, b: { before: 0, after: 2 } });
    assert.deepEqual(tally.offerParts, { a: { before: 4, after: 2.5 }, b: { before: 0, after: 1.5 } });
    assert.deepEqual(
      tally.examples.changed.map((e) => e.routingId),
      ['r2', 'r3', 'r4', 'r5'],
    );
    assert.deepEqual(
      tally.examples.nowUnmatched.map((e) => e.routingId),
      ['r3'],
    );
    // Merging leaves the earlier page's tally as it was.
    assert.equal(first.replayed, 2);
  });
});
