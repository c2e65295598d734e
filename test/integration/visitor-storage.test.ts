// The visitor: bounded in size (limits stated in /openapi.json, 400 naming the field beyond them) and stored once per
// routing, with offers, conversations and reps' events showing it as before.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { openDatabase } from '../../store/database';
import { liveOffersForRep } from '../../store/projection';
import { repEventsAfter } from '../../store/rep-events';
import { createTestDatabase, migratedUpTo } from '../support/database';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const issueFields = (body: { error: { details?: { issues: { field: string }[] } } }) =>
  body.error.details?.issues.map((issue) => issue.field) ?? [];

describe('visitor size limits', () => {
  const suite = useTestService();

  const keys = (count: number, value: unknown = 'x') =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, value]));

  test('beyond a limit is a 400 naming the field; at the limit is accepted', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ fields: keys(51) }, 'visitor.fields'],
      [{ fields: { ['k'.repeat(101)]: 1 } }, 'visitor.fields'],
      [{ fields: { plan: 'x'.repeat(1001) } }, 'visitor.fields.plan'],
      [{ fields: { nested: { deeper: 1 } } }, 'visitor.fields.nested'],
      [{ fields: { list: Array.from({ length: 51 }, () => 'x') } }, 'visitor.fields.list'],
      [{ utm: keys(21) }, 'visitor.utm'],
      [{ utm: { source: 'x'.repeat(501) } }, 'visitor.utm.source'],
      [{ utm: { source: 7 } }, 'visitor.utm.source'],
      [{ segments: Array.from({ length: 101 }, () => 's') }, 'visitor.segments'],
      [{ name: 'x'.repeat(201) }, 'visitor.name'],
    ];
    for (const [extra, field] of cases) {
      const response = await suite.admin.post('/v1/routings', { type: 'inbound', visitor: { id: 'v', ...extra } });
      assert.equal(response.status, 400, JSON.stringify(extra).slice(0, 200));
      assert.ok(
        issueFields(response.body).some((named) => named.startsWith(field)),
        `${field}: ${issueFields(response.body)}`,
      );
    }
    const atLimits = await suite.admin.post('/v1/routings', {
      type: 'pounce',
      visitor: {
        id: 'v-at-limits',
        fields: { ...keys(49, 'x'.repeat(1000)), list: Array.from({ length: 50 }, () => 'y'.repeat(1000)) },
        utm: keys(20, 'u'.repeat(500)),
      },
    });
    assert.equal(atLimits.status, 202, JSON.stringify(atLimits.body).slice(0, 300));
  });

  test('/openapi.json states the limits', async () => {
    const { body } = await suite.admin.get('/openapi.json');
    const visitor = body.components.schemas.Visitor.properties;
    assert.equal(visitor.fields.maxProperties, 50);
    assert.equal(visitor.fields.propertyNames.maxLength, 100);
    assert.equal(visitor.utm.maxProperties, 20);
    assert.equal(visitor.utm.additionalProperties.maxLength, 500);
    assert.equal(visitor.segments.maxItems, 100);
  });
});

describe('the visitor stored once per routing', () => {
  let receiver: Server;
  const received: { type: string; data: Record<string, unknown> }[] = [];
  const suite = useTestService();

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    assert.equal((await suite.admin.post('/v1/webhooks', { url, events: ['offer.created'] })).status, 201);
    await putReps(suite.admin, ['ada', 'bo']);
    await createRule(suite.admin, { routeTo: { users: ['ada', 'bo'] }, offerTimeoutSeconds: 600 });
  });
  after(() => {
    receiver.close();
  });

  test('offers, events and conversations show the visitor; only the routing row stores it', async () => {
    const visitor = { id: 'v-once', email: 'once@visitor.test', name: 'Once', fields: { plan: 'pro' } };
    const routingId = uniqueRoutingId('once');
    const ada = await suite.admin.asRep('ada');
    assert.equal((await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor })).status, 202);
    const offer = await offerFor(ada, 'ada', routingId);
    assert.deepEqual(offer.visitor, visitor);

    const events = await repEventsAfter(suite.service.db, ['ada'], 0);
    const created = events.find((event) => event.type === 'offer.created' && event.data.routingId === routingId);
    assert.deepEqual(created?.data.visitor, visitor);

    const offerColumns = await suite.service.db
      .selectFrom('offers')
      .selectAll()
      .where('routing_id', '=', routingId)
      .execute();
    assert.equal(offerColumns.length, 2);
    for (const row of offerColumns) assert.ok(!JSON.stringify(row).includes('once@visitor.test'));
    const storedEvents = await suite.service.db
      .selectFrom('rep_events')
      .select('data')
      .where('routing_id', '=', routingId)
      .execute();
    assert.ok(storedEvents.length >= 2);
    for (const row of storedEvents) assert.ok(!row.data.includes('once@visitor.test'), row.data);
    // Webhook receivers get each offer with its visitor; the stored deliveries do not repeat it.
    const hooks = await eventually(async () => {
      const mine = received.filter((event) => event.data.routingId === routingId);
      return mine.length === 2 ? mine : undefined;
    });
    for (const hook of hooks) assert.deepEqual([hook.type, hook.data.visitor], ['offer.created', visitor]);
    const deliveries = await suite.service.db
      .selectFrom('webhook_deliveries')
      .select('payload')
      .where('routing_id', '=', routingId)
      .execute();
    assert.equal(deliveries.length, 2);
    for (const row of deliveries) assert.ok(!row.payload.includes('once@visitor.test'), row.payload);
    const routing = await suite.service.db
      .selectFrom('routings')
      .select('visitor')
      .where('routing_id', '=', routingId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(routing.visitor ?? 'null'), visitor);

    assert.equal((await suite.admin.accept(routingId, 'ada')).status, 200);
    const { body } = await ada.get('/v1/reps/ada/conversations');
    assert.deepEqual(
      body.conversations.map((c: { routingId: string; visitor: unknown }) => [c.routingId, c.visitor]),
      [[routingId, visitor]],
    );
  });
});

describe("migration '0009_visitor_once'", () => {
  test('moves the visitor from offers and offer events to the routing row', async () => {
    const database = await createTestDatabase();
    const raw = await migratedUpTo(database, '0009_visitor_once');
    const visitor = { id: 'v-old', email: 'old@visitor.test', fields: { plan: 'pro' } };
    const now = new Date().toISOString();
    const offerData = { routingId: 'r-old', visitor, ruleId: 'rule', stage: 'route_to', type: 'inbound' };
    try {
      await raw
        .insertInto('routings')
        .values({ routing_id: 'r-old', type: 'inbound', visitor_id: visitor.id, status: 'routing', started_at: now })
        .execute();
      await raw
        .insertInto('offers')
        .values({
          routing_id: 'r-old',
          rep_id: 'ada',
          routing_type: 'inbound',
          visitor: JSON.stringify(visitor),
          rule_id: 'rule',
          stage: 'route_to',
          offered_at: now,
          expires_at: now,
          result: 'pending',
        })
        .execute();
      await raw
        .insertInto('rep_events')
        .values([
          { rep_id: 'ada', type: 'offer.created', data: JSON.stringify(offerData), created_at: now },
          { rep_id: 'ada', type: 'presence.changed', data: '{"status":"away"}', created_at: now },
        ])
        .execute();
    } finally {
      await raw.destroy();
    }

    const db = await openDatabase(database.config);
    try {
      const routing = await db.selectFrom('routings').selectAll().executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(routing.visitor ?? 'null'), visitor);
      const offer = await db.selectFrom('offers').selectAll().executeTakeFirstOrThrow();
      assert.equal('visitor' in offer, false);
      const stored = await db.selectFrom('rep_events').selectAll().orderBy('id').execute();
      assert.deepEqual(
        stored.map((row) => [row.routing_id, JSON.parse(row.data).visitor]),
        [
          ['r-old', undefined],
          [null, undefined],
        ],
      );
      assert.deepEqual((await liveOffersForRep(db, 'ada'))[0]?.visitor, visitor);
      const events = await repEventsAfter(db, ['ada'], 0);
      assert.deepEqual(events[0]?.data, offerData);
      assert.deepEqual(events[1]?.data, { status: 'away' });
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
