// The reports (GET /v1/reports/...) against routings driven through the real service over HTTP: accepts, declines,
// timeouts, a cancel, a superseded pounce and a visitor no rule matches. Counts are known from what the test did;
// delays and their percentiles are worked out here from the timestamps each routing recorded (its state), never from
// the wall clock.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { RepOffersRow } from '../../store/reports';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface Offer {
  repId: string;
  stage: string;
  offeredAt: string;
  endedAt: string | null;
  result: string;
}
interface State {
  routingId: string;
  type: string;
  status: string;
  startedAt: string;
  rule: { id: string } | null;
  repId: string | null;
  offers: Offer[];
}

/** percentile_cont: linear interpolation between the closest ranks of the sorted values. */
function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const lowValue = sorted[low] as number;
  const highValue = sorted[Math.min(low + 1, sorted.length - 1)] as number;
  return Math.round((lowValue + (highValue - lowValue) * (position - low)) * 1000) / 1000;
}

const millisAfterStart = (state: State, at: string) => Date.parse(at) - Date.parse(state.startedAt);
const firstOfferMs = (state: State) =>
  state.offers.length === 0
    ? undefined
    : Math.min(...state.offers.map((offer) => millisAfterStart(state, offer.offeredAt)));
const acceptMs = (state: State) => {
  const accepted = state.offers.find((offer) => offer.result === 'accepted');
  return accepted?.endedAt ? millisAfterStart(state, accepted.endedAt) : undefined;
};

function expectedDelays(states: readonly State[], delay: (state: State) => number | undefined) {
  const values = states.map(delay).filter((value): value is number => value !== undefined);
  return { count: values.length, medianMs: percentile(values, 0.5), p90Ms: percentile(values, 0.9) };
}

describe('reports', () => {
  const suite = useTestService();
  let window: string;
  const rules: Record<'fa' | 'rr' | 'rrTimeout', string> = { fa: '', rr: '', rrTimeout: '' };
  const states: State[] = [];
  /** What each rep's offers ended as, by what the test made them do. */
  const expectedResults = new Map<string, Record<string, number>>();

  const start = async (country: string, type = 'inbound', visitorId = `v-${uniqueRoutingId(country)}`) => {
    const routingId = uniqueRoutingId(country);
    const response = await suite.admin.post('/v1/routings', { routingId, type, visitor: { id: visitorId, country } });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return routingId;
  };
  const finalState = async (routingId: string, status: string): Promise<State> => {
    const { body } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(body.status, status, JSON.stringify(body));
    return body;
  };
  /** The rep the routing offered (or last offered), once it has. */
  const offeredRep = (routingId: string, count: number) =>
    eventually(async () => {
      const { body } = await suite.admin.get(`/v1/routings/${routingId}`);
      return body.offers.length >= count ? (body.offers[count - 1].repId as string) : undefined;
    });

  before(async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    await putReps(suite.admin, ['ann', 'ben', 'cat', 'dan']);
    rules.fa = (
      await createRule(suite.admin, {
        name: 'first available',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'fa' }] },
        routeTo: { users: ['ann', 'ben'] },
        offerTimeoutSeconds: 60,
      })
    ).id;
    rules.rr = (
      await createRule(suite.admin, {
        name: 'round robin',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'rr' }] },
        routeTo: { users: ['cat', 'dan'] },
        distribution: 'round_robin',
        offerTimeoutSeconds: 60,
      })
    ).id;
    rules.rrTimeout = (
      await createRule(suite.admin, {
        name: 'round robin, nobody answers',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'rr-timeout' }] },
        routeTo: { users: ['cat', 'dan'] },
        distribution: 'round_robin',
        offerTimeoutSeconds: 0.3,
        meetingBooker: { enabled: false },
      })
    ).id;
    const count = (repId: string, result: string) => {
      const results = expectedResults.get(repId) ?? {};
      results[result] = (results[result] ?? 0) + 1;
      expectedResults.set(repId, results);
    };

    // First available: ann wins, ben wins, both decline, the visitor leaves.
    const annWins = await start('fa');
    await offerFor(suite.admin, 'ann', annWins);
    assert.equal((await suite.admin.accept(annWins, 'ann')).status, 200);
    states.push(await finalState(annWins, 'connected'));
    count('ann', 'accepted');
    count('ben', 'withdrawn');
    const benWins = await start('fa');
    await offerFor(suite.admin, 'ben', benWins);
    assert.equal((await suite.admin.accept(benWins, 'ben')).status, 200);
    states.push(await finalState(benWins, 'connected'));
    count('ben', 'accepted');
    count('ann', 'withdrawn');
    const bothDecline = await start('fa');
    await offerFor(suite.admin, 'ann', bothDecline);
    await offerFor(suite.admin, 'ben', bothDecline);
    assert.equal((await suite.admin.decline(bothDecline, 'ann')).status, 200);
    assert.equal((await suite.admin.decline(bothDecline, 'ben')).status, 200);
    states.push(await finalState(bothDecline, 'meeting_booker'));
    count('ann', 'declined');
    count('ben', 'declined');
    const visitorLeft = await start('fa');
    await offerFor(suite.admin, 'ann', visitorLeft);
    assert.equal((await suite.admin.post(`/v1/routings/${visitorLeft}/cancel`)).status, 200);
    states.push(await finalState(visitorLeft, 'cancelled'));
    count('ann', 'withdrawn');
    count('ben', 'withdrawn');
    // A pounce superseded by the same visitor's inbound routing, which is then cancelled too.
    const visitorId = `v-${uniqueRoutingId('pounce')}`;
    const pounce = await start('fa', 'pounce', visitorId);
    await offerFor(suite.admin, 'ann', pounce);
    const inbound = await start('fa', 'inbound', visitorId);
    states.push(await finalState(pounce, 'superseded'));
    await offerFor(suite.admin, 'ann', inbound);
    assert.equal((await suite.admin.post(`/v1/routings/${inbound}/cancel`)).status, 200);
    states.push(await finalState(inbound, 'cancelled'));
    for (let routing = 0; routing < 2; routing++) {
      count('ann', 'withdrawn');
      count('ben', 'withdrawn');
    }

    // Round robin: the first rep offered accepts; then the first declines and the other accepts.
    const firstAccepts = await start('rr');
    const first = await offeredRep(firstAccepts, 1);
    await offerFor(suite.admin, first, firstAccepts);
    assert.equal((await suite.admin.accept(firstAccepts, first)).status, 200);
    states.push(await finalState(firstAccepts, 'connected'));
    count(first, 'accepted');
    const secondAccepts = await start('rr');
    const declining = await offeredRep(secondAccepts, 1);
    await offerFor(suite.admin, declining, secondAccepts);
    assert.equal((await suite.admin.decline(secondAccepts, declining)).status, 200);
    const accepting = await offeredRep(secondAccepts, 2);
    await offerFor(suite.admin, accepting, secondAccepts);
    assert.equal((await suite.admin.accept(secondAccepts, accepting)).status, 200);
    states.push(await finalState(secondAccepts, 'connected'));
    count(declining, 'declined');
    count(accepting, 'accepted');
    // Round robin where both offers time out, and no meeting booker: no_rep.
    const nobodyAnswers = await start('rr-timeout');
    const timedOut = await finalState(nobodyAnswers, 'no_rep');
    states.push(timedOut);
    assert.equal(timedOut.offers.length, 2);
    for (const offer of timedOut.offers) count(offer.repId, 'timed_out');
    // A visitor no rule matches.
    states.push(await finalState(await start('nowhere'), 'no_match'));

    const until = new Date(Date.now() + 60_000).toISOString();
    window = `since=${since}&until=${until}`;
    // Every routing's row carries its outcome before the reports read them.
    await eventually(async () => {
      const { body } = await suite.admin.get(`/v1/reports/outcomes?${window}`);
      const open = body.rows.reduce((sum: number, row: { open: number }) => sum + row.open, 0);
      return open === 0 && body.rows.length > 0 ? true : undefined;
    });
  });

  const ofRule = (ruleId: string | null) => states.filter((state) => (state.rule?.id ?? null) === ruleId);

  test('outcomes per rule are the outcomes the routings reached', async () => {
    const { status, body } = await suite.admin.get(`/v1/reports/outcomes?${window}&groupBy=rule`);
    assert.equal(status, 200, JSON.stringify(body));
    const zero = {
      connected: 0,
      meeting_booker: 0,
      no_rep: 0,
      no_match: 0,
      expired: 0,
      cancelled: 0,
      superseded: 0,
    };
    const expected = [
      {
        key: rules.fa,
        routings: 6,
        open: 0,
        outcomes: { ...zero, connected: 2, meeting_booker: 1, cancelled: 2, superseded: 1 },
      },
      { key: rules.rr, routings: 2, open: 0, outcomes: { ...zero, connected: 2 } },
      { key: rules.rrTimeout, routings: 1, open: 0, outcomes: { ...zero, no_rep: 1 } },
      { key: null, routings: 1, open: 0, outcomes: { ...zero, no_match: 1 } },
    ].sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
    assert.deepEqual(body.rows, expected);
    // A rule filter keeps that rule's routings only.
    const { body: filtered } = await suite.admin.get(`/v1/reports/outcomes?${window}&groupBy=rule&ruleId=${rules.rr}`);
    assert.deepEqual(filtered.rows, [expected.find((row) => row.key === rules.rr)]);
    // By type: one pounce, superseded.
    const { body: pounces } = await suite.admin.get(`/v1/reports/outcomes?${window}&groupBy=rule&type=pounce`);
    assert.deepEqual(pounces.rows, [{ key: rules.fa, routings: 1, open: 0, outcomes: { ...zero, superseded: 1 } }]);
  });

  test('speed to lead per rule: median and p90 of the recorded delays', async () => {
    const { status, body } = await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=rule`);
    assert.equal(status, 200, JSON.stringify(body));
    const rows = [rules.fa, rules.rr, rules.rrTimeout, null].map((ruleId) => {
      const routings = ofRule(ruleId);
      return {
        key: ruleId,
        routings: routings.length,
        toFirstOffer: expectedDelays(routings, firstOfferMs),
        toAccept: expectedDelays(routings, acceptMs),
      };
    });
    rows.sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : a.key < b.key ? -1 : 1));
    assert.deepEqual(body.rows, rows);
    // Exact counts, whatever the timings: every first-available routing was offered, two were accepted.
    const fa = body.rows.find((row: { key: string }) => row.key === rules.fa);
    assert.deepEqual([fa.toFirstOffer.count, fa.toAccept.count], [6, 2]);
    const noMatch = body.rows.find((row: { key: string | null }) => row.key === null);
    assert.deepEqual(noMatch.toFirstOffer, { count: 0, medianMs: null, p90Ms: null });
  });

  test('speed to lead per UTC day and hour, and per assigned rep', async () => {
    for (const [groupBy, length, suffix] of [
      ['day', 10, 'T00:00:00.000Z'],
      ['hour', 13, ':00:00.000Z'],
    ] as const) {
      const buckets = [...new Set(states.map((state) => state.startedAt.slice(0, length)))].sort();
      const { body } = await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=${groupBy}`);
      assert.deepEqual(
        body.rows,
        buckets.map((bucket) => {
          const routings = states.filter((state) => state.startedAt.startsWith(bucket));
          return {
            key: `${bucket}${suffix}`,
            routings: routings.length,
            toFirstOffer: expectedDelays(routings, firstOfferMs),
            toAccept: expectedDelays(routings, acceptMs),
          };
        }),
      );
    }
    const reps = [...new Set(states.map((state) => state.repId))].sort((a, b) =>
      a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
    );
    const { body } = await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=rep`);
    assert.deepEqual(
      body.rows,
      reps.map((repId) => {
        const routings = states.filter((state) => state.repId === repId);
        return {
          key: repId,
          routings: routings.length,
          toFirstOffer: expectedDelays(routings, firstOfferMs),
          toAccept: expectedDelays(routings, acceptMs),
        };
      }),
    );
  });

  test('offers per rep: made, accepted, declined, timed out, withdrawn', async () => {
    const { status, body } = await suite.admin.get(`/v1/reports/reps?${window}`);
    assert.equal(status, 200, JSON.stringify(body));
    const expected = [...expectedResults.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([repId, results]) => ({
        repId,
        offered: Object.values(results).reduce((sum, n) => sum + n, 0),
        accepted: results.accepted ?? 0,
        declined: results.declined ?? 0,
        timedOut: results.timed_out ?? 0,
        withdrawn: results.withdrawn ?? 0,
        pending: 0,
      }));
    assert.deepEqual(body.reps, expected);
    // ann and ben were offered each of the six first-available routings.
    assert.deepEqual(
      body.reps
        .filter((rep: { repId: string }) => rep.repId === 'ann' || rep.repId === 'ben')
        .map((rep: { offered: number }) => rep.offered),
      [6, 6],
    );
    const totals = body.reps.reduce(
      (sum: Record<string, number>, rep: Record<string, number>) => {
        for (const key of ['accepted', 'declined', 'timedOut']) sum[key] = (sum[key] ?? 0) + (rep[key] as number);
        return sum;
      },
      {} as Record<string, number>,
    );
    assert.deepEqual(totals, { accepted: 4, declined: 3, timedOut: 2 });
  });

  test('first-offer shares against fair shares, per rule and stage', async () => {
    const { status, body } = await suite.admin.get(`/v1/reports/first-offer-shares?${window}`);
    assert.equal(status, 200, JSON.stringify(body));
    // Round robin: each routing's first offer went to one of its two eligible reps.
    const firstOffered = (ruleId: string) =>
      ofRule(ruleId).map((state) => {
        const firstAt = Math.min(...state.offers.map((offer) => Date.parse(offer.offeredAt)));
        return state.offers.find((offer) => Date.parse(offer.offeredAt) === firstAt)?.repId as string;
      });
    const roundRobinRows = (ruleId: string) => {
      const firsts = firstOffered(ruleId);
      return [...new Set(firsts)].sort().map((repId) => {
        const n = firsts.filter((rep) => rep === repId).length;
        return {
          ruleId,
          stage: 'route_to',
          repId,
          firstOffers: n,
          routings: firsts.length,
          share: Math.round((n / firsts.length) * 1e6) / 1e6,
          fairShare: 0.5,
        };
      });
    };
    const expected = [
      // First available: both reps were offered every routing at once, each half of it, as fair.
      { ruleId: rules.fa, stage: 'route_to', repId: 'ann', firstOffers: 6, routings: 6, share: 0.5, fairShare: 0.5 },
      { ruleId: rules.fa, stage: 'route_to', repId: 'ben', firstOffers: 6, routings: 6, share: 0.5, fairShare: 0.5 },
      ...roundRobinRows(rules.rr),
      ...roundRobinRows(rules.rrTimeout),
    ].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.repId < b.repId ? -1 : 1));
    assert.deepEqual(body.rows, expected);
    // Two round-robin routings of one rule went to one rep each, in turn.
    assert.deepEqual(
      roundRobinRows(rules.rr).map((row) => row.firstOffers),
      [1, 1],
    );
  });

  test('every report keeps to the rule and the type asked for', async () => {
    const speedRow = (key: string | null, routings: State[]) => ({
      key,
      routings: routings.length,
      toFirstOffer: expectedDelays(routings, firstOfferMs),
      toAccept: expectedDelays(routings, acceptMs),
    });
    /** The reps report over these routings' offers, from what each routing recorded of them. */
    const repsOf = (routings: State[]) => {
      const fields: Record<string, 'accepted' | 'declined' | 'timedOut' | 'withdrawn' | 'pending'> = {
        accepted: 'accepted',
        declined: 'declined',
        timed_out: 'timedOut',
        withdrawn: 'withdrawn',
        pending: 'pending',
      };
      const reps = new Map<string, RepOffersRow>();
      for (const offer of routings.flatMap((state) => state.offers)) {
        const zero = { accepted: 0, declined: 0, timedOut: 0, withdrawn: 0, pending: 0 };
        const row = reps.get(offer.repId) ?? { repId: offer.repId, offered: 0, ...zero };
        row.offered++;
        row[fields[offer.result] as keyof typeof zero]++;
        reps.set(offer.repId, row);
      }
      return [...reps.values()].sort((a, b) => (a.repId < b.repId ? -1 : 1));
    };
    const pounces = states.filter((state) => state.type === 'pounce');
    assert.equal(pounces.length, 1);
    const get = async (path: string) => {
      const { status, body } = await suite.admin.get(`/v1/reports/${path}`);
      assert.equal(status, 200, JSON.stringify(body));
      return body;
    };

    assert.deepEqual((await get(`speed-to-lead?${window}&groupBy=rule&ruleId=${rules.rr}`)).rows, [
      speedRow(rules.rr, ofRule(rules.rr)),
    ]);
    assert.deepEqual((await get(`speed-to-lead?${window}&groupBy=rule&type=pounce`)).rows, [
      speedRow(rules.fa, pounces),
    ]);
    const rrReps: RepOffersRow[] = (await get(`reps?${window}&ruleId=${rules.rr}`)).reps;
    assert.deepEqual(rrReps, repsOf(ofRule(rules.rr)));
    // Two round-robin routings: one accepted at once, one declined then accepted.
    assert.deepEqual([rrReps.reduce((sum, rep) => sum + rep.offered, 0), rrReps.length], [3, 2]);
    // The superseded pounce's offers to ann and ben, withdrawn.
    const pounceReps: RepOffersRow[] = (await get(`reps?${window}&type=pounce`)).reps;
    assert.deepEqual(pounceReps, repsOf(pounces));
    assert.deepEqual(
      pounceReps.map((rep: { repId: string; offered: number; withdrawn: number }) => [
        rep.repId,
        rep.offered,
        rep.withdrawn,
      ]),
      [
        ['ann', 1, 1],
        ['ben', 1, 1],
      ],
    );
    const half = { stage: 'route_to', share: 0.5, fairShare: 0.5 };
    assert.deepEqual((await get(`first-offer-shares?${window}&ruleId=${rules.fa}`)).rows, [
      { ruleId: rules.fa, repId: 'ann', firstOffers: 6, routings: 6, ...half },
      { ruleId: rules.fa, repId: 'ben', firstOffers: 6, routings: 6, ...half },
    ]);
    assert.deepEqual((await get(`first-offer-shares?${window}&type=pounce`)).rows, [
      { ruleId: rules.fa, repId: 'ann', firstOffers: 1, routings: 1, ...half },
      { ruleId: rules.fa, repId: 'ben', firstOffers: 1, routings: 1, ...half },
    ]);
    // Both filters at once: no pounce had the round-robin rule.
    for (const report of ['speed-to-lead', 'outcomes', 'first-offer-shares']) {
      assert.deepEqual((await get(`${report}?${window}&ruleId=${rules.rr}&type=pounce`)).rows, [], report);
    }
    assert.deepEqual((await get(`reps?${window}&ruleId=${rules.rr}&type=pounce`)).reps, []);
  });

  test('a window that holds none of the routings reports nothing; reports are for admins only', async () => {
    const empty = 'since=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00%2B01:00';
    for (const report of ['speed-to-lead', 'outcomes', 'first-offer-shares']) {
      const { status, body } = await suite.admin.get(`/v1/reports/${report}?${empty}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual(body, {
        window: { since: '2020-01-01T00:00:00.000Z', until: '2020-01-01T23:00:00.000Z' },
        rows: [],
      });
    }
    assert.deepEqual((await suite.admin.get(`/v1/reports/reps?${empty}`)).body.reps, []);
    const experience = suite.admin.withToken(suite.service.keys.experienceKey);
    const rep = await suite.admin.asRep('ann');
    for (const client of [experience, rep]) {
      for (const report of ['speed-to-lead', 'outcomes', 'reps', 'first-offer-shares']) {
        assert.equal((await client.get(`/v1/reports/${report}`)).status, 403);
      }
    }
  });

  test('bad parameters are refused with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ['speed-to-lead?since=yesterday', 'since'],
      ['speed-to-lead?until=2026-13-01T00:00:00Z', 'until'],
      ['speed-to-lead?groupBy=week', 'groupBy'],
      ['outcomes?type=outbound', 'type'],
      ['reps?ruleId=a%20b', 'ruleId'],
      ['first-offer-shares?timeZone=Europe/Paris', 'timeZone'],
    ];
    for (const [query, field] of cases) {
      const { status, body } = await suite.admin.get(`/v1/reports/${query}`);
      assert.equal(status, 400, query);
      assert.deepEqual(
        body.error.details.issues.map((issue: { field: string }) => issue.field),
        [field],
        query,
      );
    }
  });
});
