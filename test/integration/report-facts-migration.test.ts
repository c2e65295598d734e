// Migration 0023_report_facts fills the reports' rows (store/report-facts.ts) from the routings and offers stored
// before it, so the reports give the same answers about them as about routings stored since.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase } from '../../store/database';
import { firstOfferShares, outcomesReport, repOffers, speedToLead } from '../../store/reports';
import { createTestDatabase, migratedUpTo } from '../support/database';

describe("migration '0023_report_facts'", () => {
  test('fills the report rows of the routings stored before it', async () => {
    const database = await createTestDatabase();
    const raw = await migratedUpTo(database, '0023_report_facts');
    const at = (seconds: number) => new Date(Date.parse('2026-03-01T10:00:00.000Z') + seconds * 1000).toISOString();
    const routing = { type: 'inbound', visitor_id: 'v', rule_id: 'fa', started_at: at(0) };
    const offer = { routing_type: 'inbound', rule_id: 'fa', stage: 'route_to', offered_at: at(1), expires_at: at(61) };
    try {
      await raw
        .insertInto('routings')
        .values([
          // Offered to ann and bob at once 1 s in (two eligible), ann accepted 3.5 s in.
          {
            ...routing,
            routing_id: 'r1',
            status: 'connected',
            rep_id: 'ann',
            ended_at: at(3.5),
            first_offer_at: at(1),
            first_offer_ms: 1000,
            first_offer_eligible: 2,
            accepted_at: at(3.5),
            accept_ms: 3500,
          },
          // Offered to ann alone 1 s in, still routing; and one stored before the eligible count was kept.
          {
            ...routing,
            routing_id: 'r2',
            status: 'routing',
            first_offer_at: at(1),
            first_offer_ms: 1000,
            first_offer_eligible: 2,
          },
          {
            ...routing,
            routing_id: 'r3',
            status: 'expired',
            ended_at: at(60),
            first_offer_at: at(1),
            first_offer_ms: 1000,
          },
        ])
        .execute();
      await raw
        .insertInto('offers')
        .values([
          { ...offer, routing_id: 'r1', rep_id: 'ann', result: 'accepted', ended_at: at(3.5) },
          { ...offer, routing_id: 'r1', rep_id: 'bob', result: 'withdrawn', ended_at: at(3.5) },
          { ...offer, routing_id: 'r2', rep_id: 'ann', result: 'pending', ended_at: null },
          { ...offer, routing_id: 'r3', rep_id: 'bob', result: 'timed_out', ended_at: at(31) },
        ])
        .execute();
    } finally {
      await raw.destroy();
    }

    const db = await openDatabase(database.config);
    try {
      const window = { since: '2026-03-01T00:00:00.000Z', until: '2026-03-02T00:00:00.000Z' };
      assert.deepEqual(await speedToLead(db, window, 'rule'), [
        {
          key: 'fa',
          routings: 3,
          toFirstOffer: { count: 3, medianMs: 1000, p90Ms: 1000 },
          toAccept: { count: 1, medianMs: 3500, p90Ms: 3500 },
        },
      ]);
      const [day] = await outcomesReport(db, window, 'day');
      assert.deepEqual(
        [day?.key, day?.routings, day?.open, day?.outcomes.connected, day?.outcomes.expired],
        ['2026-03-01T00:00:00.000Z', 3, 1, 1, 1],
      );
      // r1's first offer went to two reps (half each), r2's to ann alone; r3 has no eligible count.
      const half = { ruleId: 'fa', stage: 'route_to', routings: 2, fairShare: 0.5 };
      assert.deepEqual(await firstOfferShares(db, window), [
        { ...half, repId: 'ann', firstOffers: 2, share: 0.75 },
        { ...half, repId: 'bob', firstOffers: 1, share: 0.25 },
      ]);
      const none = { accepted: 0, declined: 0, timedOut: 0, withdrawn: 0, pending: 0 };
      assert.deepEqual(await repOffers(db, window), [
        { ...none, repId: 'ann', offered: 2, accepted: 1, pending: 1 },
        { ...none, repId: 'bob', offered: 2, timedOut: 1, withdrawn: 1 },
      ]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
