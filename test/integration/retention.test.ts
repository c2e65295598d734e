// Retention: the purge workflow deletes finished routings (offers, conversation), rep events, finished webhook
// deliveries and outbound link clicks past their retention, in bounded batches, and never an open routing, an active conversation or a
// delivery still being sent; a worker start sets up the hourly Temporal Schedule that runs it.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { Lifecycle } from '../../runtime/lifecycle';
import { recordClick } from '../../store/outbound-tracking';
import { retentionScheduleId } from '../../worker/retention-schedule';
import { startWorker } from '../../worker/start-worker';
import type { PurgeCounts, PurgeInput, RetentionPolicy } from '../../workflows/purge-expired-data';
import { purgeExpiredDataWorkflowType } from '../../workflows/purge-expired-data';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

const DAY_MS = 86_400_000;
const defaults: RetentionPolicy = {
  finishedRoutingsDays: 90,
  repEventsDays: 7,
  webhookDeliveriesDays: 30,
  outboundClicksDays: 30,
};
const keepForever: RetentionPolicy = {
  finishedRoutingsDays: 0,
  repEventsDays: 0,
  webhookDeliveriesDays: 0,
  outboundClicksDays: 0,
};

describe('retention', () => {
  let experience: HttpClient;
  let receiver: Server;
  const suite = useTestService();

  before(async () => {
    experience = suite.admin.withToken(suite.service.keys.experienceKey);
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };
    const events = ['offer.created', 'offer.withdrawn', 'routing.connected', 'routing.finished', 'presence.changed'];
    const registered = await suite.admin.post('/v1/webhooks', { url: `http://127.0.0.1:${port}/hook`, events });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    // cy is in no rule: her presence changes nothing but her own event and delivery.
    await putReps(suite.admin, ['ann', 'bob', 'cy']);
    await createRule(suite.admin, { name: 'everyone', routeTo: { users: ['ann', 'bob'] }, offerTimeoutSeconds: 600 });
  });
  after(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** Starts a routing and waits until `repId` is offered it. */
  async function routingOfferedTo(label: string, repId: string): Promise<string> {
    const routingId = uniqueRoutingId(label);
    const started = await experience.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: label } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await offerFor(suite.admin, repId, routingId);
    return routingId;
  }

  function purge(input: PurgeInput): Promise<PurgeCounts> {
    return suite.service.env.client.workflow.execute(purgeExpiredDataWorkflowType, {
      taskQueue: suite.service.taskQueue,
      workflowId: uniqueRoutingId('purge'),
      args: [input],
    });
  }

  const routingIds = async () =>
    (await suite.service.db.selectFrom('routings').select('routing_id').execute()).map((row) => row.routing_id);
  const offersOf = async (routingId: string) =>
    (await suite.service.db.selectFrom('offers').select('rep_id').where('routing_id', '=', routingId).execute()).length;
  /** How many report rows a routing has (store/report-facts.ts): its own, and one per rep first offered. */
  const reportFactsOf = async (routingId: string) => {
    const { db } = suite.service;
    const of = (table: 'report_routings' | 'report_first_offers') =>
      db.selectFrom(table).select('routing_id').where('routing_id', '=', routingId).execute();
    return [(await of('report_routings')).length, (await of('report_first_offers')).length];
  };
  const conversationOf = (routingId: string) =>
    suite.service.db.selectFrom('conversations').selectAll().where('routing_id', '=', routingId).executeTakeFirst();

  test('old finished data goes in bounded batches; open, active, pending and recent data stays', async () => {
    const cancelled = await routingOfferedTo('old-cancelled', 'ann');
    assert.equal((await experience.post(`/v1/routings/${cancelled}/cancel`)).status, 200);
    const ended = await routingOfferedTo('old-ended', 'ann');
    assert.equal((await suite.admin.accept(ended, 'ann')).status, 200);
    assert.equal((await (await suite.admin.asRep('ann')).post(`/v1/routings/${ended}/end`)).status, 200);
    const active = await routingOfferedTo('old-active', 'bob');
    assert.equal((await suite.admin.accept(active, 'bob')).status, 200);
    const open = await routingOfferedTo('open', 'ann');
    const recent = await routingOfferedTo('recent', 'ann');
    assert.equal((await experience.post(`/v1/routings/${recent}/cancel`)).status, 200);
    // Every delivery so far has been sent (the receiver answers 204).
    await eventually(async () => {
      const pending = await suite.service.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .execute();
      return pending.length === 0 ? true : undefined;
    }, 30_000);

    // Make the first three routings, every event and every delivery so far 100 days old; the open routing started
    // that long ago too. One old delivery is still being retried (as one to a dead endpoint would be).
    const longAgo = new Date(Date.now() - 100 * DAY_MS).toISOString();
    const old = [cancelled, ended, active];
    await suite.service.db
      .updateTable('routings')
      .set({ started_at: longAgo, ended_at: longAgo })
      .where('routing_id', 'in', old)
      .execute();
    await suite.service.db
      .updateTable('routings')
      .set({ started_at: longAgo })
      .where('routing_id', '=', open)
      .execute();
    await suite.service.db.updateTable('rep_events').set({ created_at: longAgo }).execute();
    await suite.service.db.updateTable('webhook_deliveries').set({ created_at: longAgo }).execute();
    const oldDeliveries = await suite.service.db.selectFrom('webhook_deliveries').select('id').orderBy('id').execute();
    const stillSending = oldDeliveries[0]?.id as string;
    await suite.service.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending' })
      .where('id', '=', stillSending)
      .execute();
    const oldEvents = (await suite.service.db.selectFrom('rep_events').select('id').execute()).length;
    // Clicks on tracked outbound links: one 100 days old (long redeemed), one of today.
    const click = (senderEmail: string, clickedAt: string) => ({
      provider: 'salesloft' as const,
      senderEmail,
      url: 'https://www.example.test/',
      clickedAt,
    });
    await recordClick(suite.service.db, 'old-click', click('old@sender.test', longAgo), longAgo);
    const now = new Date().toISOString();
    await recordClick(suite.service.db, 'recent-click', click('recent@sender.test', now), now);
    // Something recent: a presence change is a rep event and a webhook delivery of today.
    assert.equal((await suite.admin.put('/v1/users/cy/presence', { status: 'away' })).status, 200);

    // Each routing's report rows: the routing's, and its first offer's to ann and bob (first available).
    for (const id of [cancelled, ended]) assert.deepEqual(await reportFactsOf(id), [1, 2], id);

    // 0 keeps everything.
    assert.deepEqual(await purge({ policy: keepForever }), {
      finishedRoutings: 0,
      repEvents: 0,
      webhookDeliveries: 0,
      outboundClicks: 0,
      batches: 0,
    });
    assert.equal((await routingIds()).length, 5);

    // One row per batch, so the purge has to work through many batches.
    const purged = await purge({ policy: defaults, batchSize: 1 });
    assert.equal(purged.finishedRoutings, 2, 'the cancelled and the ended routing');
    assert.equal(purged.repEvents, oldEvents);
    assert.equal(purged.webhookDeliveries, oldDeliveries.length - 1);
    assert.equal(purged.outboundClicks, 1);
    assert.ok(purged.batches >= 2 + oldEvents + oldDeliveries.length - 1 + 1, `${purged.batches} batches`);
    const clicks = await suite.service.db.selectFrom('outbound_clicks').select('token_hash').execute();
    assert.deepEqual(clicks, [{ token_hash: 'recent-click' }], 'the old click went, the recent one stays');

    const kept = await routingIds();
    assert.deepEqual(
      kept.filter((id) => [cancelled, ended].includes(id)),
      [],
      'old finished routings are gone',
    );
    for (const id of [active, open, recent]) assert.ok(kept.includes(id), `${id} is kept`);
    assert.equal(await offersOf(cancelled), 0);
    assert.equal(await offersOf(ended), 0);
    assert.deepEqual(await reportFactsOf(cancelled), [0, 0]);
    assert.deepEqual(await reportFactsOf(ended), [0, 0]);
    for (const id of [active, open, recent]) assert.deepEqual(await reportFactsOf(id), [1, 2], id);
    assert.equal(await conversationOf(ended), undefined);
    assert.ok((await offersOf(active)) > 0 && (await offersOf(open)) > 0 && (await offersOf(recent)) > 0);
    assert.equal((await conversationOf(active))?.ended_at, null, 'the active conversation is kept');
    assert.equal((await suite.admin.get('/v1/reps/bob/conversations')).body.conversations.length, 1);
    assert.ok(
      (await suite.admin.get('/v1/reps/ann/offers')).body.offers.some((offer: any) => offer.routingId === open),
    );

    const events = await suite.service.db.selectFrom('rep_events').select(['type', 'created_at']).execute();
    assert.deepEqual(
      events.map((event) => event.type),
      ['presence.changed'],
      'only the recent event is left',
    );
    const deliveries = await suite.service.db.selectFrom('webhook_deliveries').select(['id', 'event_type']).execute();
    assert.ok(
      deliveries.some((delivery) => delivery.id === stillSending),
      'the delivery still being sent is kept',
    );
    assert.ok(
      deliveries.some((delivery) => delivery.event_type === 'presence.changed'),
      'the recent one is kept',
    );
    assert.equal(deliveries.length, 2);
    const orphanAttempts = await suite.service.db
      .selectFrom('webhook_attempts')
      .select('delivery_id')
      .where(
        'delivery_id',
        'not in',
        deliveries.map((delivery) => delivery.id),
      )
      .execute();
    assert.deepEqual(orphanAttempts, [], 'attempts go with their delivery');
  });

  test('a worker start creates the hourly schedule that runs the purge; a later start updates it', async () => {
    const taskQueue = `retention-${randomUUID()}`;
    const lifecycle = new Lifecycle(pino({ level: 'silent' }));
    after(() => lifecycle.stop('test over'));
    const workflowBundle = { code: readFileSync(process.env.TEST_WORKFLOW_BUNDLE as string, 'utf8') };
    const start = (retention: RetentionPolicy) =>
      startWorker({
        target: { connection: { address: process.env.TEST_TEMPORAL_ADDRESS as string }, namespace: 'default' },
        taskQueue,
        db: suite.service.db,
        workflowBundle,
        logger: pino({ level: 'silent' }),
        lifecycle,
        retention,
      });
    const schedule = suite.service.env.client.schedule.getHandle(retentionScheduleId(taskQueue));
    after(() => schedule.delete());

    await start(defaults);
    let described = await schedule.describe();
    assert.equal(described.action.type, 'startWorkflow');
    assert.equal(described.action.workflowType, purgeExpiredDataWorkflowType);
    assert.equal(described.action.taskQueue, taskQueue);
    assert.deepEqual(described.action.args, [{ policy: defaults }]);
    assert.equal(described.policies.overlap, 'SKIP');
    assert.deepEqual(
      (described.spec.intervals ?? []).map((interval) => interval.every),
      [3_600_000],
      'every hour',
    );

    // Another worker starts with other settings: the one schedule now carries those.
    const longer = { ...defaults, finishedRoutingsDays: 365 };
    await start(longer);
    described = await schedule.describe();
    assert.deepEqual(described.action.args, [{ policy: longer }]);

    // Its action really purges: triggered now, the run completes on the worker.
    await schedule.trigger();
    const action = await eventually(async () => (await schedule.describe()).info.recentActions[0]);
    const run = suite.service.env.client.workflow.getHandle(
      action.action.workflow.workflowId,
      action.action.workflow.firstExecutionRunId,
    );
    const counts: PurgeCounts = await run.result();
    assert.equal(typeof counts.batches, 'number');
  });
});
