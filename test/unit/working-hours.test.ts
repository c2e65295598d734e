// Working hours, daily caps and the meeting booker's list: the pure decisions of domain/working-hours.ts,
// domain/eligibility.ts and domain/outcome.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { assessCandidate, type DirectoryView } from '../../domain/eligibility';
import { bookableUserIds } from '../../domain/outcome';
import {
  availabilityAt,
  hasAnyHours,
  isWithinHours,
  startOfLocalDay,
  type WorkingHours,
  workingHoursSchema,
} from '../../domain/working-hours';
import { directoryEntry } from '../support/users';

const nineToFive = (timeZone: string): WorkingHours =>
  workingHoursSchema.parse({
    timeZone,
    weekly: { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }] },
  });

describe('isWithinHours', () => {
  // 2026-12-07 is a Monday.
  test('in the rep’s own zone: 09:00–17:00 in New York is 14:00–22:00 UTC in December', () => {
    const ny = nineToFive('America/New_York');
    assert.equal(isWithinHours(ny, '2026-12-07T13:59:00Z'), false);
    assert.equal(isWithinHours(ny, '2026-12-07T14:00:00Z'), true);
    assert.equal(isWithinHours(ny, '2026-12-07T21:59:59Z'), true);
    assert.equal(isWithinHours(ny, '2026-12-07T22:00:00Z'), false);
  });

  test('days without intervals are off', () => {
    assert.equal(isWithinHours(nineToFive('UTC'), '2026-12-09T10:00:00Z'), false); // a Wednesday
  });

  test('an exception replaces its date’s hours: [] is a day off, other hours apply that day only', () => {
    const hours = workingHoursSchema.parse({
      ...nineToFive('Europe/Paris'),
      exceptions: [
        { date: '2026-12-07', hours: [] },
        { date: '2026-12-09', hours: [{ start: '10:00', end: '12:00' }] },
      ],
    });
    assert.equal(isWithinHours(hours, '2026-12-07T10:00:00Z'), false); // Monday, a holiday
    assert.equal(isWithinHours(hours, '2026-12-08T10:00:00Z'), true); // Tuesday as usual
    assert.equal(isWithinHours(hours, '2026-12-09T10:00:00Z'), true); // 11:00 in Paris, a Wednesday made working
    assert.equal(isWithinHours(hours, '2026-12-09T11:00:00Z'), false); // 12:00 in Paris
  });

  test('an interval ending at or before its start runs past midnight', () => {
    const night = workingHoursSchema.parse({ timeZone: 'UTC', weekly: { fri: [{ start: '22:00', end: '06:00' }] } });
    assert.equal(isWithinHours(night, '2026-12-11T23:00:00Z'), true); // Friday night
    assert.equal(isWithinHours(night, '2026-12-12T05:59:00Z'), true); // Saturday morning, still Friday's shift
    assert.equal(isWithinHours(night, '2026-12-12T06:00:00Z'), false);
    assert.equal(isWithinHours(night, '2026-12-12T23:00:00Z'), false); // Saturday night is off
    const allDay = workingHoursSchema.parse({ timeZone: 'UTC', weekly: { sun: [{ start: '00:00', end: '00:00' }] } });
    assert.equal(isWithinHours(allDay, '2026-12-13T00:00:00Z'), true);
    assert.equal(isWithinHours(allDay, '2026-12-13T23:59:59Z'), true);
    assert.equal(isWithinHours(allDay, '2026-12-14T00:00:00Z'), false);
  });

  test('across a daylight-saving change the local hours hold', () => {
    // New York moves to EDT on 2027-03-14: 09:00 local is 13:00 UTC from the next day.
    const ny = nineToFive('America/New_York');
    assert.equal(isWithinHours(ny, '2027-03-15T13:00:00Z'), true); // Monday 09:00 EDT
    assert.equal(isWithinHours(ny, '2027-03-15T21:00:00Z'), false); // 17:00 EDT
  });

  test('property: an interval holds exactly the minutes from its start to its end', () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(minute, minute, minute, (start, end, at) => {
        const hours = workingHoursSchema.parse({
          timeZone: 'UTC',
          weekly: { wed: [{ start: hhmm(start), end: hhmm(end) }] },
        });
        const instant = new Date(Date.UTC(2026, 11, 9, 0, at)).toISOString(); // Wednesday
        const expected = end > start ? at >= start && at < end : at >= start;
        assert.equal(isWithinHours(hours, instant), expected);
      }),
    );
  });
});

describe('availabilityAt', () => {
  const at = '2026-12-07T15:00:00Z'; // Monday
  test('no schedule at all: always available, so setups without hours route as before', () => {
    assert.equal(availabilityAt([], at), 'available');
  });
  test('schedules without a single interval: no working hours', () => {
    const none = workingHoursSchema.parse({ timeZone: 'UTC' });
    assert.equal(hasAnyHours(none), false);
    assert.equal(availabilityAt([none], at), 'no_working_hours');
  });
  test('several schedules (a rep’s groups): available when any says so', () => {
    assert.equal(availabilityAt([nineToFive('Asia/Tokyo')], at), 'outside_hours');
    assert.equal(availabilityAt([nineToFive('Asia/Tokyo'), nineToFive('UTC')], at), 'available');
  });
});

describe('startOfLocalDay', () => {
  test('the local midnight before the instant, in UTC', () => {
    assert.equal(startOfLocalDay('2026-12-07T03:00:00.000Z', 'America/New_York'), '2026-12-06T05:00:00.000Z');
    assert.equal(startOfLocalDay('2026-12-07T03:00:00.000Z', 'Asia/Tokyo'), '2026-12-06T15:00:00.000Z');
    assert.equal(startOfLocalDay('2026-12-07T03:00:00.000Z', 'UTC'), '2026-12-07T00:00:00.000Z');
  });
});

describe('eligibility with hours and daily caps', () => {
  const rep = directoryEntry;
  const never = workingHoursSchema.parse({ timeZone: 'UTC' });
  const directory: DirectoryView = {
    users: new Map([
      rep('always'),
      rep('working'),
      rep('off-hours'),
      rep('never'),
      rep('never-away', { status: 'away' }),
      rep('away-off-hours', { status: 'away' }),
      rep('capped', { dailyAcceptCap: 2 }),
      rep('under-cap', { dailyAcceptCap: 3 }),
      rep('zero-cap', { dailyAcceptCap: 0 }),
    ]),
    activeConversations: new Map(),
    workingHours: new Map([
      ['working', [nineToFive('UTC')]],
      ['off-hours', [nineToFive('Asia/Tokyo')]],
      ['never', [never]],
      ['never-away', [never]],
      ['away-off-hours', [nineToFive('Asia/Tokyo')]],
    ]),
    acceptedToday: new Map([
      ['capped', 2],
      ['under-cap', 2],
    ]),
    at: '2026-12-07T15:00:00Z',
  };
  for (const [id, reason] of [
    ['always', undefined],
    ['working', undefined],
    ['off-hours', 'outside_hours'],
    ['never', 'no_working_hours'],
    ['never-away', 'no_working_hours'],
    ['away-off-hours', 'away'],
    ['capped', 'at_daily_cap'],
    ['under-cap', undefined],
    ['zero-cap', 'at_daily_cap'],
  ] as const) {
    test(`${id}: ${reason ?? 'eligible'}`, () => {
      const candidate = assessCandidate(id, directory, new Set());
      assert.deepEqual(candidate, reason ? { userId: id, eligible: false, reason } : { userId: id, eligible: true });
    });
  }

  test('the meeting booker lists known users with hours at all, in or out of them', () => {
    const candidates = ['always', 'off-hours', 'never', 'never-away', 'away-off-hours', 'ghost'].map((id) =>
      assessCandidate(id, directory, new Set()),
    );
    assert.deepEqual(bookableUserIds(candidates), ['always', 'off-hours', 'away-off-hours']);
  });
});
