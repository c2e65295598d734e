// The console's live panel and a rep's "why" in a real browser (Debian's Chromium through playwright-core) against
// the real service: an admin watches a visitor being offered and then connected; a rep sees the visitor offered to
// them live, and reads why recent routings offered them or not, as the routings' own explanations say.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { databaseUnderTest } from '../support/database';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const screenshots = path.resolve(__dirname, '..', '..', 'test-results');
const textOf = async (locator: Locator) => (await locator.textContent()) ?? '';

describe('web console: live panel and why', {
  // The console only speaks HTTP: the API file (live-and-why.test.ts) covers both databases. One browser run.
  skip: databaseUnderTest() === 'postgres' && 'browser tests run once, with the SQLite run',
}, () => {
  const suite = useTestService();
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  before(async () => {
    const executablePath = process.env.CHROMIUM_PATH;
    if (!executablePath) throw new Error('CHROMIUM_PATH is not set: run tests with `npm test` (scripts/chromium.sh)');
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
    await putReps(suite.admin, ['liv', 'max']);
    await putReps(suite.admin, ['ned'], 'away');
    await createRule(suite.admin, {
      name: 'Watched',
      criteria: { all: [{ field: 'company', op: 'equals', value: 'WatchCo' }] },
      routeTo: { users: ['liv', 'max', 'ned'] },
      offerTimeoutSeconds: 300,
    });
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    page = await (await browser.newContext({ baseURL: suite.service.baseUrl })).newPage();
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        pageErrors.push(message.text());
      }
    });
  });
  afterEach(async (t) => {
    if ((t as { passed?: boolean }).passed === false) {
      mkdirSync(screenshots, { recursive: true });
      const file = path.join(screenshots, `${t.name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.log(`# screenshot of the failed test: ${file}`);
    }
    await page.context().close();
  });

  const route = async (name: string) => {
    const routingId = uniqueRoutingId('console-live');
    const visitor = { id: `v-${routingId}`, name, company: 'WatchCo' };
    const started = await suite.admin.withToken(suite.service.keys.experienceKey).post('/v1/routings', {
      routingId,
      type: 'pounce',
      visitor,
    });
    assert.equal(started.status, 202);
    return routingId;
  };

  test('an admin watches a visitor being offered, then connected', async () => {
    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(suite.service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('link', { name: 'Live now' }).click();
    const panel = page.getByRole('table', { name: 'Visitors being routed now' });
    await page.locator('#live-stream-state[data-state="resumed"]').waitFor();

    const routingId = await route('Pat Watched');
    const row = panel.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Pat Watched' }) });
    await row.waitFor();
    // Offered to the two available reps, each with how long they have had it and how long is left.
    await eventually(async () => {
      const text = await textOf(row);
      return /liv: offered .* expires in/.test(text) && /max: offered .* expires in/.test(text) ? true : undefined;
    });
    const text = await textOf(row);
    assert.match(text, /pounce/);
    assert.doesNotMatch(text, /ned/);

    assert.equal((await suite.admin.accept(routingId, 'max')).status, 200);
    await row.waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });

  test('a rep sees the visitor offered to them live, and why routings offered them or not', async () => {
    const offered = await route('Offered Olive');
    await offerFor(suite.admin, 'liv', offered); // ned is away: offered to the others only
    const token = (await suite.admin.post('/v1/users/ned/tokens')).body.token as string;
    await page.goto('/');
    await page.getByLabel('Rep id', { exact: true }).fill('ned');
    await page.getByLabel('Rep token', { exact: true }).fill(token);
    await page.getByRole('button', { name: 'Sign in as rep' }).click();
    await page.getByText('Live updates: on.').waitFor();

    // Ned was away for that visitor: the why view says so, as the routing's explanation does.
    await page.getByRole('button', { name: 'Show my recent routings' }).click();
    const why = page.getByRole('table', { name: 'Your recent routings, and why' });
    const awayRow = why.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Offered Olive' }) });
    await awayRow.waitFor();
    assert.match(await textOf(awayRow), /You were away\./);
    const explanation = (await suite.admin.get(`/v1/routings/${offered}`)).body;
    const nedCandidate = explanation.stages[0].candidates.find((c: { userId: string }) => c.userId === 'ned');
    assert.equal(await awayRow.getAttribute('data-why'), nedCandidate.reason);
    assert.doesNotMatch(await textOf(why), /\bliv\b|\bmax\b/);

    // Available now, ned is offered the next visitor: it shows in the live panel with its countdown.
    await page.getByRole('switch', { name: 'Available' }).click();
    await page.getByText('You are available').waitFor();
    const next = await route('Next Nora');
    const live = page.getByRole('table', { name: 'Visitors being offered to you now' });
    const liveRow = live.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Next Nora' }) });
    await liveRow.waitFor();
    assert.match(await textOf(liveRow), /you: offered .* expires in/);
    assert.doesNotMatch(await textOf(live), /\bliv\b|\bmax\b/);

    await page.getByRole('button', { name: 'Show my recent routings' }).click();
    const offeredRow = why.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Next Nora' }) });
    await offeredRow.waitFor();
    assert.match(await textOf(offeredRow), /Offered to you now/);

    assert.equal((await suite.admin.accept(next, 'liv')).status, 200);
    await liveRow.waitFor({ state: 'detached' });
    for (const routingId of [offered]) await suite.admin.post(`/v1/routings/${routingId}/cancel`);
    assert.deepEqual(pageErrors, []);
  });
});
