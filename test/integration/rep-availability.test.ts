// Working hours, daily caps, missed offers setting a rep away, and idle conversations ended for their rep: each
// deciding a real routing on the Temporal server, explained in its stages and trace, and across a worker restart.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import { createRule, eventually, offerFor, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const allDay = [{ start: '00:00', end: '00:00' }];
const always = {
  timeZone: 'UTC',
  weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
};
/** Hours only on a date long past: the rep has hours, never now. */
const notNow = {
  timeZone: 'Europe/Paris',
  exceptions: [{ date: '2001-01-01', hours: [{ start: '09:00', end: '17:00' }] }],
};
const never = { timeZone: 'UTC' };

type Candidates = { userId: string; eligible: boolean; reason?: string }[];

describe('rep availability policies', () => {
  const suite = useTestService();

  async function putRep(id: string, settings: Record<string, unknown> = {}) {
    const response = await suite.admin.put(`/v1/users/${id}`, {
      name: id,
      email: `${id}@availability.test`,
      status: 'available',
      ...settings,
    });
    assert.ok(response.status === 200 || response.status === 201, JSON.stringify(response.body));
    return response.body;
  }

  /** A rule for visitors from `label`, and a function that routes one such visitor. */
  async function ruleFor(label: string, rule: Record<string, unknown>) {
    await createRule(suite.admin, {
      name: label,
      criteria: { all: [{ field: 'country', op: 'equals', value: label }] },
      offerTimeoutSeconds: 60,
      ...rule,
    });
    return async () => {
      const routingId = uniqueRoutingId(label);
      const started = await suite.admin.post('/v1/routings', {
        routingId,
        type: 'inbound',
        visitor: { id: `v-${routingId}`, country: label },
      });
      assert.ok(started.status === 201 || started.status === 202, JSON.stringify(started.body));
      return routingId;
    };
  }

  /** The rep's own event stream, open, collecting the events of `type`. */
  async function repStream(repId: string, type: string) {
    const token = (await suite.admin.post(`/v1/users/${repId}/tokens`)).body.token as string;
    const received: Record<string, unknown>[] = [];
    const source = new EventSource(`${suite.service.baseUrl}/v1/reps/${repId}/events`, {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` },
        }),
    });
    source.addEventListener(type, (event) => received.push(JSON.parse(event.data)));
    await new Promise<void>((resolve, reject) => {
      source.onopen = () => resolve();
      source.onerror = reject;
    });
    return { source, received };
  }

  const finalState = async (routingId: string) =>
    eventually(async () => {
      const { body } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=5`);
      return body.status === 'routing' ? undefined : body;
    }, 30_000);

  test('working hours: outside them a rep is not offered, and the booker lists only reps who have hours', async () => {
    await putRep('wh-on', { workingHours: always });
    await putRep('wh-off', { workingHours: notNow });
    await putRep('wh-never', { workingHours: never });
    await putRep('wh-member');
    await putRep('wh-unset');
    // A group's hours apply to members without their own.
    const group = await suite.admin.put('/v1/groups/wh-night', {
      name: 'night',
      members: ['wh-member'],
      workingHours: notNow,
    });
    assert.equal(group.status, 201, JSON.stringify(group.body));
    assert.deepEqual(group.body.workingHours.exceptions, notNow.exceptions);
    const route = await ruleFor('wh-land', {
      routeTo: { users: ['wh-off', 'wh-never', 'wh-member', 'wh-unset', 'wh-on'] },
      offerTimeoutSeconds: 1,
    });

    const simulated = await suite.admin.post('/v1/rules/simulate', { visitor: { id: 'sim', country: 'wh-land' } });
    assert.equal(simulated.status, 200, JSON.stringify(simulated.body));
    const expected = [
      { userId: 'wh-off', eligible: false, reason: 'outside_hours' },
      { userId: 'wh-never', eligible: false, reason: 'no_working_hours' },
      { userId: 'wh-member', eligible: false, reason: 'outside_hours' },
      { userId: 'wh-unset', eligible: true },
      { userId: 'wh-on', eligible: true },
    ];
    assert.deepEqual(simulated.body.stages[0].candidates, expected);
    assert.deepEqual(simulated.body.meetingBooker.userIds, ['wh-off', 'wh-member', 'wh-unset', 'wh-on']);
    // At a chosen instant: 2001-01-01 10:00 in Paris is within wh-off's and the group's hours.
    const then = await suite.admin.post('/v1/rules/simulate', {
      visitor: { id: 'sim', country: 'wh-land' },
      at: '2001-01-01T09:00:00.000Z',
    });
    assert.deepEqual(
      (then.body.stages[0].candidates as Candidates).filter((c) => c.eligible).map((c) => c.userId),
      ['wh-off', 'wh-member', 'wh-unset', 'wh-on'],
    );

    const routingId = await route();
    const state = await finalState(routingId);
    assert.deepEqual(state.stages[0].candidates, expected);
    assert.deepEqual(
      state.offers.map((o: { repId: string }) => o.repId),
      ['wh-unset', 'wh-on'],
    );
    assert.equal(state.status, 'meeting_booker');
    assert.deepEqual(state.meetingBooker.userIds, ['wh-off', 'wh-member', 'wh-unset', 'wh-on']);
  });

  test('working hours: a stage started after a worker restart judges hours then, and explains who was outside them', async () => {
    await putRep('whr-first');
    await putRep('whr-leaving', { workingHours: always });
    await putRep('whr-arriving', { workingHours: notNow });
    const route = await ruleFor('whr-land', {
      routeTo: { users: ['whr-first'] },
      fallbacks: [{ users: ['whr-leaving', 'whr-arriving'] }],
      offerTimeoutSeconds: 600,
    });
    const routingId = await route();
    await offerFor(suite.admin, 'whr-first', routingId);
    // While the first stage stands, the worker restarts and the two reps' hours swap.
    await suite.service.restartWorker({ downtimeMs: 200 });
    await putRep('whr-leaving', { workingHours: notNow });
    await putRep('whr-arriving', { workingHours: always });
    assert.equal((await suite.admin.decline(routingId, 'whr-first')).status, 200);
    await offerFor(suite.admin, 'whr-arriving', routingId);
    assert.equal((await suite.admin.accept(routingId, 'whr-arriving')).status, 200);

    const state = await finalState(routingId);
    assert.equal(state.status, 'connected');
    assert.deepEqual(state.stages[1].candidates, [
      { userId: 'whr-leaving', eligible: false, reason: 'outside_hours' },
      { userId: 'whr-arriving', eligible: true },
    ]);
    assert.deepEqual(
      state.offers.map((o: { repId: string; result: string }) => `${o.repId}:${o.result}`),
      ['whr-first:declined', 'whr-arriving:accepted'],
    );
  });

  test('daily cap: a rep at their cap of accepted offers is passed over, and stays so across a worker restart', async () => {
    await putRep('cap-one', { dailyAcceptCap: 1, workingHours: always });
    await putRep('cap-other');
    const route = await ruleFor('cap-land', { routeTo: { users: ['cap-one', 'cap-other'] } });
    const first = await route();
    await offerFor(suite.admin, 'cap-one', first);
    assert.equal((await suite.admin.accept(first, 'cap-one')).status, 200);
    // Capacity is not what stops them: the conversation is ended at once.
    assert.equal((await suite.admin.post(`/v1/routings/${first}/end`)).status, 200);

    await suite.service.restartWorker();
    const second = await route();
    await offerFor(suite.admin, 'cap-other', second);
    const { body: state } = await suite.admin.get(`/v1/routings/${second}`);
    assert.deepEqual(state.stages[0].candidates, [
      { userId: 'cap-one', eligible: false, reason: 'at_daily_cap' },
      { userId: 'cap-other', eligible: true },
    ]);
    await suite.admin.post(`/v1/routings/${second}/cancel`);
  });

  test('missed offers: a rep who lets offers time out in a row is set away, with the reason on their stream', async () => {
    await putRep('miss-rep', { awayAfterMissedOffers: 2 });
    await putRep('miss-peer', { status: 'away' });
    const { source, received } = await repStream('miss-rep', 'presence.changed');
    try {
      const route = await ruleFor('miss-land', { routeTo: { users: ['miss-rep'] }, offerTimeoutSeconds: 1 });
      // Missed, answered (the run starts again), missed, then a worker restart before the second miss in a row.
      const timesOut = async () => {
        const routingId = await route();
        const state = await finalState(routingId);
        assert.deepEqual(
          state.offers.map((o: { result: string }) => o.result),
          ['timed_out'],
        );
      };
      await timesOut();
      const declined = await route();
      await offerFor(suite.admin, 'miss-rep', declined);
      assert.equal((await suite.admin.decline(declined, 'miss-rep')).status, 200);
      await finalState(declined);
      await timesOut();
      assert.equal((await suite.admin.get('/v1/users/miss-rep')).body.status, 'available');
      await suite.service.restartWorker();
      await timesOut();

      assert.equal((await suite.admin.get('/v1/users/miss-rep')).body.status, 'away');
      const event = await eventually(async () => received.find((e) => e.reason === 'missed_offers'));
      assert.equal(event.status, 'away');
      assert.equal(event.missedOffers, 2);
      // Away now: the next routing passes them over.
      const after = await route();
      const state = await finalState(after);
      assert.deepEqual(state.stages[0].candidates, [{ userId: 'miss-rep', eligible: false, reason: 'away' }]);
    } finally {
      source.close();
    }
  });

  test('idle conversations: one nobody ends is ended for its rep, who is told why, across a worker restart', async () => {
    await putRep('idle-rep');
    const { source, received } = await repStream('idle-rep', 'conversation.ended');
    after(() => source.close());
    const route = await ruleFor('idle-land', { routeTo: { users: ['idle-rep'] }, endConversationAfterSeconds: 3 });
    const routingId = await route();
    await offerFor(suite.admin, 'idle-rep', routingId);
    assert.equal((await suite.admin.accept(routingId, 'idle-rep')).status, 200);
    const state = await finalState(routingId);
    assert.equal(state.status, 'connected');
    assert.ok(state.trace.some((entry: { event: string }) => entry.event === 'conversation.end_scheduled'));
    const open = async () => (await suite.admin.get('/v1/reps/idle-rep/conversations')).body.conversations;
    assert.deepEqual(
      (await open()).map((c: { routingId: string }) => c.routingId),
      [routingId],
    );
    await suite.service.restartWorker();
    await eventually(async () => ((await open()).length === 0 ? true : undefined), 30_000);
    // Their stream says which conversation ended, and that it was for idleness.
    const ended = await eventually(async () => received.find((event) => event.routingId === routingId));
    assert.equal(ended.reason, 'idle');
    assert.equal(ended.repId, 'idle-rep');
    // The rep's own end afterwards finds nothing open.
    assert.equal((await suite.admin.post(`/v1/routings/${routingId}/end`)).status, 409);

    // An end someone asks for is told as such.
    const routeLong = await ruleFor('idle-asked', {
      routeTo: { users: ['idle-rep'] },
      endConversationAfterSeconds: 600,
    });
    const asked = await routeLong();
    await offerFor(suite.admin, 'idle-rep', asked);
    assert.equal((await suite.admin.accept(asked, 'idle-rep')).status, 200);
    await eventually(async () => {
      const { trace } = await finalState(asked);
      return trace.some((entry: { event: string }) => entry.event === 'conversation.end_scheduled') || undefined;
    });
    assert.equal((await suite.admin.post(`/v1/routings/${asked}/end`)).status, 200);
    const requested = await eventually(async () => received.find((event) => event.routingId === asked));
    assert.equal(requested.reason, 'requested');
    // Its idle end is cancelled rather than left sleeping: its history closes now.
    const idleEnd = suite.service.env.client.workflow.getHandle(`${asked}:end-idle`);
    await eventually(async () => ((await idleEnd.describe()).status.name === 'CANCELLED' ? true : undefined));
  });
});
