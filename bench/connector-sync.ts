// The connectors' figures (issue 16): records per second a sync reads from the local Salesforce test org
// (test/providers/salesforce-server.ts) and stores, API calls per 10,000 records, and what the live lookup adds to
// trigger-to-offer: routings whose visitor only Salesforce knows yet (the stage asks it live) against routings whose
// visitor is in the synced copy (no lookup), the latter being the floor.
//
//   npm run bench:connectors    # 10,000 contacts, 30 routings of each kind; BENCH_CONNECTOR_RECORDS=N,
//                               # BENCH_CONNECTOR_ROUTINGS=N for other sizes
//
// In one process, as the tests run the service: a Temporal dev server, SQLite routing data in a temp directory, the
// API and a worker that syncs connections (its Salesforce stages ask the org live within LIVE_LOOKUP_BUDGET_MS).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { createApiServer } from '../api/api-server';
import { outboundPolicy } from '../outbound/destination-policy';
import { dataConverter } from '../runtime/payload-compression';
import { devServerBackend } from '../scripts/service-backends';
import { createConnection, saveGrantedTokens } from '../store/connections';
import { openDatabase } from '../store/database';
import { SecretBox } from '../store/secret-box';
import { SalesforceTestServer } from '../test/providers/salesforce-server';
import { createRoutingWorker } from '../worker/create-worker';
import { openConnectionSync } from '../worker/start-worker';
import { bundleRoutingWorkflows } from '../worker/workflow-code';
import { connectionSyncWorkflowId } from '../workflows/sync-connection';
import { JsonHttp } from './driver/http';
import { openOfferStream } from './driver/offer-stream';
import { now, sleep } from './driver/timing';
import { summarize } from './stats';

const RECORDS = Number(process.env.BENCH_CONNECTOR_RECORDS ?? 10_000);
const ROUTINGS = Number(process.env.BENCH_CONNECTOR_ROUTINGS ?? 30);
const WARM_UP = 5;
const LIVE_LOOKUP_BUDGET_MS = 300;
const log = (message: string) => process.stderr.write(`[connectors bench] ${message}\n`);
const unlimited = { limit: 1e9 };

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'connector-bench-'));
  const backend = await devServerBackend(dataDir);
  const db = await openDatabase({ kind: 'sqlite', file: path.join(dataDir, 'routing.sqlite') });
  const org = await new SalesforceTestServer().start();
  const nativeConnection = await NativeConnection.connect({ address: backend.temporalAddress });
  const connection = await Connection.connect({ address: backend.temporalAddress });
  const client = new Client({ connection, namespace: 'default', dataConverter });
  const secrets = new SecretBox(randomBytes(32));
  const outbound = outboundPolicy(['127.0.0.1']);
  const sync = openConnectionSync(db, secrets, outbound, { budgetMs: LIVE_LOOKUP_BUDGET_MS });
  const taskQueue = `connector-bench-${randomUUID()}`;
  const worker = await createRoutingWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    db,
    workflowBundle: await bundleRoutingWorkflows(pino({ level: 'silent' })),
    connectionSync: sync.options,
  });
  const running = worker.run();
  const keys = { adminKey: `admin_${randomUUID()}`, experienceKey: `exp_${randomUUID()}` };
  const api = createApiServer({
    db,
    client,
    taskQueue,
    keys,
    logger: pino({ level: 'silent' }),
    isReady: () => true,
    rateLimits: {
      windowSeconds: 60,
      experience: unlimited.limit,
      rep: unlimited.limit,
      admin: unlimited.limit,
      unauthenticated: unlimited.limit,
    },
    outboundPolicy: outbound,
    connectionSecrets: secrets,
  });
  const { port } = await api.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  const http = new JsonHttp(baseUrl);
  const admin = (method: string, url: string, body?: unknown) => http.request(method, url, keys.adminKey, body);

  try {
    // The org: one owner, RECORDS contacts.
    const owner = org.upsert('User', { Email: 'owner@bench.test' });
    for (let i = 0; i < RECORDS; i++) org.upsert('Contact', { Email: `synced${i}@client.test`, OwnerId: owner.Id });
    const { refreshToken, accessToken } = org.grant();
    const { id } = await createConnection(db, secrets, {
      provider: 'salesforce',
      authType: 'oauth',
      settings: { clientId: 'bench', loginUrl: org.baseUrl, instanceUrl: org.baseUrl },
      secrets: { clientSecret: 'bench-secret', refreshToken },
    });
    // Authorized, as the OAuth callback leaves it.
    await saveGrantedTokens(db, secrets, id, { accessToken, instanceUrl: org.baseUrl });

    // The sync, started through the API as an admin would, timed to its workflow's end.
    const started = now();
    const syncStarted = await admin('POST', `/v1/connections/${id}/sync`, { full: true });
    if (syncStarted.status !== 202) throw new Error(`sync: ${syncStarted.status} ${JSON.stringify(syncStarted.body)}`);
    await client.workflow.getHandle(connectionSyncWorkflowId(id)).result();
    const seconds = (now() - started) / 1000;
    const records = RECORDS + 1;
    const calls = org.apiRequests;

    // Routings: a rule whose first stage is the visitor's Salesforce owner.
    await admin('PUT', '/v1/users/owner', { name: 'Owner', email: 'owner@bench.test', status: 'available' });
    await admin('PUT', '/v1/users/desk', { name: 'Desk', email: 'desk@bench.test', status: 'available' });
    await admin('POST', '/v1/rules', {
      name: 'salesforce owner',
      routeTo: { users: ['desk'] },
      offerTimeoutSeconds: 60,
      salesforce: { enabled: true, target: 'owner' },
    });
    const token = (await admin('POST', '/v1/users/owner/tokens')).body as { token: string };
    const stream = openOfferStream(baseUrl, { id: 'owner', token: token.token });
    await stream.opened;
    // Contacts only Salesforce knows yet: each found by a live lookup (none cached). The first WARM_UP routings of
    // each kind are not counted (the worker's first tasks, the org's first connections).
    const total = ROUTINGS + WARM_UP;
    for (let i = 0; i < total; i++) org.upsert('Contact', { Email: `live${i}@client.test`, OwnerId: owner.Id });
    const triggerToOffer = { synced: [] as number[], live: [] as number[] };
    for (let i = 0; i < total * 2; i++) {
      const kind = i % 2 === 0 ? 'synced' : 'live';
      const email = kind === 'synced' ? `synced${i}@client.test` : `live${(i - 1) / 2}@client.test`;
      const routingId = `bench-${kind}-${i}-${randomUUID()}`;
      const at = now();
      const response = await http.request('POST', '/v1/routings', keys.experienceKey, {
        routingId,
        type: 'inbound',
        visitor: { id: `v-${routingId}`, email },
      });
      if (response.status >= 300) throw new Error(`routing: ${response.status} ${JSON.stringify(response.body)}`);
      while (!stream.arrivedAt.has(routingId)) await sleep(1);
      if (i >= WARM_UP * 2) triggerToOffer[kind].push((stream.arrivedAt.get(routingId) as number) - at);
      await http.request('POST', `/v1/routings/${routingId}/cancel`, keys.experienceKey);
    }
    stream.close();

    const synced = summarize(triggerToOffer.synced);
    const live = summarize(triggerToOffer.live);
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    console.log(`connector figures (${backend.name}, in one process; ${RECORDS} contacts, ${ROUTINGS} routings each)`);
    console.log(`  sync: ${records} records in ${seconds.toFixed(2)} s = ${Math.round(records / seconds)} records/s`);
    // One call per page of up to 2,000 records, plus one per other object (User, Lead, Account, AccountTeamMember).
    console.log(`  API calls: ${calls} for ${records} records = ${((calls / records) * 10_000).toFixed(1)} per 10,000`);
    console.log(`  trigger-to-offer, synced match (floor): median ${ms(synced.median)}, p99 ${ms(synced.p99)}`);
    console.log(`  trigger-to-offer, live lookup:          median ${ms(live.median)}, p99 ${ms(live.p99)}`);
    console.log(
      `  live lookup adds ${ms(live.median - synced.median)} at the median: ${(live.median / synced.median).toFixed(2)}x the floor (budget ${LIVE_LOOKUP_BUDGET_MS} ms)`,
    );
  } finally {
    log('stopping');
    await api.close();
    worker.shutdown();
    await running;
    await sync.close();
    await nativeConnection.close();
    await connection.close();
    await org.stop();
    await db.destroy();
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
