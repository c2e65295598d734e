// Outreach and Salesloft connections synced by the syncConnection workflow against local servers speaking each
// provider's API (test/providers/outreach-server.ts, salesloft-server.ts): the documented pages read as they stand,
// first sync, an update, an owner's changed email, a delete seen by a full re-sync, a token expiring mid-sync, a
// 429 whose Retry-After is honoured, and a revoked grant shown on the connection.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { outreachApi } from '../../connectors/outreach/api';
import { salesloftApi } from '../../connectors/salesloft/api';
import type { OutboundProvider } from '../../domain/integrations';
import { syncedRecordCounts } from '../../store/connection-sync';
import { createConnection, getConnection } from '../../store/connections';
import { prospectByEmail } from '../../store/integrations';
import { newEncryptionKey, parseEncryptionKey, SecretBox } from '../../store/secret-box';
import { connectionDeletionWorkflowId } from '../../workflows/delete-connection';
import outreachProspects from '../providers/fixtures/outreach/prospects-page.json';
import outreachUsers from '../providers/fixtures/outreach/users-page.json';
import salesloftPeople from '../providers/fixtures/salesloft/people-page.json';
import salesloftUsers from '../providers/fixtures/salesloft/users-page.json';
import { OutreachData, outreachServer } from '../providers/outreach-server';
import type { ProviderServer } from '../providers/provider-server';
import { SalesloftData, salesloftServer } from '../providers/salesloft-server';
import { createRule, offerFor, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';
import { type SyncWorker, startSyncWorker } from '../support/sync-worker';

/** One provider's server and records, driven the same way for both. */
interface Provider {
  name: OutboundProvider;
  /** The synced object holding prospects (domain/connections.ts). */
  prospectsObject: string;
  server: ProviderServer;
  user(id: number, email: string): void;
  prospect(id: number, email: string | null, ownerId: number | null): void;
  remove(id: number): void;
  maxPageSize(size: number): void;
}

/** Update times that only move forward, a second apart, so each change sorts after the last. */
let clock = Date.parse('2026-01-01T00:00:00.000Z');
function tick(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

async function outreach(): Promise<Provider> {
  const data = new OutreachData();
  return {
    name: 'outreach',
    prospectsObject: 'prospects',
    server: await outreachServer(data).start(),
    user: (id, email) => data.users.set(id, { id, email, updatedAt: tick() }),
    prospect: (id, email, ownerId) =>
      data.prospects.set(id, { id, emails: email ? [email] : [], ownerId, updatedAt: tick() }),
    remove: (id) => data.prospects.delete(id),
    maxPageSize: (size) => {
      data.maxPageSize = size;
    },
  };
}

async function salesloft(): Promise<Provider> {
  const data = new SalesloftData();
  return {
    name: 'salesloft',
    prospectsObject: 'people',
    server: await salesloftServer(data).start(),
    user: (id, email) => data.users.set(id, { id, email, updatedAt: tick() }),
    prospect: (id, email, ownerId) => data.people.set(id, { id, emailAddress: email, ownerId, updatedAt: tick() }),
    remove: (id) => data.people.delete(id),
    maxPageSize: (size) => {
      data.maxPageSize = size;
    },
  };
}

describe('the connectors read the providers’ documented pages', () => {
  test('Outreach: JSON:API users and prospects, owner relationship, links.next', () => {
    assert.deepEqual(outreachApi.users(outreachUsers), {
      records: [{ id: '3', email: 'rep.one@example.com' }],
      maxUpdatedAt: '2024-01-10T12:00:00.000Z',
    });
    const page = outreachApi.prospects(outreachProspects);
    assert.deepEqual(page.records, [
      { id: '1', email: 'sally.smith@example.com', ownerId: '3' },
      { id: '2', email: null, ownerId: null },
    ]);
    assert.equal(page.next, outreachProspects.links.next);
    assert.equal(outreachApi.nextRequest('prospects?page%5Bsize%5D=2', page.next as string), page.next);
  });

  test('Salesloft: v2 users and people, owner, metadata.paging.next_page', () => {
    assert.deepEqual(salesloftApi.users(salesloftUsers).records, [{ id: '7', email: 'rep.seven@example.com' }]);
    const page = salesloftApi.prospects(salesloftPeople);
    assert.deepEqual(page.records, [
      { id: '101', email: 'sally.smith@example.com', ownerId: '7' },
      { id: '102', email: null, ownerId: null },
    ]);
    assert.equal(page.next, '2');
    const first = salesloftApi.firstRequest('prospects', '2026-01-01T00:00:00.000Z');
    const next = new URL(salesloftApi.nextRequest(first, '2'), 'http://x/');
    assert.equal(next.pathname, '/people');
    assert.equal(next.searchParams.get('page'), '2');
    assert.equal(next.searchParams.get('updated_at[gt]'), '2026-01-01T00:00:00.000Z', 'the filter is kept');
  });
});

describe('Outreach and Salesloft sync', () => {
  let secrets: SecretBox;
  let syncWorker: SyncWorker;
  const servers: ProviderServer[] = [];
  const suite = useTestService({
    cleanUp: async () => {
      await syncWorker.stop();
      for (const server of servers) await server.stop();
    },
  });

  before(async () => {
    secrets = new SecretBox(parseEncryptionKey(newEncryptionKey()));
    syncWorker = await startSyncWorker(suite.service, secrets);
  });

  async function connect(provider: Provider): Promise<string> {
    servers.push(provider.server);
    const { accessToken, refreshToken } = provider.server.grant();
    const connection = await createConnection(suite.service.db, secrets, {
      provider: provider.name,
      authType: 'oauth',
      settings: {
        clientId: 'test-client',
        apiBaseUrl: provider.server.apiBaseUrl,
        tokenUrl: provider.server.tokenUrl,
        redirectUri: 'http://127.0.0.1/callback',
      },
      secrets: { clientSecret: 'test-secret', refreshToken, accessToken },
    });
    return connection.id;
  }

  const sync: SyncWorker['sync'] = (connectionId, input) => syncWorker.sync(connectionId, input);

  /** A prospect's owner as the outbound stage reads it (undefined: no row). */
  async function ownerOf(provider: Provider, email: string): Promise<string | undefined> {
    return (await prospectByEmail(suite.service.db, provider.name, email))?.ownerEmail;
  }

  const recordsRead = (server: ProviderServer, from: number, resource: string) =>
    server
      .apiCalls(resource)
      .slice(from)
      .reduce((sum, call) => sum + call.records, 0);

  for (const make of [outreach, salesloft]) {
    test(`${make.name}: a visitor is routed to the owner of a prospect that arrived only through a sync`, async () => {
      const provider = await make();
      const http = suite.admin;
      const rep = `owner-${provider.name}`;
      const repEmail = `${rep}@routing.${provider.name}.test`;
      assert.equal(
        (await http.put(`/v1/users/${rep}`, { name: rep, email: repEmail, status: 'available' })).status,
        201,
      );
      assert.equal(
        (await http.put('/v1/users/desk', { name: 'desk', email: 'desk@example.test', status: 'available' })).status <
          300,
        true,
      );
      await createRule(http, {
        name: `${provider.name} owner`,
        criteria: { all: [{ field: 'country', op: 'equals', value: `synced-${provider.name}` }] },
        outbound: { enabled: true, routeTo: 'owner' },
        routeTo: { users: ['desk'] },
        offerTimeoutSeconds: 60,
      });
      provider.user(41, repEmail.toUpperCase());
      provider.prospect(42, `visitor@routing.${provider.name}.test`, 41);
      const connectionId = await connect(provider);
      assert.equal((await sync(connectionId)).status, 'synced');

      const routingId = uniqueRoutingId('synced');
      const started = await http.post('/v1/routings', {
        routingId,
        type: 'inbound',
        visitor: {
          id: `visitor-${routingId}`,
          email: `Visitor@routing.${provider.name}.test`,
          country: `synced-${provider.name}`,
          outbound: { provider: provider.name },
        },
      });
      assert.ok([200, 201, 202].includes(started.status), JSON.stringify(started.body));
      await offerFor(http, rep, routingId);
      assert.equal((await http.accept(routingId, rep)).status, 200);
      const state = (await http.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
      assert.equal(state.stages[0].name, 'outbound');
      assert.equal(state.stages[0].identifiedBy, 'prospect');
      assert.deepEqual(state.stages[0].candidates, [{ userId: rep, eligible: true }]);

      // Disconnecting removes what the connection synced: the outbound stage no longer routes on it.
      assert.equal((await http.delete(`/v1/connections/${connectionId}`)).status, 204);
      await suite.service.env.client.workflow.getHandle(connectionDeletionWorkflowId(connectionId)).result();
      assert.equal(await ownerOf(provider, `visitor@routing.${provider.name}.test`), undefined);
      const users = await suite.service.db
        .selectFrom('outbound_users')
        .select('user_id')
        .where('provider', '=', provider.name)
        .where('user_id', '=', '41')
        .execute();
      assert.deepEqual(users, []);
    });

    test(`${make.name}: first sync, an update, an owner's new email, a delete and a full re-sync`, async () => {
      const provider = await make();
      const resource = provider.name === 'outreach' ? 'prospects' : 'people';
      const domain = `${provider.name}.test`;
      provider.maxPageSize(2);
      provider.user(1, `ann@${domain}`);
      provider.user(2, `bob@${domain}`);
      provider.prospect(11, `p1@lead.${domain}`, 1);
      provider.prospect(12, `p2@lead.${domain}`, 2);
      provider.prospect(13, `p3@lead.${domain}`, 1);
      provider.prospect(14, null, 1); // no email: nobody can be matched to it
      provider.prospect(15, `p5@lead.${domain}`, null); // unowned: nobody to route to
      const id = await connect(provider);

      const first = await sync(id);
      assert.equal(first.status, 'synced');
      assert.ok(provider.server.apiCalls(resource).length >= 3, 'the prospects came in pages of 2');
      assert.equal(await ownerOf(provider, `p1@lead.${domain}`), `ann@${domain}`);
      assert.equal(await ownerOf(provider, `P2@LEAD.${domain}`), `bob@${domain}`);
      assert.equal(await ownerOf(provider, `p5@lead.${domain}`), undefined);
      assert.deepEqual(await syncedRecordCounts(suite.service.db, id), { users: 2, [provider.prospectsObject]: 5 });
      const connection = await getConnection(suite.service.db, id);
      assert.equal(connection?.status, 'connected');
      assert.ok(connection?.lastSyncAt);

      // An update: p1 moves to Bob; the next sync reads from where the last one ended, not everything again.
      provider.prospect(11, `p1@lead.${domain}`, 2);
      const before = provider.server.apiCalls(resource).length;
      await sync(id);
      assert.equal(await ownerOf(provider, `p1@lead.${domain}`), `bob@${domain}`);
      assert.ok(recordsRead(provider.server, before, resource) <= 2, 'only the changed prospect (and the last seen)');

      // Ann's email changes: her prospects follow; p2 changes email: its old row goes.
      provider.user(1, `ann.new@${domain}`);
      provider.prospect(12, `p2.renamed@lead.${domain}`, 2);
      await sync(id);
      assert.equal(await ownerOf(provider, `p3@lead.${domain}`), `ann.new@${domain}`);
      assert.equal(await ownerOf(provider, `p2@lead.${domain}`), undefined);
      assert.equal(await ownerOf(provider, `p2.renamed@lead.${domain}`), `bob@${domain}`);

      // A delete: neither provider lists deletions, so an incremental sync keeps p3; a full re-sync removes it.
      provider.remove(13);
      await sync(id);
      assert.equal(await ownerOf(provider, `p3@lead.${domain}`), `ann.new@${domain}`);
      const full = await sync(id, { full: true });
      assert.equal(full.status, 'synced');
      assert.equal(full.removed, 1);
      assert.equal(await ownerOf(provider, `p3@lead.${domain}`), undefined);
      assert.equal(await ownerOf(provider, `p1@lead.${domain}`), `bob@${domain}`);
      assert.deepEqual(await syncedRecordCounts(suite.service.db, id), { users: 2, [provider.prospectsObject]: 4 });
    });

    test(`${make.name}: a token expiring mid-sync is refreshed and the sync carries on`, async () => {
      const provider = await make();
      const domain = `expiry.${provider.name}.test`;
      provider.maxPageSize(1);
      provider.user(1, `ann@${domain}`);
      for (let n = 1; n <= 4; n++) provider.prospect(100 + n, `p${n}@${domain}`, 1);
      const id = await connect(provider);
      provider.server.expireTokensAfter(2); // the users page and one prospects page, then 401s

      const result = await sync(id);
      assert.equal(result.status, 'synced');
      assert.equal(provider.server.refreshes, 1);
      assert.ok(provider.server.apiCalls().some((call) => call.status === 401));
      for (let n = 1; n <= 4; n++) assert.equal(await ownerOf(provider, `p${n}@${domain}`), `ann@${domain}`);
    });

    test(`${make.name}: a 429 is retried no sooner than its Retry-After`, async () => {
      const provider = await make();
      const domain = `limit.${provider.name}.test`;
      provider.user(1, `ann@${domain}`);
      provider.prospect(201, `p@${domain}`, 1);
      const id = await connect(provider);
      provider.server.rateLimitNext(1, 2);

      const result = await sync(id);
      assert.equal(result.status, 'synced');
      const calls = provider.server.apiCalls();
      const limited = calls.findIndex((call) => call.status === 429);
      assert.ok(limited >= 0, 'the server answered 429');
      const retry = calls[limited + 1];
      assert.ok(retry, 'the call was made again');
      assert.equal(retry.path, calls[limited]?.path);
      assert.ok(retry.at - (calls[limited]?.at ?? 0) >= 2000, 'not before Retry-After: 2');
      assert.equal(await ownerOf(provider, `p@${domain}`), `ann@${domain}`);
    });

    test(`${make.name}: a revoked grant fails the sync and shows on the connection`, async () => {
      const provider = await make();
      provider.user(1, `ann@revoked.${provider.name}.test`);
      const id = await connect(provider);
      provider.server.revoke();

      await assert.rejects(sync(id));
      const connection = await getConnection(suite.service.db, id);
      assert.equal(connection?.status, 'error');
      assert.match(connection?.statusReason ?? '', /invalid_grant|authorization grant/i);
    });
  }
});
