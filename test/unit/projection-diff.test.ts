// The projection's diff: what a routing's next database write carries, given what earlier writes put there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OfferResult } from '../../domain/routing';
import { routingRow } from '../../domain/routing-row';
import { changesNothing, projectionChange, type Written } from '../../workflows/projection-diff';
import { RoutingRecord } from '../../workflows/routing-record';

const visitor = { id: 'v-1', email: 'jo@bigco.test', segments: ['enterprise'] };

/** 2026-01-01T00:00:00.000Z, then a second later at each reading. */
function tickingClock() {
  let readings = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, 0, readings++));
}
const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
const NOW = '2026-06-01T00:00:00.000Z';

/** A routing matched to rule-1 that offers ann and ben at reading 2, standing 30 s. */
function offering() {
  const record = new RoutingRecord({ routingId: 'r-1', type: 'inbound', visitor }, tickingClock());
  record.matchedAgainst(3);
  record.matchRule({ id: 'rule-1', name: 'Big companies' });
  record.offer({ stage: 'route_to', decidedBy: 'first_available' }, ['ann', 'ben'], 30_000);
  return record;
}

const nothingWritten = (): Written => ({ offers: new Map(), routing: '', connection: false });

/** What `written` becomes once the change of `record` against it is written, as the projection keeps it. */
function afterWriting(record: RoutingRecord, written: Written): Written {
  const { change, serializedRouting } = projectionChange(record.state, written, NOW);
  const offers = new Map<string, OfferResult>(written.offers);
  for (const offer of change.created) offers.set(offer.repId, 'pending');
  for (const closure of change.closed) offers.set(closure.repId, closure.result);
  return {
    offers,
    routing: change.routing ? serializedRouting : written.routing,
    connection: written.connection || change.connection !== undefined,
  };
}

describe('projectionChange', () => {
  test('the first write creates the row with its visitor, and every offer made', () => {
    const record = offering();
    const { change, serializedRouting } = projectionChange(record.state, nothingWritten(), NOW);
    // The row's own fields are domain/routing-row.ts's to decide: the diff carries it as routingRow builds it.
    const row = routingRow(record.state);
    assert.equal(row.firstOfferAt, at(2));
    const offer = (repId: string) => ({
      routingId: 'r-1',
      repId,
      routingType: 'inbound',
      ruleId: 'rule-1',
      stage: 'route_to',
      offeredAt: at(2),
      expiresAt: at(32),
    });
    assert.deepEqual(change, {
      routingId: 'r-1',
      created: [offer('ann'), offer('ben')],
      closed: [],
      liveRepIds: ['ann', 'ben'],
      routing: row,
      visitor,
    });
    assert.equal(serializedRouting, JSON.stringify(row));
    assert.equal(changesNothing(change), false);
  });

  test('once written, the same routing changes nothing, yet still names its live offers', () => {
    const record = offering();
    const { change } = projectionChange(record.state, afterWriting(record, nothingWritten()), NOW);
    assert.deepEqual(change, { routingId: 'r-1', created: [], closed: [], liveRepIds: ['ann', 'ben'] });
    assert.equal(changesNothing(change), true);
  });

  test('a decline is a closure with the offer’s own end time; the row, unchanged, is left out', () => {
    const record = offering();
    const written = afterWriting(record, nothingWritten());
    record.closeOffer('ann', 'declined'); // reading 4
    const { change } = projectionChange(record.state, written, NOW);
    assert.deepEqual(change, {
      routingId: 'r-1',
      created: [],
      closed: [{ repId: 'ann', result: 'declined', endedAt: at(4) }],
      liveRepIds: ['ben'],
    });
    assert.equal(changesNothing(change), false);
    assert.equal(changesNothing(projectionChange(record.state, afterWriting(record, written), NOW).change), true);
  });

  test('an accept closes every offer, changes the row (without the visitor again) and adds the connection', () => {
    const record = offering();
    const written = afterWriting(record, nothingWritten());
    record.connect('ben'); // ann withdrawn at 4, ben accepted at 5, ended at 6
    const { change } = projectionChange(record.state, written, NOW);
    assert.deepEqual(change.closed, [
      { repId: 'ann', result: 'withdrawn', endedAt: at(4) },
      { repId: 'ben', result: 'accepted', endedAt: at(5) },
    ]);
    assert.deepEqual(change.liveRepIds, []);
    assert.equal(change.routing?.status, 'connected');
    assert.equal(change.routing?.repId, 'ben');
    assert.equal(change.routing?.endedAt, at(6));
    assert.equal(change.visitor, undefined, 'the visitor is stored once, with the first write');
    assert.deepEqual(change.connection, { repId: 'ben', startedAt: at(6) });

    const after = afterWriting(record, written);
    assert.equal(after.connection, true);
    assert.equal(changesNothing(projectionChange(record.state, after, NOW).change), true);
  });

  test('offers taken as written elsewhere (the first offers beginRouting showed) are not created again', () => {
    const record = offering();
    const shown: Written = { offers: new Map([['ann', 'pending']]), routing: '', connection: false };
    const { change } = projectionChange(record.state, shown, NOW);
    assert.deepEqual(
      change.created.map((offer) => offer.repId),
      ['ben'],
    );
  });

  test('a routing that matched no rule writes its row with no rule and no first offer', () => {
    const record = new RoutingRecord({ routingId: 'r-2', type: 'pounce', visitor }, tickingClock());
    record.matchedAgainst(3);
    record.end('no_match');
    const { change } = projectionChange(record.state, nothingWritten(), NOW);
    assert.equal(change.routing?.ruleId, null);
    assert.equal(change.routing?.firstOfferAt, null);
    assert.equal(change.routing?.status, 'no_match');
    assert.equal(change.connection, undefined);
    assert.deepEqual(change.created, []);
  });

  test('times the routing has not set yet are taken as now', () => {
    // A connection's start is the routing's end; before the record sets it, the diff's `now` stands in.
    const record = offering();
    const view = { ...record.state, repId: 'ann', endedAt: null };
    const { change } = projectionChange(view, nothingWritten(), NOW);
    assert.deepEqual(change.connection, { repId: 'ann', startedAt: NOW });
  });
});
