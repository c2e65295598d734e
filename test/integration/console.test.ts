// The web console in a real browser (Debian's Chromium, driven by playwright-core) against the real service: a rep
// signs in, goes available, is offered a visitor live and accepts; an admin creates, fixes and reorders rules,
// simulates a visitor and reads a routing's timeline. A failed test leaves a screenshot in test-results/.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { LocalOAuthProvider } from '../providers/oauth-provider';
import { OutreachData, outreachServer } from '../providers/outreach-server';
import { SalesloftData, salesloftServer } from '../providers/salesloft-server';
import { collectPageErrors, launchChromium, screenshotIfFailed } from '../support/browser';
import { databaseUnderTest } from '../support/database';
import { createRule, eventually, offerFor, uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService } from '../support/service';

/** Polls `read` until `accept` holds for what it returns; fails with the last value seen. */
async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 10_000) {
  let last: T | undefined;
  try {
    return await eventually(async () => {
      last = await read();
      return accept(last) ? last : undefined;
    }, timeoutMs);
  } catch {
    throw new Error(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
  }
}

/** A TCP relay to `target`; while down, it drops every connection, open or new. */
async function openRelay(target: URL) {
  const sockets = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        sockets.delete(from);
        to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    down(value: boolean) {
      down = value;
      if (down) for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** The text as laid out on screen (cells and list items apart), which is what a reader sees. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText, not the DOM property
const textOf = (locator: Locator) => locator.innerText();

describe('web console', {
  // The console only speaks HTTP to the API: which database sits behind the API changes nothing for the browser, and
  // every route it uses is tested on PostgreSQL by the other files. One browser run is enough.
  skip: databaseUnderTest() === 'postgres' && 'browser tests run once, with the SQLite run',
}, () => {
  let service: TestService;
  let admin: HttpClient;
  let experience: HttpClient;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Script errors and console errors (a CSP violation among them) seen by the page under test. */
  let pageErrors: string[];

  before(async () => {
    [service, browser] = await Promise.all([startTestService(), launchChromium()]);
    admin = new HttpClient(service.baseUrl, service.keys.adminKey);
    experience = admin.withToken(service.keys.experienceKey);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ baseURL: service.baseUrl });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });
  afterEach(async (t) => {
    await screenshotIfFailed(t, page);
    await context.close();
  });

  /** Signs in on the page's sign-in form as `repId`; resolves once their event stream is open. */
  async function signInAsRep(repId: string, token: string) {
    await page.getByLabel('Rep id', { exact: true }).fill(repId);
    await page.getByLabel('Rep token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in as rep' }).click();
    // Offers must arrive over the event stream: wait until it is open before any offer exists.
    await page.getByText('Live updates: on.').waitFor();
  }

  /** The rep view's card of their open conversation with `visitorName`. */
  const conversationCard = (visitorName: string) =>
    page.getByRole('list', { name: 'Active conversations' }).getByRole('listitem').filter({ hasText: visitorName });

  test('the console is public, with a CSP that allows only its own scripts', async () => {
    const response = await fetch(`${service.baseUrl}/`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self';/);
    assert.match(policy, /script-src-attr 'none'/);
    // It would send the browser to HTTPS for the console's own files whenever it is reached by an address over HTTP.
    assert.doesNotMatch(policy, /upgrade-insecure-requests/);
    assert.match(await response.text(), /<script type="module" src="main.js"><\/script>/);
    assert.equal(
      (await fetch(`${service.baseUrl}/main.js`)).headers.get('content-type'),
      'text/javascript; charset=utf-8',
    );
    assert.equal((await fetch(`${service.baseUrl}/nothing-here.js`)).status, 404);
  });

  test('a rep signs in, goes available, accepts a live offer and ends the conversation', async () => {
    assert.equal(
      (await admin.put('/v1/users/ann', { name: 'Ann Rep', email: 'ann@example.test', status: 'away' })).status,
      201,
    );
    await createRule(admin, {
      name: 'BigCo to ann',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'BigCo' }] },
      routeTo: { users: ['ann'] },
      offerTimeoutSeconds: 60,
    });
    const token = (await admin.post('/v1/users/ann/tokens')).body.token as string;

    await page.goto('/');
    await signInAsRep('ann', token);
    await page.getByRole('heading', { name: 'Rep Ann Rep (ann)' }).waitFor();

    // Presence, from the keyboard: the switch is focusable and toggles with Space.
    const presence = page.getByRole('switch', { name: 'Available' });
    await until(
      () => presence.getAttribute('aria-checked'),
      (value) => value === 'false',
      'switch while away',
    );
    await presence.focus();
    await page.keyboard.press('Space');
    await until(
      () => presence.getAttribute('aria-checked'),
      (value) => value === 'true',
      'switch after toggling',
    );
    assert.equal((await admin.get('/v1/users/ann')).body.status, 'available');
    await page.getByText('You are available').waitFor();

    const routingId = uniqueRoutingId('console');
    const visitor = { id: `v-${routingId}`, name: 'Jo Visitor', company: 'BigCo', fields: { employees: 5000 } };
    assert.equal((await experience.post('/v1/routings', { routingId, type: 'inbound', visitor })).status, 202);

    const offer = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Jo Visitor' }) });
    await offer.waitFor();
    const card = await textOf(offer);
    assert.match(card, /BigCo/);
    assert.match(card, /employees\s+5000/);
    const secondsLeft = async () =>
      Number((await textOf(offer.locator('.countdown'))).match(/Expires in (\d+) s/)?.[1]);
    const first = await secondsLeft();
    assert.ok(first > 50 && first <= 60, `countdown starts near the 60 s timeout, at ${first}`);
    await until(secondsLeft, (left) => left < first, 'the countdown ticking');
    // Screen readers are told about the new offer.
    await until(
      () => textOf(page.locator('#rep-announcer')),
      (text) => text.includes('New offer: Jo Visitor'),
      'the live region',
    );

    await offer.getByRole('button', { name: 'Accept Jo Visitor' }).click();
    await page.getByText('Connected with Jo Visitor.').waitFor();
    const conversation = conversationCard('Jo Visitor');
    await conversation.waitFor();
    await page.getByText('No offers right now.').waitFor();
    const state = (await admin.get(`/v1/routings/${routingId}`)).body;
    assert.deepEqual([state.status, state.repId], ['connected', 'ann']);

    await conversation.getByRole('button', { name: 'End conversation with Jo Visitor' }).click();
    await page.getByText('Conversation with Jo Visitor ended.').waitFor();
    await conversation.waitFor({ state: 'detached' });
    assert.deepEqual((await admin.get('/v1/reps/ann/conversations')).body.conversations, []);
    assert.deepEqual(pageErrors, []);
  });

  test('a rep whose conversation is ended for idleness is told so, and it leaves their list', async () => {
    await admin.put('/v1/users/ida', { name: 'Ida Rep', email: 'ida@example.test', status: 'available' });
    await createRule(admin, {
      name: 'IdleCo to ida',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'IdleCo' }] },
      routeTo: { users: ['ida'] },
      offerTimeoutSeconds: 60,
      endConversationAfterSeconds: 2,
    });
    const token = (await admin.post('/v1/users/ida/tokens')).body.token as string;
    await page.goto('/');
    await signInAsRep('ida', token);

    const routingId = uniqueRoutingId('console-idle');
    const visitor = { id: `v-${routingId}`, name: 'Quiet Visitor', company: 'IdleCo' };
    assert.equal((await experience.post('/v1/routings', { routingId, type: 'inbound', visitor })).status, 202);
    await offerFor(admin, 'ida', routingId);
    assert.equal((await admin.accept(routingId, 'ida')).status, 200);
    const conversation = conversationCard('Quiet Visitor');
    await conversation.waitFor();
    // Nobody ends it: the rule's idle end does, and the rep is told.
    await page.getByText('Your conversation with Quiet Visitor was ended: it was idle too long.').waitFor();
    await conversation.waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });

  test('a rep whose stream missed more than the server replays is told reset and refetches the offers', async () => {
    // This API process replays nothing: a stream resumed after any missed event starts with `reset`.
    const api = await service.startAnotherApi({ wakeOnAppendsTo: service.database, limits: { replayMaxEvents: 0 } });
    await admin.put('/v1/users/dee', { name: 'Dee Rep', email: 'dee@example.test', status: 'available' });
    await createRule(admin, {
      name: 'ResetCo to dee',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'ResetCo' }] },
      routeTo: { users: ['dee'] },
      offerTimeoutSeconds: 300,
    });
    const token = (await admin.post('/v1/users/dee/tokens')).body.token as string;
    const offerTo = (name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name }) });
    const route = async (name: string) => {
      const routingId = uniqueRoutingId('console-reset');
      const visitor = { id: `v-${routingId}`, name, company: 'ResetCo' };
      assert.equal((await experience.post('/v1/routings', { routingId, type: 'inbound', visitor })).status, 202);
      return routingId;
    };

    // The browser reaches that API through a relay that can drop its connections, as a network outage would.
    const relay = await openRelay(new URL(api));
    await page.goto(`${relay.url}/`);
    await signInAsRep('dee', token);
    const early = await route('Early Visitor');
    await offerTo('Early Visitor').waitFor(); // over the stream: the console now resumes after its event id

    // While the connection is down, the early offer is withdrawn and a late one made.
    relay.down(true);
    await page.getByText('Live updates: reconnecting…').waitFor();
    await experience.post(`/v1/routings/${early}/cancel`);
    const late = await route('Late Visitor');
    await eventually(async () => {
      const { body } = await admin.get('/v1/reps/dee/offers');
      return body.offers.some((offer: { routingId: string }) => offer.routingId === late) ? true : undefined;
    });
    relay.down(false);

    await offerTo('Late Visitor').waitFor();
    await offerTo('Early Visitor').waitFor({ state: 'detached' });
    await experience.post(`/v1/routings/${late}/cancel`);
    relay.close();
    assert.deepEqual(pageErrors, []);
  });

  test('an admin creates rules, sees a validation error, reorders them and simulates a visitor', async () => {
    for (const id of ['bo', 'cy']) {
      const status = id === 'bo' ? 'available' : 'offline';
      await admin.put(`/v1/users/${id}`, { name: id.toUpperCase(), email: `${id}@example.test`, status });
    }
    await admin.put('/v1/groups/enterprise', { name: 'Enterprise', members: ['bo', 'cy'] });
    // The other test's rule is there too: this one works with whatever is listed.
    const existing = (await admin.get('/v1/rules')).body.rules.map((rule: { name: string }) => rule.name);
    const ruleNames = async () => ((await admin.get('/v1/rules')).body.rules as { name: string }[]).map((r) => r.name);
    const listedNames = async () =>
      (await page.locator('#rules > li h3').allInnerTexts()).map((text) => text.replace(/disabled$/, '').trim());

    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await page.getByRole('row', { name: /^bo BO/ }).waitFor();

    // A rule the API refuses: the error names the field and sits beside its input.
    const editor = page.locator('#rule-form');
    await page.getByRole('button', { name: 'New rule' }).click();
    await editor.getByLabel('Name').fill('Small companies');
    await editor.getByLabel('Reps (ids, comma-separated)').fill('bo');
    await editor.getByLabel('Offer timeout (seconds)').fill('0');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    const summary = editor.locator('#rule-form-errors');
    await summary.waitFor();
    assert.match(await textOf(summary), /offerTimeoutSeconds: Too small/);
    assert.equal(await editor.getByLabel('Offer timeout (seconds)').getAttribute('aria-invalid'), 'true');
    assert.match(await textOf(editor.locator('#rule-timeout-error')), /offerTimeoutSeconds/);
    assert.deepEqual(await ruleNames(), existing, 'nothing was created');

    await editor.getByLabel('Offer timeout (seconds)').fill('45');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Created rule “Small companies”.').waitFor();

    await page.getByRole('button', { name: 'New rule' }).click();
    await editor.getByLabel('Name').fill('Big companies');
    await editor
      .getByLabel('Criteria (JSON; empty matches every visitor)')
      .fill('{"all": [{"field": "fields.employees", "op": "gte", "value": 1000}]}');
    await editor.getByLabel('Groups (ids, comma-separated)').fill('enterprise');
    await editor.getByLabel('Distribution').selectOption('round_robin');
    await editor.getByLabel('Round-robin weights (rep=weight, comma-separated; others weigh 1)').fill('bo=3, cy=2');
    await editor.getByLabel('Round-robin counts start again').selectOption('week');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Created rule “Big companies”.').waitFor();
    const big = ((await admin.get('/v1/rules')).body.rules as Record<string, unknown>[]).find(
      (rule) => rule.name === 'Big companies',
    );
    assert.ok(big, 'the rule was stored');
    assert.deepEqual([big.distribution, big.rotationResets], ['round_robin', 'week']);
    assert.deepEqual((big.routeTo as { weights: unknown }).weights, { bo: 3, cy: 2 });
    assert.deepEqual(await ruleNames(), [...existing, 'Small companies', 'Big companies']);
    assert.deepEqual(await listedNames(), await ruleNames());

    // Reorder with the buttons: to the top with clicks, then down and up again from the keyboard, where focus stayed.
    for (let moves = existing.length + 1; moves > 0; moves--) {
      await page.getByRole('button', { name: 'Move up “Big companies”' }).click();
      await page.getByText(`Moved “Big companies” to position ${moves}`).waitFor();
    }
    assert.deepEqual(await ruleNames(), ['Big companies', ...existing, 'Small companies']);
    assert.deepEqual(await listedNames(), await ruleNames());
    const focused = () => page.locator(':focus').textContent();
    assert.equal(await focused(), 'Move down “Big companies”', 'focus stays on the moved rule');
    await page.keyboard.press('Enter');
    await page.getByText('Moved “Big companies” to position 2').waitFor();
    assert.deepEqual((await ruleNames())[1], 'Big companies');
    assert.equal(await focused(), 'Move down “Big companies”');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'Move up “Big companies”');
    await page.keyboard.press('Enter');
    await page.getByText('Moved “Big companies” to position 1').waitFor();
    assert.deepEqual(await ruleNames(), ['Big companies', ...existing, 'Small companies'], 'the order is stored');

    // Simulate: the explanation names the matched rule and each stage's candidates.
    await page.getByLabel('Visitor (JSON)').fill('{"id": "v-sim", "fields": {"employees": 5000}}');
    await page.getByRole('button', { name: 'Simulate' }).click();
    const result = page.locator('#simulation');
    await result.getByText('Matched rule').waitFor();
    const explained = await textOf(result);
    assert.match(explained, /Matched rule Big companies/);
    assert.match(explained, /Stage 1: route_to/);
    assert.match(explained, /bo\s+yes/);
    assert.match(explained, /cy\s+no: offline/);
    assert.match(explained, /If nobody accepts: the meeting booker/);
    assert.match(explained, /Round robin would offer in this order: bo\./, 'the weighted rotation decides the order');

    // A routing's timeline: its rule, offers and trace.
    const routingId = uniqueRoutingId('console-timeline');
    await experience.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: 'v-t', fields: { employees: 20 } },
    });
    await eventually(async () =>
      (await admin.get(`/v1/routings/${routingId}`)).body.offers?.length ? true : undefined,
    );
    await page.getByLabel('Routing id').fill(routingId);
    await page.getByRole('button', { name: 'Show' }).click();
    const timeline = page.locator('#timeline');
    await timeline.getByText(`Routing ${routingId}`).waitFor();
    const told = await textOf(timeline);
    assert.match(told, /Small companies/);
    assert.match(told, /bo\s+route_to\s+First available/, 'each offer says which distribution decided it');
    assert.match(told, /offered/i);
    await experience.post(`/v1/routings/${routingId}/cancel`);
    assert.deepEqual(pageErrors, []);
  });

  test('an admin sets a rep’s hours, daily cap and missed-offer limit, a group’s hours and a rule’s idle end', async () => {
    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();

    const repForm = page.locator('#user-form');
    await page.getByText('Add or update a rep').click();
    await repForm.getByLabel('Id').fill('hal');
    await repForm.getByLabel('Name').fill('Hal');
    await repForm.getByLabel('Email').fill('hal@example.test');
    const hours = repForm.getByLabel(/^Working hours/);
    await hours.fill('{"timeZone": "Mars/Olympus"}');
    await repForm.getByRole('button', { name: 'Save rep' }).click();
    await repForm.locator('#user-hours-error').waitFor();
    assert.match(await textOf(repForm.locator('#user-hours-error')), /workingHours\.timeZone/);
    await hours.fill('{"timeZone": "Europe/Paris", "weekly": {"mon": [{"start": "09:00", "end": "17:00"}]}}');
    await repForm.getByLabel(/^Daily cap/).fill('5');
    await repForm.getByLabel(/^Set away after/).fill('3');
    await repForm.getByRole('button', { name: 'Save rep' }).click();
    const row = page.getByRole('row', { name: /^hal Hal/ });
    await row.waitFor();
    assert.match(await textOf(row), /Europe\/Paris: mon 09:00–17:00\s+5\s+3/);
    const hal = (await admin.get('/v1/users/hal')).body;
    assert.deepEqual(
      [hal.workingHours.weekly.mon, hal.dailyAcceptCap, hal.awayAfterMissedOffers],
      [[{ start: '09:00', end: '17:00' }], 5, 3],
    );

    const groupForm = page.locator('#group-form');
    await page.getByText('Add or update a group').click();
    await groupForm.getByLabel('Id', { exact: true }).fill('nights');
    await groupForm.getByLabel('Name').fill('Nights');
    await groupForm.getByLabel('Members (rep ids, comma-separated)').fill('hal');
    await groupForm
      .getByLabel(/^Working hours/)
      .fill('{"timeZone": "UTC", "weekly": {"fri": [{"start": "22:00", "end": "06:00"}]}}');
    await groupForm.getByRole('button', { name: 'Save group' }).click();
    await page.getByRole('row', { name: /^nights Nights hal UTC: fri 22:00–06:00/ }).waitFor();

    const editor = page.locator('#rule-form');
    await page.getByRole('button', { name: 'New rule' }).click();
    await editor.getByLabel('Name').fill('Idle ends');
    await editor.getByLabel('Reps (ids, comma-separated)').fill('hal');
    await editor.getByLabel(/^End a conversation nobody ends after/).fill('600');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Created rule “Idle ends”.').waitFor();
    const saved = (await admin.get('/v1/rules')).body.rules.find((rule: { name: string }) => rule.name === 'Idle ends');
    assert.equal(saved.endConversationAfterSeconds, 600);
    assert.deepEqual(pageErrors, []);
  });

  test('an admin edits a draft that routes nobody, is told of a concurrent edit, publishes it and discards another', async () => {
    const liveNames = async () => ((await admin.get('/v1/rules')).body.rules as { name: string }[]).map((r) => r.name);
    const listedNames = async () =>
      (await page.locator('#rules > li h3').allInnerTexts()).map((text) => text.replace(/disabled$/, '').trim());
    const live = await liveNames();
    const message = page.locator('#admin-message');
    const said = (text: string) =>
      until(
        () => textOf(message),
        (shown) => shown.includes(text),
        `message "${text}"`,
      );

    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    assert.equal(await page.locator('#what-if').isVisible(), false, 'no what-if outside draft mode');

    await page.getByRole('button', { name: 'Start a draft' }).click();
    await said('Started a draft from the live rules.');
    await page.getByText(/^Draft, revision 1, started from version \d+/).waitFor();
    // The what-if of the draft, in draft mode only (console-what-if.test.ts runs one).
    assert.equal(await page.locator('#draft-panel #what-if #what-if-form').count(), 1);
    assert.deepEqual(await listedNames(), live);

    const editor = page.locator('#rule-form');
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByRole('heading', { name: 'New rule (draft)' }).waitFor();
    await editor.getByLabel('Name').fill('Drafted rule');
    await editor
      .getByLabel('Criteria (JSON; empty matches every visitor)')
      .fill('{"all": [{"field": "country", "op": "equals", "value": "Draftland"}]}');
    await editor.getByLabel('Reps (ids, comma-separated)').fill('bo');
    await editor.getByRole('button', { name: 'Save rule' }).click();
    await said('Created rule “Drafted rule” in the draft.');
    assert.deepEqual(await listedNames(), [...live, 'Drafted rule']);
    assert.deepEqual(await liveNames(), live, 'the live rules are untouched');

    // Another admin changes the draft meanwhile: this admin's move is refused, told, and the list shows theirs.
    const other = await admin.post('/v1/rules/draft/rules', { name: 'Other admin rule', enabled: false });
    assert.equal(other.status, 201);
    await page.getByRole('button', { name: 'Move up “Drafted rule”' }).click();
    await said('Could not reorder: someone else changed these rules since you loaded them.');
    await until(listedNames, (names) => names.includes('Other admin rule'), 'the other admin’s rule listed');
    const draftNames = ((await admin.get('/v1/rules/draft')).body.rules as { name: string }[]).map((r) => r.name);
    assert.deepEqual(draftNames, [...live, 'Drafted rule', 'Other admin rule'], 'the refused move changed nothing');
    // Now current, the same move goes through.
    await page.getByRole('button', { name: 'Move up “Drafted rule”' }).click();
    await said('Moved “Drafted rule” to position');

    await page.getByLabel('Your name (recorded as who published the version)').fill('Dana Ops');
    await page.getByRole('button', { name: 'Publish the draft' }).click();
    await said(', by Dana Ops.');
    await page.getByText(/^Rule-set version \d+, published by Dana Ops/).waitFor();
    assert.equal(await page.locator('#what-if').isVisible(), false);
    const published = (await admin.get('/v1/rules')).body;
    assert.equal(published.publishedBy, 'Dana Ops');
    assert.ok(published.rules.some((rule: { name: string }) => rule.name === 'Drafted rule'));
    assert.equal((await admin.get('/v1/rules/draft')).status, 404);

    // A second draft, discarded: the live rules stay as published.
    await page.getByRole('button', { name: 'Start a draft' }).click();
    await page.getByText(/^Draft, revision 1/).waitFor();
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete “Drafted rule”' }).click();
    await said('Deleted rule “Drafted rule” from the draft.');
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Discard the draft' }).click();
    await said('Discarded the draft.');
    await page.getByRole('button', { name: 'Start a draft' }).waitFor();
    assert.equal((await admin.get('/v1/rules/draft')).status, 404);
    assert.deepEqual((await admin.get('/v1/rules')).body, published);
    assert.deepEqual(pageErrors, []);
  });

  test('an admin connects Salesforce: a refused field, the provider round trip, connected, sync now, delete', async () => {
    const provider = await new LocalOAuthProvider().start();
    try {
      provider.clients.set('console-app', { clientSecret: 'console-secret-3c1d' });
      await page.goto('/');
      await page.getByLabel('Admin key', { exact: true }).fill(service.keys.adminKey);
      await page.getByRole('button', { name: 'Sign in as admin' }).click();
      await page.getByRole('heading', { name: 'Connections' }).waitFor();
      const form = page.locator('#connection-form');
      await page.getByText('Connect a system').click();

      // The API's refusal sits beside the field it names.
      await form.getByLabel('System').selectOption('salesforce');
      await form.getByLabel('Client secret').fill('console-secret-3c1d');
      await form.getByRole('button', { name: 'Connect' }).click();
      await form.locator('#connection-form-errors').waitFor();
      assert.equal(await form.getByLabel('Client id (consumer key)').getAttribute('aria-invalid'), 'true');
      assert.match(await textOf(form.locator('#connection-client-id-error')), /auth\.clientId/);

      // To the provider's consent (granted at once by the local server) and back to the console.
      await form.getByLabel('Client id (consumer key)').fill('console-app');
      await form.getByLabel('Client secret').fill('console-secret-3c1d');
      await form.getByLabel(/^Login URL/).fill(provider.url);
      await form.getByRole('button', { name: 'Connect' }).click();
      await page.waitForURL(/\/#connections$/);
      const row = page.locator('#connections-list tr').filter({ hasText: 'Salesforce' });
      await row.getByText('Connected').waitFor();
      assert.match(await textOf(row), /never/);
      assert.ok(!(await page.content()).includes('console-secret-3c1d'), 'the secret is not shown');

      await row.getByRole('button', { name: /^Sync now/ }).click();
      await page.getByText(/^Sync of Salesforce .* started\.$/).waitFor();
      const id = await row.getAttribute('data-connection-id');
      await service.env.client.workflow
        .getHandle(`connection-sync-${id}`)
        .terminate('console test: the sync itself is tested elsewhere')
        .catch(() => undefined);

      page.once('dialog', (dialog) => dialog.accept());
      await row.getByRole('button', { name: /^Delete/ }).click();
      await page.getByText(/^Deleted Salesforce /).waitFor();
      assert.equal((await admin.get(`/v1/connections/${id}`)).status, 404);
      assert.deepEqual(pageErrors, []);
    } finally {
      await provider.close();
    }
  });

  test('an admin connects Outreach and Salesloft in the console and watches each sync its users and prospects', async () => {
    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Connections' }).waitFor();
    const updatedAt = new Date().toISOString();
    const outreach = new OutreachData();
    outreach.users.set(7, { id: 7, email: 'owner@outreach.test', updatedAt });
    for (const id of [8, 9]) {
      outreach.prospects.set(id, { id, emails: [`p${id}@outreach.test`], ownerId: 7, updatedAt });
    }
    const salesloft = new SalesloftData();
    salesloft.users.set(7, { id: 7, email: 'owner@salesloft.test', updatedAt });
    for (const id of [8, 9])
      salesloft.people.set(id, { id, emailAddress: `p${id}@salesloft.test`, ownerId: 7, updatedAt });
    for (const [name, server, prospects] of [
      ['Outreach', outreachServer(outreach), 'prospects'],
      ['Salesloft', salesloftServer(salesloft), 'people'],
    ] as const) {
      const provider = await server.start();
      try {
        const form = page.locator('#connection-form');
        if (!(await form.isVisible())) await page.getByText('Connect a system').click();
        await form.getByLabel('System').selectOption(name.toLowerCase());
        await form.getByLabel('Client id (consumer key)').fill(`${name}-app`);
        await form.getByLabel('Client secret').fill(`${name}-secret-value`);
        await form.getByLabel(/^API base URL/).fill(provider.apiBaseUrl);
        await form.getByLabel(/^Token URL/).fill(provider.tokenUrl);
        // To the provider's consent (granted at once by the local server) and back to the console.
        await form.getByRole('button', { name: 'Connect' }).click();
        await page.waitForURL(/\/#connections$/);
        const row = page.locator('#connections-list tr').filter({ hasText: name });
        await row.getByText('Connected').waitFor();

        // Sync now: the list follows the sync to its end, with the records it brought.
        await row.getByRole('button', { name: /^Sync now/ }).click();
        await row.getByText(new RegExp(`${prospects}: 2, users: 1`)).waitFor({ timeout: 30_000 });
        await row.getByText('Connected').waitFor();
        assert.doesNotMatch(await textOf(row), /never/, 'its last sync is shown');
        const id = await row.getAttribute('data-connection-id');
        assert.equal((await admin.get(`/v1/connections/${id}`)).body.records[prospects], 2);

        page.once('dialog', (dialog) => dialog.accept());
        await row.getByRole('button', { name: /^Delete/ }).click();
        await page.getByText(new RegExp(`^Deleted ${name} `)).waitFor();
      } finally {
        await provider.stop();
      }
    }
    assert.deepEqual(pageErrors, []);
  });
});
