// The offers a routing shows at its very start (domain/first-offers.ts): whom, and with what times.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstOffersShownAtStart, offerExpiresAt, takesTurnAtStart } from '../../domain/first-offers';
import type { Candidate } from '../../domain/routing';

const startedAt = '2030-01-01T00:00:00.000Z';
const stage = {
  name: 'route_to',
  candidates: [
    { userId: 'ann', eligible: true },
    { userId: 'bob', eligible: false, reason: 'away' },
    { userId: 'cy', eligible: true },
  ] satisfies Candidate[],
};

describe('firstOffersShownAtStart', () => {
  test('first available: every eligible candidate, in order, made at the start and expiring one timeout later', () => {
    const offers = firstOffersShownAtStart(
      { distribution: 'first_available', offerTimeoutSeconds: 45 },
      stage,
      startedAt,
    );
    assert.deepEqual(offers, [
      { repId: 'ann', stage: 'route_to', offeredAt: startedAt, expiresAt: '2030-01-01T00:00:45.000Z' },
      { repId: 'cy', stage: 'route_to', offeredAt: startedAt, expiresAt: '2030-01-01T00:00:45.000Z' },
    ]);
  });

  test('round robin shows the first rep of the turn taken at the start, and only that rep', () => {
    assert.deepEqual(
      firstOffersShownAtStart({ distribution: 'round_robin', offerTimeoutSeconds: 45 }, stage, startedAt, [
        'cy',
        'ann',
      ]),
      [{ repId: 'cy', stage: 'route_to', offeredAt: startedAt, expiresAt: '2030-01-01T00:00:45.000Z' }],
    );
    assert.equal(takesTurnAtStart({ distribution: 'round_robin' }), true);
  });

  test('round robin without a turn (nobody eligible) shows nothing', () => {
    assert.deepEqual(
      firstOffersShownAtStart({ distribution: 'round_robin', offerTimeoutSeconds: 45 }, stage, startedAt),
      [],
    );
  });

  test('least busy shows nothing at the start: weighing the loads is the workflow’s to do', () => {
    assert.deepEqual(
      firstOffersShownAtStart({ distribution: 'least_busy', offerTimeoutSeconds: 45 }, stage, startedAt, ['cy']),
      [],
    );
    assert.equal(takesTurnAtStart({ distribution: 'least_busy' }), false);
    assert.equal(takesTurnAtStart({ distribution: 'first_available' }), false);
  });

  test('nobody eligible: nothing shown', () => {
    const nobody = { name: 'route_to', candidates: [{ userId: 'bob', eligible: false }] };
    assert.deepEqual(
      firstOffersShownAtStart({ distribution: 'first_available', offerTimeoutSeconds: 45 }, nobody, startedAt),
      [],
    );
  });

  test('a fractional timeout expires to the millisecond, as the workflow records it', () => {
    const [offer] = firstOffersShownAtStart(
      { distribution: 'first_available', offerTimeoutSeconds: 0.0015 },
      stage,
      startedAt,
    );
    assert.equal(offer?.expiresAt, '2030-01-01T00:00:00.002Z');
    assert.equal(offerExpiresAt(startedAt, 2), '2030-01-01T00:00:00.002Z');
  });
});
