// DELETE /v1/visitors/:id erases one visitor for a privacy request: nothing of them stays in any table, their
// routings' workflow histories are deleted (an open routing is cancelled first), and other visitors are untouched.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { recordClick, redeemClick } from '../../store/outbound-tracking';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { TestService } from '../support/service';
import { useTestService } from '../support/suite-service';

/** Every row of every table, as text: what a search for the visitor's data has to look through. */
async function everyStoredRow(service: TestService): Promise<string[]> {
  const tables =
    service.database.kind === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(service.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = 'public'`.execute(service.db);
  const rows: string[] = [];
  for (const { name } of tables.rows) {
    const contents = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(service.db);
    for (const row of contents.rows) rows.push(`${name}: ${JSON.stringify(row)}`);
  }
  return rows;
}

describe('erasing a visitor', () => {
  let receiver: Server;
  const suite = useTestService();

  before(async () => {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as { port: number };
    const events = ['offer.created', 'offer.withdrawn', 'routing.connected', 'routing.finished'];
    assert.equal(
      (await suite.admin.post('/v1/webhooks', { url: `http://127.0.0.1:${port}/hook`, events })).status,
      201,
    );
    await putReps(suite.admin, ['ada', 'bo']);
    await createRule(suite.admin, { routeTo: { users: ['ada', 'bo'] }, offerTimeoutSeconds: 600 });
  });
  after(async () => {
    receiver.close();
  });

  test('nothing of the visitor remains in the store or in Temporal; other visitors are untouched', async () => {
    const secret = { email: 'erase.me@visitor.test', name: 'Erasable Person', fieldValue: 'erasable-field-value' };
    const erased = { id: 'v-erase', email: secret.email, name: secret.name, fields: { note: secret.fieldValue } };
    const kept = { id: 'v-keep', email: 'keep.me@visitor.test', name: 'Kept Person', fields: { note: 'kept-value' } };
    const connected = uniqueRoutingId('erase-connected');
    const open = uniqueRoutingId('erase-open');
    const other = uniqueRoutingId('keep-open');

    // One routing connected (its workflow closed, its conversation open), one still offering, and another visitor's.
    assert.equal(
      (await suite.admin.post('/v1/routings', { routingId: connected, type: 'inbound', visitor: erased })).status,
      202,
    );
    await offerFor(await suite.admin.asRep('ada'), 'ada', connected);
    assert.equal((await suite.admin.accept(connected, 'ada')).status, 200);
    assert.equal(
      (await suite.admin.post('/v1/routings', { routingId: open, type: 'pounce', visitor: erased })).status,
      202,
    );
    assert.equal(
      (await suite.admin.post('/v1/routings', { routingId: other, type: 'pounce', visitor: kept })).status,
      202,
    );
    await offerFor(await suite.admin.asRep('bo'), 'bo', open);
    await offerFor(await suite.admin.asRep('bo'), 'bo', other);
    // Webhook deliveries about both routings have been recorded.
    await eventually(async () => {
      const rows = await everyStoredRow(suite.service);
      const delivered = (id: string) => rows.some((row) => row.startsWith('webhook_deliveries') && row.includes(id));
      return (delivered(connected) && delivered(open)) || undefined;
    });
    // The visitor came through a tracked outbound link (Salesloft's), as did the other visitor.
    const clickedAt = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const click = (prospectEmail: string) => ({
      provider: 'salesloft' as const,
      prospectEmail,
      senderEmail: 'ada@example.test',
      url: 'https://www.example.test/',
      clickedAt,
    });
    await recordClick(suite.service.db, 'erased-click', click(secret.email), expiresAt);
    await recordClick(suite.service.db, 'kept-click', click(kept.email), expiresAt);
    assert.ok('click' in (await redeemClick(suite.service.db, 'erased-click', erased.id, new Date())));
    assert.ok('click' in (await redeemClick(suite.service.db, 'kept-click', kept.id, new Date())));
    const stored = await everyStoredRow(suite.service);
    assert.ok(stored.some((row) => row.includes(secret.email)));
    // The reports' rows of the routings (store/report-facts.ts) are among what must go.
    for (const table of ['report_routings', 'report_first_offers']) {
      assert.ok(
        stored.some((row) => row.startsWith(`${table}:`) && row.includes(connected)),
        table,
      );
    }

    const experience = suite.admin.withToken(suite.service.keys.experienceKey);
    assert.equal((await experience.delete(`/v1/visitors/${erased.id}`)).status, 403);

    const response = await suite.admin.delete(`/v1/visitors/${erased.id}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.visitorId, erased.id);
    assert.equal(response.body.cancelledRoutings, 1);
    const counts = response.body.erased;
    assert.equal(counts.routings, 2);
    assert.equal(counts.workflowHistories, 2);
    assert.equal(counts.conversations, 1);
    assert.equal(counts.offers, 4);
    assert.ok(counts.repEvents >= 4, JSON.stringify(counts));
    assert.ok(counts.webhookDeliveries >= 4, JSON.stringify(counts));
    assert.equal(counts.outboundClicks, 1);

    const remaining = await everyStoredRow(suite.service);
    for (const value of [secret.email, secret.name, secret.fieldValue, erased.id, connected, open]) {
      const found = remaining.filter((row) => row.includes(value));
      assert.deepEqual(found, [], `${value} is still stored`);
    }
    assert.ok(remaining.some((row) => row.startsWith('routings') && row.includes(kept.email)));
    assert.ok(remaining.some((row) => row.startsWith('outbound_clicks') && row.includes(kept.id)));

    // The histories are deleted (by the server, asynchronously: about 30 s on the dev server): describing them then
    // finds nothing.
    for (const routingId of [connected, open]) {
      await eventually(async () => {
        try {
          await suite.service.env.client.workflow.getHandle(routingId).describe();
          return undefined;
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) return true;
          throw error;
        }
      }, 120_000);
      assert.equal((await suite.admin.get(`/v1/routings/${routingId}`)).status, 404);
    }

    // The other visitor's routing carries on, still shown with its visitor.
    const stillOffered = await offerFor(await suite.admin.asRep('bo'), 'bo', other);
    assert.deepEqual(stillOffered.visitor, kept);
    assert.equal((await suite.service.env.client.workflow.getHandle(other).describe()).status.name, 'RUNNING');

    // Ada's capacity is freed with the erased conversation; repeating the request finds nothing more.
    const { body } = await (await suite.admin.asRep('ada')).get('/v1/reps/ada/conversations');
    assert.deepEqual(body.conversations, []);
    const again = await suite.admin.delete(`/v1/visitors/${erased.id}`);
    assert.deepEqual(again.body, {
      visitorId: erased.id,
      cancelledRoutings: 0,
      erased: {
        routings: 0,
        offers: 0,
        conversations: 0,
        repEvents: 0,
        webhookDeliveries: 0,
        outboundClicks: 0,
        workflowHistories: 0,
      },
    });
  });
});
