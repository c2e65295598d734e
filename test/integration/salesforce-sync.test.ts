// Salesforce connections synced by the syncConnection workflow against a local org speaking the REST API
// (test/providers/salesforce-server.ts): first sync, an update, a delete, a full re-sync, a token expiring
// mid-sync, the API limit reached, a worker SIGKILLed mid-sync, and a visitor routed to the owner of a record that
// arrived only through a sync.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { createOwnerActivities } from '../../activities/owners';
import { SalesforceLiveLookup } from '../../connectors/salesforce/live-lookup';
import { outboundPolicy } from '../../outbound/destination-policy';
import { guardedDispatcher } from '../../outbound/guarded-dispatcher';
import { spawnProjectProcess } from '../../scripts/project-process';
import { removeSyncedRecordsBatch } from '../../store/connection-cleanup';
import { syncedRecordCounts } from '../../store/connection-sync';
import { createConnection, getConnection, markConnectionDeleted } from '../../store/connections';
import { accountTeam, contactsByEmail, leadsByEmail } from '../../store/integrations';
import { newEncryptionKey, parseEncryptionKey, SecretBox } from '../../store/secret-box';
import { ensureSyncSchedule } from '../../worker/connection-sync-schedule';
import { createRoutingWorker } from '../../worker/create-worker';
import {
  connectionDeletionWorkflowId,
  type DeleteConnectionInput,
  deleteConnectionWorkflowType,
} from '../../workflows/delete-connection';
import {
  connectionSyncScheduleId,
  connectionSyncWorkflowId,
  type SyncConnectionInput,
  type SyncConnectionResult,
  syncConnectionWorkflowType,
} from '../../workflows/sync-connection';
import { SalesforceTestServer } from '../providers/salesforce-server';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';
import { fastPacing, type SyncWorker, startSyncWorker } from '../support/sync-worker';

describe('Salesforce sync', () => {
  let secrets: SecretBox;
  let syncWorker: SyncWorker;
  const orgs: SalesforceTestServer[] = [];
  const encryptionKey = newEncryptionKey();
  const suite = useTestService({
    cleanUp: async () => {
      await syncWorker.stop();
      for (const org of orgs) await org.stop();
    },
  });

  before(async () => {
    secrets = new SecretBox(parseEncryptionKey(encryptionKey));
    syncWorker = await startSyncWorker(suite.service, secrets);
  });

  async function newOrg(): Promise<SalesforceTestServer> {
    const org = await new SalesforceTestServer().start();
    orgs.push(org);
    return org;
  }

  async function connect(org: SalesforceTestServer): Promise<string> {
    const { refreshToken, accessToken } = org.grant();
    const connection = await createConnection(suite.service.db, secrets, {
      provider: 'salesforce',
      authType: 'oauth',
      settings: { clientId: 'test-client', loginUrl: org.baseUrl, instanceUrl: org.baseUrl },
      secrets: { clientSecret: 'test-secret', refreshToken, accessToken },
    });
    return connection.id;
  }

  const sync: SyncWorker['sync'] = (connectionId, input) => syncWorker.sync(connectionId, input);

  test('first sync, an update, a delete and a full re-sync reach the tables routing reads', async () => {
    const org = await newOrg();
    org.seed();
    org.pageSize = 2;
    const id = await connect(org);

    const first = await sync(id);
    assert.equal(first.status, 'synced');
    assert.deepEqual(await syncedRecordCounts(suite.service.db, id), {
      User: 3,
      Account: 1,
      Contact: 1,
      Lead: 1,
      AccountTeamMember: 1,
    });
    const [contact] = await contactsByEmail(suite.service.db, ['known@client.test']);
    assert.equal(contact?.ownerEmail, 'owner@example.test');
    assert.equal(contact?.accountId, '001000000000001AAA');
    assert.deepEqual(await accountTeam(suite.service.db, '001000000000001AAA'), [
      { accountId: '001000000000001AAA', userEmail: 'ae@example.test', role: 'Account Executive' },
    ]);
    const connection = await getConnection(suite.service.db, id);
    assert.equal(connection?.status, 'connected');
    assert.deepEqual(connection?.records, { User: 3, Account: 1, Contact: 1, Lead: 1, AccountTeamMember: 1 });
    assert.deepEqual(connection?.apiBudget, { used: org.apiUsed, limit: org.apiLimit });

    // An update: the contact changes owner; an incremental sync reads only what changed.
    org.upsert('Contact', { Id: '003000000000001AAA', OwnerId: '005000000000002AAA' });
    const pagesBefore = org.pages.length;
    await sync(id);
    assert.equal((await contactsByEmail(suite.service.db, ['known@client.test']))[0]?.ownerEmail, 'ae@example.test');
    const read = org.pages.slice(pagesBefore).reduce((sum, page) => sum + page.records, 0);
    assert.equal(read, 1, 'only the changed contact was read again');

    // A delete: the lead goes to the recycle bin; queryAll reports it and the sync removes it.
    org.delete('Lead', '00Q000000000001AAA');
    await sync(id);
    assert.deepEqual(await leadsByEmail(suite.service.db, ['lead@prospect.test']), []);
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Lead, undefined);

    // A record purged from the recycle bin is never reported deleted: only a full re-sync finds it gone.
    org.purge('AccountTeamMember', '01M000000000001AAA');
    await sync(id);
    assert.equal((await accountTeam(suite.service.db, '001000000000001AAA')).length, 1);
    const full = await sync(id, { full: true });
    assert.equal(full.status, 'synced');
    assert.deepEqual(await accountTeam(suite.service.db, '001000000000001AAA'), []);
    assert.equal((await contactsByEmail(suite.service.db, ['known@client.test'])).length, 1);
  });

  test('a token expiring mid-sync is refreshed and the sync carries on', async () => {
    const org = await newOrg();
    for (let i = 0; i < 3; i++) org.upsert('User', { Email: `user${i}@example.test` });
    const owner = org.live('User')[0]?.Id;
    for (let i = 0; i < 30; i++) org.upsert('Contact', { Email: `expiring${i}@client.test`, OwnerId: owner });
    org.pageSize = 5;
    org.expireTokensAtRequest = org.apiRequests + 4;
    const id = await connect(org);
    const result = await sync(id);
    assert.equal(result.status, 'synced');
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Contact, 30);
    assert.equal((await contactsByEmail(suite.service.db, ['expiring29@client.test'])).length, 1);
    assert.equal(org.refusedSessions, 1, 'Salesforce answered INVALID_SESSION_ID once');
    assert.equal(org.refreshes, 1, 'and the session was refreshed once');
  });

  test('the API limit reached pauses the sync, which resumes where it was', async () => {
    const org = await newOrg();
    const user = org.upsert('User', { Email: 'limit-owner@example.test' });
    for (let i = 0; i < 20; i++) org.upsert('Lead', { Email: `limited${i}@lead.test`, OwnerId: user.Id });
    org.pageSize = 5;
    org.apiLimit = 3; // the users and two lead pages; the third is refused
    const id = await connect(org);
    const syncing = sync(id);
    // Raised once the sync has been refused: the org's allowance came back (a new 24-hour window).
    await eventually(async () => org.refusedForLimit >= 1 || undefined, 30_000);
    org.apiLimit = 100;
    const result = await syncing;
    assert.equal(result.status, 'synced');
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Lead, 20);
    assert.ok(org.refusedForLimit >= 1, 'Salesforce answered REQUEST_LIMIT_EXCEEDED');
    const leadPages = org.pages.filter((page) => page.object === 'Lead').map((page) => page.offset);
    assert.deepEqual(leadPages, [0, 5, 10, 15], 'each page read once: the pause resumed from the saved cursor');
  });

  test('a long sync continues as new and reads on from its cursor', async () => {
    const org = await newOrg();
    const user = org.upsert('User', { Email: 'long-owner@example.test' });
    for (let i = 0; i < 25; i++) org.upsert('Lead', { Email: `long${i}@lead.test`, OwnerId: user.Id });
    org.pageSize = 5;
    const id = await connect(org);
    const handle = await suite.service.env.client.workflow.start(syncConnectionWorkflowType, {
      taskQueue: syncWorker.taskQueue,
      workflowId: connectionSyncWorkflowId(id),
      args: [
        { connectionId: id, full: false, pacing: { ...fastPacing, pagesPerRun: 2 } } satisfies SyncConnectionInput,
      ],
    });
    const result: SyncConnectionResult = await handle.result();
    assert.equal(result.status, 'synced');
    const first = await suite.service.env.client.workflow
      .getHandle(handle.workflowId, handle.firstExecutionRunId)
      .describe();
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Lead, 25);
    const leadPages = org.pages.filter((page) => page.object === 'Lead').map((page) => page.offset);
    assert.deepEqual(leadPages, [0, 5, 10, 15, 20], 'each page read once across the runs');
  });

  test('a worker SIGKILLed mid-sync: another carries on from the last committed page, none lost or read twice over', async () => {
    const org = await newOrg();
    const owner = org.upsert('User', { Email: 'kill-owner@example.test' });
    for (let i = 0; i < 200; i++) org.upsert('Contact', { Email: `killed${i}@client.test`, OwnerId: owner.Id });
    org.pageSize = 10;
    org.delayMs = 40;
    const id = await connect(org);
    const queue = `sync-kill-${randomUUID()}`;
    const config = suite.service.database;
    const dying = spawnProjectProcess({
      role: 'worker',
      entry: 'test/support/connection-sync-worker.ts',
      env: {
        TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS,
        TASK_QUEUE: queue,
        CONNECTIONS_ENCRYPTION_KEY: encryptionKey,
        OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
        ...(config.kind === 'postgres' ? { DATABASE_URL: config.url } : { DATA_DIR: path.dirname(config.file) }),
      },
    });
    const handle = await suite.service.env.client.workflow.start(syncConnectionWorkflowType, {
      taskQueue: queue,
      workflowId: connectionSyncWorkflowId(id),
      args: [
        { connectionId: id, full: false, pacing: { ...fastPacing, pageTimeout: '3s' } } satisfies SyncConnectionInput,
      ],
    });
    // Killed with some pages committed and more to come.
    await eventually(
      async () => ((await syncedRecordCounts(suite.service.db, id)).Contact ?? 0) >= 60 || undefined,
      60_000,
    );
    dying.child.kill('SIGKILL');
    await dying.exited;
    const committedAtKill = (await syncedRecordCounts(suite.service.db, id)).Contact ?? 0;
    assert.ok(committedAtKill < 200, 'the sync was under way when its worker died');

    const replacement = await createRoutingWorker({
      connection: suite.service.env.nativeConnection,
      namespace: 'default',
      taskQueue: queue,
      db: suite.service.db,
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string },
      connectionSync: { sessions: syncWorker.sessions, dispatcher: guardedDispatcher(outboundPolicy(['127.0.0.1'])) },
    });
    const result = await replacement.runUntil(handle.result());
    assert.equal(result.status, 'synced');

    const stored = await contactsByEmail(
      suite.service.db,
      Array.from({ length: 200 }, (_, i) => `killed${i}@client.test`),
    );
    assert.equal(stored.length, 200, 'no page lost');
    assert.equal(new Set(stored.map((contact) => contact.id)).size, 200, 'no record stored twice');
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Contact, 200);
    // Every page served; only the one in flight when the worker died may have been served twice.
    const offsets = org.pages.filter((page) => page.object === 'Contact').map((page) => page.offset);
    const expected = Array.from({ length: 20 }, (_, i) => i * 10);
    assert.deepEqual(
      [...new Set(offsets)].sort((a, b) => a - b),
      expected,
    );
    assert.ok(offsets.length <= expected.length + 1, `pages served: ${offsets.join(', ')}`);
  });

  test('deleting a connection mid-sync cancels the sync, removes its Schedule and every record it synced', async () => {
    const org = await newOrg();
    const owner = org.upsert('User', { Email: 'deleted-owner@example.test' });
    for (let i = 0; i < 300; i++) org.upsert('Contact', { Email: `deleted${i}@client.test`, OwnerId: owner.Id });
    org.pageSize = 10;
    org.delayMs = 100; // 30 pages: seconds of sync left when the deletion comes
    const id = await connect(org);
    const { client } = suite.service.env;
    await ensureSyncSchedule(client, id, { taskQueue: syncWorker.taskQueue, every: '1h' });
    const syncing = await client.workflow.start(syncConnectionWorkflowType, {
      taskQueue: syncWorker.taskQueue,
      workflowId: connectionSyncWorkflowId(id),
      args: [{ connectionId: id, full: false, pacing: fastPacing } satisfies SyncConnectionInput],
    });
    await eventually(async () => ((await syncedRecordCounts(suite.service.db, id)).Contact ?? 0) >= 20 || undefined);

    assert.equal((await suite.admin.delete(`/v1/connections/${id}`)).status, 204);
    assert.equal((await suite.admin.get(`/v1/connections/${id}`)).status, 404, 'gone at once');
    const deletion = await client.workflow.getHandle(connectionDeletionWorkflowId(id)).result();
    assert.ok(deletion.removed >= 20, `removed ${deletion.removed}`);

    const sync = await syncing.describe();
    assert.notEqual(sync.status.name, 'RUNNING', 'the sync under way was stopped');
    assert.notEqual(sync.status.name, 'COMPLETED', 'and did not go on to the end');
    await assert.rejects(client.schedule.getHandle(connectionSyncScheduleId(id)).describe(), 'no Schedule left');
    const emails = Array.from({ length: 300 }, (_, i) => `deleted${i}@client.test`);
    assert.deepEqual(await contactsByEmail(suite.service.db, emails), [], 'routing reads none of its contacts');
    assert.deepEqual(await syncedRecordCounts(suite.service.db, id), {});
    const { db } = suite.service;
    assert.equal(await db.selectFrom('connections').select('id').where('id', '=', id).executeTakeFirst(), undefined);
    assert.deepEqual(
      await db.selectFrom('salesforce_users').select('id').where('connection_id', '=', id).execute(),
      [],
    );
    assert.deepEqual(
      await db.selectFrom('connection_sync_cursors').select('object').where('connection_id', '=', id).execute(),
      [],
    );
  });

  test('a deletion a dead worker left half done is finished by its workflow', async () => {
    const org = await newOrg();
    org.seed();
    const id = await connect(org);
    await sync(id);
    const { db } = suite.service;
    // What a worker dying mid-deletion leaves: the connection marked, some of its records removed.
    assert.equal(await markConnectionDeleted(db, id), 'salesforce');
    assert.equal(await removeSyncedRecordsBatch(db, id, 'salesforce', 2), 2);
    assert.ok(Object.keys(await syncedRecordCounts(db, id)).length > 0, 'records remain');
    const result = await suite.service.env.client.workflow.execute(deleteConnectionWorkflowType, {
      taskQueue: syncWorker.taskQueue,
      workflowId: connectionDeletionWorkflowId(id),
      args: [{ connectionId: id, batchSize: 2 } satisfies DeleteConnectionInput],
    });
    assert.equal(result.removed, 5, 'the seven records it synced, two removed before');
    assert.deepEqual(await syncedRecordCounts(db, id), {});
    assert.deepEqual(await contactsByEmail(db, ['known@client.test']), []);
    assert.deepEqual(await accountTeam(db, '001000000000001AAA'), []);
    assert.equal(await db.selectFrom('connections').select('id').where('id', '=', id).executeTakeFirst(), undefined);
  });

  test('10,000 contacts in Salesforce-sized pages: API calls per sync, and records per second (reported)', async (t) => {
    const org = await newOrg();
    const owner = org.upsert('User', { Email: 'volume-owner@example.test' });
    for (let i = 0; i < 10_000; i++) org.upsert('Contact', { Email: `volume${i}@client.test`, OwnerId: owner.Id });
    const id = await connect(org);
    const started = performance.now();
    const result = await sync(id);
    const seconds = (performance.now() - started) / 1000;
    assert.equal((await syncedRecordCounts(suite.service.db, id)).Contact, 10_000);
    // Pages of 2,000: five for the contacts, one for the user, one (empty) for each other object.
    assert.equal(org.apiRequests, 5 + 1 + 3);
    assert.equal(result.calls, org.apiRequests);
    t.diagnostic(
      `${process.env.TEST_DATABASE}: 10,001 records in ${seconds.toFixed(1)} s (${Math.round(10_001 / seconds)} records/s), ${org.apiRequests} API calls`,
    );
  });

  test('live lookup: a contact newer than the last sync is found within the budget and cached; a slow or refusing Salesforce is named', async (t) => {
    const org = await newOrg();
    const rep = org.upsert('User', { Email: 'live-owner@example.test' });
    const id = await connect(org);
    await sync(id);
    org.upsert('Contact', { Email: 'Arrived@Later.test', OwnerId: rep.Id });
    const dispatcher = guardedDispatcher(outboundPolicy(['127.0.0.1']));
    const ownersWithin = (budgetMs: number) =>
      createOwnerActivities(
        suite.service.db,
        new SalesforceLiveLookup(suite.service.db, syncWorker.sessions, dispatcher, { budgetMs, connectionId: id }),
      );
    const owners = ownersWithin(5_000);
    const visitor = (email: string) => ({ id: `v-${email}`, email });

    const started = performance.now();
    const found = await owners.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('arrived@later.test') });
    const askedMs = performance.now() - started;
    assert.deepEqual(found, { emails: ['live-owner@example.test'], identifiedBy: 'live_contact_email' });
    const requests = org.apiRequests;
    const again = performance.now();
    await owners.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('ARRIVED@later.test') });
    const cachedMs = performance.now() - again;
    assert.equal(org.apiRequests, requests, 'the answer is cached');
    t.diagnostic(`live lookup: ${askedMs.toFixed(1)} ms asking the local org, ${cachedMs.toFixed(1)} ms cached`);

    // Nobody there either: no owner, and the stage says nothing of the CRM.
    assert.deepEqual(
      await owners.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('nobody@later.test') }),
      { emails: [] },
    );

    // Past its budget: the stage goes on without Salesforce's answer, and says why.
    org.delayMs = 2_000;
    const hurried = ownersWithin(100);
    assert.deepEqual(
      await hurried.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('slow@later.test') }),
      { emails: [], identifiedBy: 'crm_timeout' },
    );
    org.delayMs = 0;

    // Salesforce refusing (its API limit reached): crm_error.
    org.apiLimit = org.apiUsed;
    assert.deepEqual(
      await owners.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('refused@later.test') }),
      { emails: [], identifiedBy: 'crm_error' },
    );
    // A contact the synced copy has is never asked for live.
    org.apiLimit = 15_000;
    const before = org.apiRequests;
    await sync(id);
    const synced = org.apiRequests;
    assert.deepEqual(
      await owners.salesforcePeople({ rule: { target: 'owner' }, visitor: visitor('arrived@later.test') }),
      { emails: ['live-owner@example.test'], identifiedBy: 'contact_email' },
    );
    assert.equal(org.apiRequests, synced);
    assert.ok(synced > before);
  });

  test('routings with the live lookup: a visitor only Salesforce knows yet goes to the owner; past the budget the stage says crm_timeout', async () => {
    const org = await newOrg();
    const rep = org.upsert('User', { Email: 'live-routed@example.test' });
    const id = await connect(org);
    await sync(id);
    org.upsert('Contact', { Email: 'live-visitor@later.test', OwnerId: rep.Id });
    org.upsert('Contact', { Email: 'slow-visitor@later.test', OwnerId: rep.Id });
    await putReps(suite.admin, ['live-routed', 'live-desk']);
    await createRule(suite.admin, {
      name: 'live owner',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'sf-live' }] },
      routeTo: { users: ['live-desk'] },
      offerTimeoutSeconds: 60,
      salesforce: { enabled: true, target: 'owner' },
    });
    // A worker whose Salesforce stages ask this org live, within a second; routings started on its queue.
    const queue = `live-${randomUUID()}`;
    const worker = await createRoutingWorker({
      connection: suite.service.env.nativeConnection,
      namespace: 'default',
      taskQueue: queue,
      db: suite.service.db,
      workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string },
      connectionSync: {
        sessions: syncWorker.sessions,
        dispatcher: guardedDispatcher(outboundPolicy(['127.0.0.1'])),
        liveLookup: { connectionId: id, budgetMs: 1_000 },
      },
    });
    const route = async (email: string, repId: string) => {
      const routingId = uniqueRoutingId('live');
      await suite.service.env.client.workflow.start('routeVisitor', {
        taskQueue: queue,
        workflowId: routingId,
        args: [{ routingId, type: 'inbound', visitor: { id: `v-${routingId}`, email, country: 'sf-live' } }],
      });
      await offerFor(suite.admin, repId, routingId);
      assert.equal((await suite.admin.accept(routingId, repId)).status, 200);
      return (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
    };
    await worker.runUntil(async () => {
      const found = await route('live-visitor@later.test', 'live-routed');
      assert.equal(found.stages[0].identifiedBy, 'live_contact_email');
      assert.deepEqual(found.stages[0].candidates, [{ userId: 'live-routed', eligible: true }]);

      org.delayMs = 3_000;
      const slow = await route('slow-visitor@later.test', 'live-desk');
      org.delayMs = 0;
      assert.equal(slow.stages[0].identifiedBy, 'crm_timeout');
      assert.equal(slow.stages[0].skipped, 'nobody_eligible');
      assert.equal(slow.offers[0].stage, 'route_to');
    });
  });

  test('a visitor is routed to the Salesforce owner of a record that arrived only through a sync', async () => {
    const org = await newOrg();
    const rep = org.upsert('User', { Email: 'synced-owner@example.test' });
    org.upsert('Contact', { Email: 'only-synced@client.test', OwnerId: rep.Id });
    const id = await connect(org);
    await putReps(suite.admin, ['synced-owner', 'fallback-desk']);
    await createRule(suite.admin, {
      name: 'synced owner',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'sf-synced' }] },
      routeTo: { users: ['fallback-desk'] },
      offerTimeoutSeconds: 60,
      salesforce: { enabled: true, target: 'owner' },
    });
    await sync(id);
    const routingId = uniqueRoutingId('synced-owner');
    const started = await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, email: 'only-synced@client.test', country: 'sf-synced' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await offerFor(suite.admin, 'synced-owner', routingId);
    assert.equal((await suite.admin.accept(routingId, 'synced-owner')).status, 200);
    const state = (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
    assert.equal(state.stages[0].identifiedBy, 'contact_email');
    assert.deepEqual(state.stages[0].candidates, [{ userId: 'synced-owner', eligible: true }]);
  });

  test('a visitor from a synced account’s domain is routed to its account team, synced too', async () => {
    const org = await newOrg();
    const owner = org.upsert('User', { Email: 'team-owner@example.test' });
    const ae = org.upsert('User', { Email: 'team-ae@example.test' });
    const account = org.upsert('Account', { Name: 'Initech', Website: 'https://www.initech.test', OwnerId: owner.Id });
    org.upsert('AccountTeamMember', { AccountId: account.Id, UserId: ae.Id, TeamMemberRole: 'Account Executive' });
    const id = await connect(org);
    await putReps(suite.admin, ['team-owner', 'team-ae', 'team-desk']);
    await createRule(suite.admin, {
      name: 'synced team',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'sf-team' }] },
      routeTo: { users: ['team-desk'] },
      offerTimeoutSeconds: 60,
      salesforce: { enabled: true, target: 'account_team' },
    });
    await sync(id);
    const routingId = uniqueRoutingId('synced-team');
    const started = await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, email: 'someone@initech.test', country: 'sf-team' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await offerFor(suite.admin, 'team-ae', routingId);
    assert.equal((await suite.admin.accept(routingId, 'team-ae')).status, 200);
    const state = (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
    assert.equal(state.stages[0].name, 'salesforce');
    assert.deepEqual(state.stages[0].candidates, [{ userId: 'team-ae', eligible: true }]);
  });
});
