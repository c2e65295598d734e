// The outbound click tracker end to end, over real sockets: Outreach's mailing links extension call (signed as
// Outreach signs it) answered with tracked links, a click redirected to the original link only and recorded, the
// click token passed by the experience in `visitor.outbound.token` routing to the email's sender, and forged,
// altered, replayed and unsigned inputs refused. Also the minted link (Salesloft's documented tracking design).
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { fetch } from 'undici';
import { clickTokenHash } from '../../connectors/link-tracking/link-tokens';
import { redeemClick } from '../../store/outbound-tracking';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const EXTENSION_SECRET = 'outreach-app-webhook-secret-for-tests';

describe('outbound click tracking', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['sender', 'desk']);
    await createRule(suite.admin, {
      name: 'outbound',
      criteria: { all: [{ field: 'country', op: 'equals', value: 'outbound' }] },
      outbound: { enabled: true, routeTo: 'sender' },
      routeTo: { users: ['desk'] },
      offerTimeoutSeconds: 60,
    });
    for (const provider of ['outreach', 'salesloft']) {
      const tracker = await suite.admin.put(`/v1/outbound-tracking/${provider}`, {
        publicBaseUrl: suite.service.baseUrl,
        landingHosts: ['landing.test'],
        ...(provider === 'outreach' && { extensionSecret: EXTENSION_SECRET }),
      });
      assert.equal(tracker.status, 200, JSON.stringify(tracker.body));
    }
  });

  /** Outreach's call before sending an email (developers.outreach.io, mailing links custom tracker). */
  async function extensionCall(payload: unknown, secret: string | null = EXTENSION_SECRET) {
    const body = JSON.stringify(payload);
    const response = await fetch(`${suite.service.baseUrl}/tracking/outreach/links`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret && { 'outreach-webhook-signature': createHmac('sha256', secret).update(body).digest('hex') }),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { data: Record<string, string> } };
  }

  const mailing = (links: string[]) => ({
    data: links,
    meta: {
      mailing: { id: '123' },
      prospect: { email: 'prospect@lead.test', id: '456' },
      user: { email: 'sender@example.test', id: '789' },
      urls: Object.fromEntries(links.map((link) => [link, link])),
    },
  });

  /** Follows a tracked link as a recipient's browser would, one hop. */
  async function click(link: string) {
    const response = await fetch(link, { redirect: 'manual' });
    await response.body?.cancel();
    return { status: response.status, location: response.headers.get('location') ?? undefined };
  }

  async function routeAndAccept(visitor: Record<string, unknown>, expectedRep: string) {
    const routingId = uniqueRoutingId('tracked');
    const started = await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor });
    assert.ok([200, 201, 202].includes(started.status), JSON.stringify(started.body));
    await offerFor(suite.admin, expectedRep, routingId);
    assert.equal((await suite.admin.accept(routingId, expectedRep)).status, 200);
    return (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
  }

  test('the extension call is answered with tracked links; a click lands on the original link with its token', async () => {
    const pricing = 'https://www.landing.test/pricing?plan=team';
    const elsewhere = 'https://news.example.org/article';
    const answer = await extensionCall(mailing([pricing, elsewhere, 'mailto:someone@example.org']));
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body.data).sort(), [elsewhere, pricing].sort(), 'only http(s) links');
    const tracked = answer.body.data[pricing] as string;
    assert.ok(tracked.startsWith(`${suite.service.baseUrl}/tracking/click/`));

    const landed = await click(tracked);
    assert.equal(landed.status, 302);
    const location = new URL(landed.location as string);
    const token = location.searchParams.get('outbound_click');
    assert.ok(token, 'the landing page gets the click token');
    location.searchParams.delete('outbound_click');
    assert.equal(location.toString(), pricing, 'the original link, nothing else');

    // A site that is not a landing site gets the click, not the token.
    assert.deepEqual(await click(answer.body.data[elsewhere] as string), { status: 302, location: elsewhere });

    // The experience passes the token: the outbound stage offers the email's sender, with no lookup by the caller.
    const visitorId = `visitor-${randomBytes(4).toString('hex')}`;
    const state = await routeAndAccept(
      { id: visitorId, country: 'outbound', outbound: { provider: 'outreach', token } },
      'sender',
    );
    assert.equal(state.stages[0].name, 'outbound');
    assert.deepEqual(state.stages[0].candidates, [{ userId: 'sender', eligible: true }]);
    assert.equal(state.stages[0].identifiedBy, 'click_through');

    // The same visitor routing again keeps their click; another visitor presenting the token is refused.
    await routeAndAccept({ id: visitorId, country: 'outbound', outbound: { provider: 'outreach', token } }, 'sender');
    const replayed = await routeAndAccept(
      { id: `${visitorId}-other`, country: 'outbound', outbound: { provider: 'outreach', token } },
      'desk',
    );
    assert.deepEqual(replayed.stages[0].candidates, [], 'a replayed token names no sender');

    // Past its 24 hours the token names nobody, not even to the visitor who claimed it.
    const dayAndHourLater = new Date(Date.now() + 25 * 3_600_000);
    assert.deepEqual(await redeemClick(suite.service.db, clickTokenHash(token), visitorId, dayAndHourLater), {
      refused: 'expired',
    });
  });

  test('a link another extension rewrote (a shortener) lands on the landing page the sender wrote, with its token', async () => {
    const written = 'https://www.landing.test/demo';
    const shortened = 'https://short.example/abc';
    const outside = 'https://docs.example.org/guide';
    const outsideShortened = 'https://short.example/def';
    const payload = mailing([shortened, outsideShortened]);
    payload.meta.urls = { [written]: shortened, [outside]: outsideShortened };
    const answer = await extensionCall(payload);
    assert.equal(answer.status, 200);
    assert.deepEqual(Object.keys(answer.body.data).sort(), [outsideShortened, shortened].sort(), 'keyed by `data`');
    const landed = new URL((await click(answer.body.data[shortened] as string)).location as string);
    assert.ok(landed.searchParams.get('outbound_click'), 'the landing page gets the click token');
    landed.searchParams.delete('outbound_click');
    assert.equal(landed.toString(), written);
    // A written link that is no landing site keeps the chain the other extension made.
    assert.deepEqual(await click(answer.body.data[outsideShortened] as string), {
      status: 302,
      location: outsideShortened,
    });
  });

  test('a forged click token routes nobody to a sender', async () => {
    const forged = randomBytes(32).toString('base64url');
    const state = await routeAndAccept(
      { id: 'forger', country: 'outbound', outbound: { provider: 'outreach', token: forged } },
      'desk',
    );
    assert.deepEqual(state.stages[0].candidates, [], 'a forged token names no sender');
    const invalid = await suite.admin.post('/v1/routings', {
      routingId: uniqueRoutingId('bad-token'),
      type: 'inbound',
      visitor: { id: 'x', outbound: { provider: 'outreach', token: 'not a token' } },
    });
    assert.equal(invalid.status, 400, 'a token is bounded and base64url');
  });

  test('unsigned or wrongly signed extension calls are refused', async () => {
    assert.equal((await extensionCall(mailing(['https://www.landing.test/']), null)).status, 401);
    assert.equal((await extensionCall(mailing(['https://www.landing.test/']), 'another-secret-entirely')).status, 401);
  });

  test('an altered or forged link redirects nowhere', async () => {
    const answer = await extensionCall(mailing(['https://www.landing.test/demo']));
    const tracked = answer.body.data['https://www.landing.test/demo'] as string;
    const token = tracked.split('/').at(-1) as string;
    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const redirected = Buffer.from(JSON.stringify({ ...claims, url: 'https://evil.example/' })).toString('base64url');
    assert.equal((await click(`${suite.service.baseUrl}/tracking/click/${redirected}.${signature}`)).status, 404);
    const resent = Buffer.from(JSON.stringify({ ...claims, senderEmail: 'desk@example.test' })).toString('base64url');
    assert.equal((await click(`${suite.service.baseUrl}/tracking/click/${resent}.${signature}`)).status, 404);
    const ownKey = createHmac('sha256', randomBytes(32)).update(payload).digest('base64url');
    assert.equal((await click(`${suite.service.baseUrl}/tracking/click/${payload}.${ownKey}`)).status, 404);
    assert.equal((await click(`${suite.service.baseUrl}/tracking/click/garbage`)).status, 404);
  });

  test('Salesloft: an admin-minted tracked link routes its clicker to the sender it names', async () => {
    const minted = await suite.admin.post('/v1/outbound-tracking/salesloft/links', {
      url: 'https://landing.test/webinar',
      senderEmail: 'sender@example.test',
    });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    const landed = await click(minted.body.link);
    const token = new URL(landed.location as string).searchParams.get('outbound_click');
    assert.ok(token);
    const state = await routeAndAccept(
      { id: 'salesloft-visitor', country: 'outbound', outbound: { provider: 'salesloft', token } },
      'sender',
    );
    assert.equal(state.stages[0].name, 'outbound');
    const unknown = await suite.admin.post('/v1/outbound-tracking/salesloft/links', {
      url: 'ftp://x.test/',
      senderEmail: 'a@b.test',
    });
    assert.equal(unknown.status, 400);
  });

  test('the link key and the extension secret are sealed at rest; links keep working across settings changes', async () => {
    const before = await suite.admin.post('/v1/outbound-tracking/salesloft/links', {
      url: 'https://landing.test/sealed',
      senderEmail: 'sender@example.test',
    });
    const rows = await suite.service.db.selectFrom('outbound_trackers').selectAll().execute();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(row.link_key, /^v1\./, `${row.provider}: the link key is sealed`);
      if (row.extension_secret !== null) assert.match(row.extension_secret, /^v1\./);
    }
    assert.ok(!JSON.stringify(rows).includes(EXTENSION_SECRET), 'the extension secret is not stored in clear');
    // Set up again without publicBaseUrl: the tracker takes the address it was set up at (PUBLIC_URL when set);
    // its key is kept, so a link sent before still works.
    const again = await suite.admin.put('/v1/outbound-tracking/salesloft', { landingHosts: ['landing.test'] });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.publicBaseUrl, suite.service.baseUrl);
    assert.equal((await click(before.body.link)).status, 302);
  });
});
