// Connections (SPEC.md, "Connections"; issue 16 point 1): an admin connects Salesforce through the OAuth 2.0
// authorization code flow with PKCE, or the JWT bearer flow, and Outreach through the code flow, against a local
// server speaking the providers' OAuth protocol (test/providers/oauth-provider.ts) on 127.0.0.1, which the test
// service's OUTBOUND_ALLOWED_HOSTS allows. Secrets never come back from the API and are not stored in plain text;
// a revoked grant shows up as the connection's status with the provider's reason.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { ConnectionAuthError, ConnectionSessions } from '../../connectors/sessions';
import { outboundPolicy } from '../../outbound/destination-policy';
import { connectionDeletionWorkflowId } from '../../workflows/delete-connection';
import { LocalOAuthProvider } from '../providers/oauth-provider';
import type { TestService } from '../support/service';
import { useTestService } from '../support/suite-service';

const CLIENT_SECRET = 'client-secret-8f3a0c2e9b';

/** Everything the database holds about connections, as text, to look for secrets in. */
async function storedConnectionText(service: TestService): Promise<string> {
  const connections = await service.db.selectFrom('connections').selectAll().execute();
  const states = await service.db.selectFrom('connection_oauth_states').selectAll().execute();
  return JSON.stringify({ connections, states });
}

/** Follows the authorizeUrl as the admin's browser would: to the provider, then its redirect to our callback. */
async function grantAccess(authorizeUrl: string): Promise<Response> {
  const atProvider = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(atProvider.status, 302);
  const callback = atProvider.headers.get('location');
  assert.ok(callback, 'the provider redirects back');
  return fetch(callback, { redirect: 'manual' });
}

describe('connections', () => {
  let provider: LocalOAuthProvider;
  let sessions: ConnectionSessions;
  const suite = useTestService({
    cleanUp: async () => {
      // Deleting them removes their sync Schedules from the shared Temporal server.
      for (const { id } of (await suite.admin.get('/v1/connections')).body.connections) {
        await suite.admin.delete(`/v1/connections/${id}`);
      }
      await sessions?.close();
      await provider?.close();
    },
  });

  before(async () => {
    provider = await new LocalOAuthProvider().start();
    sessions = new ConnectionSessions({
      db: suite.service.db,
      secrets: suite.service.connectionSecrets,
      outbound: outboundPolicy(['127.0.0.1']),
    });
  });

  test('Salesforce over OAuth with PKCE: authorize, callback, connected; secrets never shown nor stored in clear', async () => {
    provider.clients.set('sf-app', { clientSecret: CLIENT_SECRET });
    const created = await suite.admin.post('/v1/connections', {
      provider: 'salesforce',
      auth: { type: 'oauth', clientId: 'sf-app', clientSecret: CLIENT_SECRET },
      loginUrl: provider.url,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'pending_authorization');
    assert.equal(created.body.provider, 'salesforce');
    const authorizeUrl = new URL(created.body.authorizeUrl);
    assert.equal(`${authorizeUrl.origin}${authorizeUrl.pathname}`, `${provider.url}/services/oauth2/authorize`);
    assert.equal(authorizeUrl.searchParams.get('response_type'), 'code');
    assert.equal(authorizeUrl.searchParams.get('client_id'), 'sf-app');
    assert.equal(authorizeUrl.searchParams.get('redirect_uri'), `${suite.service.baseUrl}/connections/oauth/callback`);
    assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
    assert.match(authorizeUrl.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    const state = authorizeUrl.searchParams.get('state') ?? '';
    assert.ok(state.length >= 32, 'an unguessable state');

    const callback = await grantAccess(authorizeUrl.toString());
    assert.equal(callback.status, 303);
    assert.equal(callback.headers.get('location'), '/#connections');

    // The token exchange sent the verifier whose S256 is the challenge (the provider checked it too).
    const exchange = provider.tokenRequests.find((request) => request.form.grant_type === 'authorization_code');
    assert.ok(exchange);
    const verifier = exchange.form.code_verifier ?? '';
    assert.equal(
      createHash('sha256').update(verifier).digest('base64url'),
      authorizeUrl.searchParams.get('code_challenge'),
    );

    const read = await suite.admin.get(`/v1/connections/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'connected');
    assert.equal(read.body.instanceUrl, provider.url);
    assert.deepEqual(read.body.records, {});
    // Authorized: its Schedule of incremental syncs exists.
    const schedule = await suite.service.env.client.schedule
      .getHandle(`connection-sync-schedule-${created.body.id}`)
      .describe();
    assert.equal(schedule.action.type, 'startWorkflow');

    // The state was single use.
    const replayed = await fetch(
      `${suite.service.baseUrl}/connections/oauth/callback?state=${encodeURIComponent(state)}&code=again`,
      { redirect: 'manual' },
    );
    assert.equal(replayed.status, 400);
    assert.equal(((await replayed.json()) as { error: { code: string } }).error.code, 'invalid_state');

    const session = await sessions.current(created.body.id);
    assert.equal(session.apiBaseUrl, provider.url);
    assert.ok(provider.accessTokens.has(session.accessToken), 'the stored token is the one the provider issued');
    const tokenCalls = provider.tokenRequests.length;
    const secrets = [CLIENT_SECRET, session.accessToken, verifier];
    const responses = JSON.stringify([created.body, read.body, (await suite.admin.get('/v1/connections')).body]);
    const stored = await storedConnectionText(suite.service);
    for (const secret of secrets) {
      assert.ok(!responses.includes(secret), 'no secret in any response');
      assert.ok(!stored.includes(secret), 'no secret in clear in the database');
    }
    assert.equal(provider.tokenRequests.length, tokenCalls, 'current() used the stored token');
  });

  test('refresh on demand uses the refresh token; a revoked grant sets error with the provider’s reason', async () => {
    provider.clients.set('sf-refresh', { clientSecret: CLIENT_SECRET });
    const created = await suite.admin.post('/v1/connections', {
      provider: 'salesforce',
      auth: { type: 'oauth', clientId: 'sf-refresh', clientSecret: CLIENT_SECRET },
      loginUrl: `${provider.url}/`,
    });
    assert.equal(created.status, 201);
    await grantAccess(created.body.authorizeUrl);
    const first = await sessions.current(created.body.id);

    const refreshed = await sessions.refresh(created.body.id);
    assert.notEqual(refreshed.accessToken, first.accessToken);
    assert.ok(provider.accessTokens.has(refreshed.accessToken));
    const refresh = provider.tokenRequests.at(-1);
    assert.equal(refresh?.form.grant_type, 'refresh_token');
    assert.equal(refresh?.form.client_secret, CLIENT_SECRET);
    // Salesforce keeps the refresh token on a refresh: the stored one still works.
    assert.deepEqual(await sessions.current(created.body.id), refreshed);
    assert.ok((await sessions.refresh(created.body.id)).accessToken);

    provider.revokeRefreshTokens();
    await assert.rejects(sessions.refresh(created.body.id), (error: unknown) => {
      assert.ok(error instanceof ConnectionAuthError);
      assert.equal(error.oauthError, 'invalid_grant');
      assert.equal(error.nonRetryable, true);
      return true;
    });
    const read = await suite.admin.get(`/v1/connections/${created.body.id}`);
    assert.equal(read.body.status, 'error');
    assert.equal(read.body.statusReason, 'expired access/refresh token');

    // A new authorization brings it back.
    const again = await suite.admin.post(`/v1/connections/${created.body.id}/authorize`, {});
    assert.equal(again.status, 200);
    await grantAccess(again.body.authorizeUrl);
    assert.equal((await suite.admin.get(`/v1/connections/${created.body.id}`)).body.status, 'connected');
  });

  test('Salesforce JWT bearer: an RS256 assertion the provider verifies; a wrong user is refused with its reason', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    provider.clients.set('sf-jwt', { publicKey, username: 'integration@acme.test' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const created = await suite.admin.post('/v1/connections', {
      provider: 'salesforce',
      auth: { type: 'jwt', clientId: 'sf-jwt', username: 'integration@acme.test', privateKey: pem },
      loginUrl: provider.url,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'connected', created.body.statusReason);
    assert.equal(created.body.authorizeUrl, undefined);
    assert.deepEqual(created.body.auth, { type: 'jwt', clientId: 'sf-jwt', username: 'integration@acme.test' });
    const grant = provider.tokenRequests.at(-1);
    assert.equal(grant?.form.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');

    // A refresh mints a new assertion.
    const refreshed = await sessions.refresh(created.body.id);
    assert.equal(provider.tokenRequests.at(-1)?.form.grant_type, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.ok(provider.accessTokens.has(refreshed.accessToken));
    const stored = await storedConnectionText(suite.service);
    const key = pem.split('\n')[1] ?? '';
    assert.ok(key.length > 20 && !stored.includes(key), 'the private key is not stored in clear');
    assert.ok(!JSON.stringify((await suite.admin.get('/v1/connections')).body).includes(key));

    const wrongUser = await suite.admin.post('/v1/connections', {
      provider: 'salesforce',
      auth: { type: 'jwt', clientId: 'sf-jwt', username: 'someone-else@acme.test', privateKey: pem },
      loginUrl: provider.url,
    });
    assert.equal(wrongUser.status, 201);
    assert.equal(wrongUser.body.status, 'error');
    assert.equal(wrongUser.body.statusReason, "user hasn't approved this consumer");
  });

  test('Outreach over OAuth (no PKCE): tokenUrl and apiBaseUrl overrides; the rotated refresh token is kept', async () => {
    provider.clients.set('outreach-app', { clientSecret: CLIENT_SECRET });
    const created = await suite.admin.post('/v1/connections', {
      provider: 'outreach',
      auth: { type: 'oauth', clientId: 'outreach-app', clientSecret: CLIENT_SECRET },
      tokenUrl: `${provider.url}/oauth/token`,
      apiBaseUrl: `${provider.url}/api/v2`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const authorizeUrl = new URL(created.body.authorizeUrl);
    assert.equal(`${authorizeUrl.origin}${authorizeUrl.pathname}`, `${provider.url}/oauth/authorize`);
    assert.equal(authorizeUrl.searchParams.get('code_challenge'), null);
    await grantAccess(authorizeUrl.toString());
    const session = await sessions.current(created.body.id);
    assert.equal(session.apiBaseUrl, `${provider.url}/api/v2`);

    const refreshed = await sessions.refresh(created.body.id);
    const refresh = provider.tokenRequests.at(-1);
    assert.equal(refresh?.form.redirect_uri, `${suite.service.baseUrl}/connections/oauth/callback`);
    // The provider rotated the refresh token: the next refresh works only with the new one.
    const again = await sessions.refresh(created.body.id);
    assert.notEqual(again.accessToken, refreshed.accessToken);
    assert.equal((await suite.admin.get(`/v1/connections/${created.body.id}`)).body.status, 'connected');
  });

  test('a refused consent becomes the status; sync needs a grant, then starts syncConnection; delete', async () => {
    const created = await suite.admin.post('/v1/connections', {
      provider: 'salesforce',
      auth: { type: 'oauth', clientId: 'unknown-app', clientSecret: CLIENT_SECRET },
      loginUrl: provider.url,
    });
    const notYet = await suite.admin.post(`/v1/connections/${created.body.id}/sync`, {});
    assert.equal(notYet.status, 409);
    assert.equal(notYet.body.error.code, 'not_authorized');

    const callback = await grantAccess(created.body.authorizeUrl);
    assert.equal(callback.status, 303);
    const read = await suite.admin.get(`/v1/connections/${created.body.id}`);
    assert.equal(read.body.status, 'error');
    assert.equal(read.body.statusReason, 'client identifier invalid');

    const started = await suite.admin.post(`/v1/connections/${created.body.id}/sync`, { full: true });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.deepEqual(started.body, {
      connectionId: created.body.id,
      workflowId: `connection-sync-${created.body.id}`,
      full: true,
    });
    const handle = suite.service.env.client.workflow.getHandle(started.body.workflowId);
    const description = await handle.describe();
    assert.equal(description.type, 'syncConnection');
    assert.equal(description.taskQueue, suite.service.taskQueue);
    await handle.terminate('test: the sync itself is tested elsewhere').catch(() => undefined);

    const schedule = suite.service.env.client.schedule.getHandle(`connection-sync-schedule-${created.body.id}`);
    await schedule.describe();
    assert.equal((await suite.admin.delete(`/v1/connections/${created.body.id}`)).status, 204);
    assert.equal((await suite.admin.get(`/v1/connections/${created.body.id}`)).status, 404);
    // The deletion's workflow removes the Schedule, then the connection's records and row.
    await suite.service.env.client.workflow.getHandle(connectionDeletionWorkflowId(created.body.id)).result();
    await assert.rejects(schedule.describe(), 'the Schedule went with the connection');
    assert.equal(
      await suite.service.db
        .selectFrom('connections')
        .select('id')
        .where('id', '=', created.body.id)
        .executeTakeFirst(),
      undefined,
    );
    assert.equal((await suite.admin.delete(`/v1/connections/${created.body.id}`)).status, 404);
  });

  test('bad input answers 400 naming the field; internal hosts are refused; only admins', async () => {
    const cases: [unknown, string][] = [
      [{ provider: 'hubspot', auth: { type: 'oauth', clientId: 'a', clientSecret: 'b' } }, 'provider'],
      [{ provider: 'salesforce', auth: { type: 'oauth', clientId: 'a' } }, 'auth.clientSecret'],
      [{ provider: 'outreach', auth: { type: 'jwt', clientId: 'a', username: 'u', privateKey: 'k' } }, 'auth.type'],
      [
        { provider: 'salesforce', auth: { type: 'oauth', clientId: 'a', clientSecret: 'b' }, loginUrl: 'ftp://x' },
        'loginUrl',
      ],
      [
        { provider: 'salesforce', auth: { type: 'jwt', clientId: 'a', username: 'u', privateKey: 'not a key' } },
        'auth.privateKey',
      ],
      [
        {
          provider: 'salesloft',
          auth: { type: 'oauth', clientId: 'a', clientSecret: 'b' },
          tokenUrl: 'http://10.0.0.8/oauth/token',
        },
        'tokenUrl',
      ],
      [{ provider: 'salesloft', auth: { type: 'oauth', clientId: 'a', clientSecret: 'b' }, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const answer = await suite.admin.post('/v1/connections', body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      const fields = (answer.body.error.details.issues as { field: string }[]).map((issue) => issue.field);
      assert.ok(fields.includes(field), `${field} named in ${JSON.stringify(fields)}`);
    }
    const badSync = await suite.admin.post('/v1/connections/whatever/sync', { full: 'yes' });
    assert.equal(badSync.status, 400);

    const valid = { provider: 'salesforce', auth: { type: 'oauth', clientId: 'a', clientSecret: 'b' } };
    const experience = suite.admin.withToken(suite.service.keys.experienceKey);
    assert.equal((await experience.post('/v1/connections', valid)).status, 403);
    assert.equal((await experience.get('/v1/connections')).status, 403);
    assert.equal((await suite.admin.withToken(undefined).get('/v1/connections')).status, 401);
    assert.equal((await suite.admin.withToken('nope-not-a-valid-key').post('/v1/connections', valid)).status, 401);

    // The callback needs no credential, but a state it issued.
    const forged = await fetch(`${suite.service.baseUrl}/connections/oauth/callback?state=forged&code=x`, {
      redirect: 'manual',
    });
    assert.equal(forged.status, 400);
  });
});
