// RoutingRecord: a routing's bookkeeping, changed only through its methods. A clock that ticks a second per reading
// makes every time it records predictable.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RoutingInput } from '../../domain/routing';
import { RoutingRecord } from '../../workflows/routing-record';

const input: RoutingInput = { routingId: 'r-1', type: 'inbound', visitor: { id: 'v-1', email: 'jo@bigco.test' } };

/** 2026-01-01T00:00:00.000Z, then a second later at each reading. */
function tickingClock() {
  let readings = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, readings++));
}
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();

const newRecord = () => new RoutingRecord(input, tickingClock());

/** A record with a matched rule whose first stage offers ann, ben and cat (readings 0 to 2). */
function offering() {
  const record = newRecord(); // startedAt: reading 0
  record.matchedAgainst(7);
  record.matchRule({ id: 'rule-1', name: 'Big companies' }); // trace: reading 1
  record.offer({ stage: 'route_to', decidedBy: 'first_available' }, ['ann', 'ben', 'cat'], 30_000); // offeredAt: reading 2, trace: reading 3
  return record;
}

// Compiled, never run: `npm test`'s type check fails if the state can be changed from outside the record.
export function stateIsReadOnly(record: RoutingRecord): void {
  // @ts-expect-error the status changes only through connect() and end()
  record.state.status = 'connected';
  // @ts-expect-error offers are made only through offer()
  record.state.offers.push({ repId: 'x', stage: 's', offeredAt: '', expiresAt: '', endedAt: null, result: 'pending' });
  for (const offer of record.state.offers) {
    // @ts-expect-error an offer closes only through closeOffer(), connect() and end()
    offer.result = 'declined';
  }
  // @ts-expect-error waiting on answers is begun and ended through methods
  record.awaitingAnswers = true;
}

describe('RoutingRecord', () => {
  test('starts open, at the clock’s time, with nothing decided', () => {
    const record = newRecord();
    assert.equal(record.isOpen(), true);
    assert.deepEqual(record.state, {
      routingId: 'r-1',
      type: 'inbound',
      visitor: input.visitor,
      status: 'routing',
      startedAt: at(0),
      endedAt: null,
      rule: null,
      ruleSetVersion: null,
      stages: [],
      offers: [],
      repId: null,
      meetingBooker: null,
      trace: [],
    });
    assert.equal(record.endedByUpdate(), false);
  });

  test('keeps the experience id when the input has one', () => {
    const record = new RoutingRecord({ ...input, experienceId: 'widget' }, tickingClock());
    assert.equal(record.state.experienceId, 'widget');
    assert.equal('experienceId' in newRecord().state, false);
  });

  test('a matched rule is recorded with the rule-set version it was matched against', () => {
    const record = newRecord();
    record.matchedAgainst(7);
    record.matchRule({ id: 'rule-1', name: 'Big companies' });
    assert.equal(record.state.ruleSetVersion, 7);
    assert.deepEqual(record.state.rule, { id: 'rule-1', name: 'Big companies' });
    assert.deepEqual(record.state.trace, [
      { at: at(1), event: 'rule.matched', detail: { ruleId: 'rule-1', ruleSetVersion: 7 } },
    ]);
  });

  test('a stage is recorded with its candidates; one with nobody eligible as skipped', () => {
    const record = newRecord();
    const ann = { userId: 'ann', eligible: true };
    const bob = { userId: 'bob', eligible: false, reason: 'away' as const };
    record.startStage({ name: 'salesforce', candidates: [ann, bob], identifiedBy: 'contact_email' }, ['ann']);
    record.startStage({ name: 'fallback_1', candidates: [bob] }, []);
    assert.deepEqual(record.state.stages, [
      { name: 'salesforce', startedAt: at(1), candidates: [ann, bob], identifiedBy: 'contact_email' },
      { name: 'fallback_1', startedAt: at(3), candidates: [bob], skipped: 'nobody_eligible' },
    ]);
    assert.deepEqual(
      record.state.trace.map((entry) => entry.detail),
      [
        { stage: 'salesforce', eligible: ['ann'] },
        { stage: 'fallback_1', eligible: [] },
      ],
    );
  });

  test('offers are pending, expire one timeout after they are made, and are each rep’s live offer', () => {
    const record = offering();
    assert.deepEqual(record.state.offers, [
      {
        repId: 'ann',
        stage: 'route_to',
        decidedBy: 'first_available',
        offeredAt: at(2),
        expiresAt: at(32),
        endedAt: null,
        result: 'pending',
      },
      {
        repId: 'ben',
        stage: 'route_to',
        decidedBy: 'first_available',
        offeredAt: at(2),
        expiresAt: at(32),
        endedAt: null,
        result: 'pending',
      },
      {
        repId: 'cat',
        stage: 'route_to',
        decidedBy: 'first_available',
        offeredAt: at(2),
        expiresAt: at(32),
        endedAt: null,
        result: 'pending',
      },
    ]);
    assert.deepEqual(record.state.trace.at(-1), {
      at: at(3),
      event: 'offers.made',
      detail: { stage: 'route_to', decidedBy: 'first_available', repIds: ['ann', 'ben', 'cat'], expiresAt: at(32) },
    });
    assert.equal(record.liveOffer('ben')?.repId, 'ben');
    assert.equal(record.liveOffer('dan'), undefined);
  });

  test('offers shown earlier are recorded as made then, and expire from then', () => {
    const record = newRecord();
    const [offer] = record.offer(
      { stage: 'route_to', decidedBy: 'first_available' },
      ['ann'],
      10_000,
      record.state.startedAt,
    );
    assert.equal(offer?.offeredAt, at(0));
    assert.equal(offer?.expiresAt, at(10));
  });

  test('closing an offer ends it once: a second close, or a rep without a live offer, changes nothing', () => {
    const record = offering();
    assert.equal(record.closeOffer('ann', 'declined'), true);
    assert.equal(record.closeOffer('ann', 'timed_out'), false);
    assert.equal(record.closeOffer('dan', 'declined'), false);
    assert.deepEqual(record.state.offers[0], {
      repId: 'ann',
      stage: 'route_to',
      decidedBy: 'first_available',
      offeredAt: at(2),
      expiresAt: at(32),
      endedAt: at(4),
      result: 'declined',
    });
    assert.equal(record.liveOffer('ann'), undefined);
    assert.equal(record.isOpen(), true);
  });

  test('an accept connects the rep and withdraws the other live offers; answered offers keep their result', () => {
    const record = offering();
    record.closeOffer('ann', 'declined'); // reading 4
    record.connect('cat'); // offers closed at reading 5 and 6, ended at 7, traced at 8
    assert.equal(record.isOpen(), false);
    assert.equal(record.state.status, 'connected');
    assert.equal(record.state.repId, 'cat');
    assert.equal(record.state.endedAt, at(7));
    assert.deepEqual(
      record.state.offers.map(({ repId, result, endedAt }) => ({ repId, result, endedAt })),
      [
        { repId: 'ann', result: 'declined', endedAt: at(4) },
        { repId: 'ben', result: 'withdrawn', endedAt: at(5) },
        { repId: 'cat', result: 'accepted', endedAt: at(6) },
      ],
    );
    assert.deepEqual(record.state.trace.at(-1), { at: at(8), event: 'routing.connected', detail: { repId: 'cat' } });
    assert.equal(record.liveOffer('ben'), undefined);
    assert.equal(record.endedByUpdate(), true);
  });

  test('ending without a rep withdraws every live offer and records the outcome', () => {
    const record = offering();
    record.listInMeetingBooker(['ann', 'ben']);
    record.end('meeting_booker');
    assert.equal(record.state.status, 'meeting_booker');
    assert.deepEqual(record.state.meetingBooker, { userIds: ['ann', 'ben'] });
    assert.deepEqual(
      record.state.offers.map((offer) => offer.result),
      ['withdrawn', 'withdrawn', 'withdrawn'],
    );
    assert.equal(record.state.repId, null);
    assert.equal(record.state.trace.at(-1)?.event, 'routing.meeting_booker');
    assert.equal(record.endedByUpdate(), false, 'the main loop decided it, not an update');
  });

  test('only an accept or a cancel counts as ended by an update', () => {
    const cancelled = offering();
    cancelled.end('cancelled');
    assert.equal(cancelled.endedByUpdate(), true);
    const superseded = offering();
    superseded.end('superseded', { byRoutingId: 'r-2' });
    assert.equal(superseded.endedByUpdate(), false);
    assert.deepEqual(superseded.state.trace.at(-1)?.detail, { byRoutingId: 'r-2' });
  });

  test('waiting on answers is begun and ended explicitly', () => {
    const record = offering();
    assert.equal(record.awaitingAnswers, false);
    record.beginAwaitingAnswers();
    assert.equal(record.awaitingAnswers, true);
    record.endAwaitingAnswers();
    assert.equal(record.awaitingAnswers, false);
  });

  test('the report is the state as it stands, for the query and the result', () => {
    const record = offering();
    record.connect('ben');
    assert.deepEqual(record.report(), record.state);
    assert.deepEqual(JSON.parse(JSON.stringify(record.report())), record.state);
  });
});
