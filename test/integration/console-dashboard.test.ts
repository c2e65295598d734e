// The console's dashboard and routing search in a real browser (Debian's Chromium, driven by playwright-core) against
// the real service: routings with known outcomes are driven over HTTP (an accept, two declines, a timeout, visitors no
// rule matches), then an admin reads the figures in the tables behind the charts (all of them, then of one rule or
// type), downloads their CSV, and finds routings by status, rep, visitor, rule, type and time, page after page. The
// dashboard's screenshot is kept in .test-artifacts/console-dashboard.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, screenshotIfFailed } from '../support/browser';
import { databaseUnderTest } from '../support/database';
import { createRule, eventually, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const artifacts = path.resolve(__dirname, '..', '..', '.test-artifacts');
const DASHBOARD_SCREENSHOT = path.join(artifacts, 'console-dashboard.png');

/** Visitors no rule matches: one more than the console's page of 20, so the search needs a second page. */
const UNMATCHED = 21;

interface Offer {
  repId: string;
  stage: string;
  offeredAt: string;
  endedAt: string | null;
  result: string;
}
interface State {
  routingId: string;
  status: string;
  startedAt: string;
  offers: Offer[];
}
interface SpeedRow {
  key: string;
  routings: number;
  toFirstOffer: { count: number; medianMs: number | null; p90Ms: number | null };
  toAccept: { count: number; medianMs: number | null; p90Ms: number | null };
}

/** The cells of a table's body, row by row, as text (the table may be visually hidden: read what it holds). */
const cellsOf = (table: Locator) =>
  table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) =>
        [...(row as unknown as { cells: Iterable<{ textContent: string | null }> }).cells].map(
          (cell) => cell.textContent ?? '',
        ),
      ),
    );

/** What the speed-to-lead table shows for the API's rows: ms as given, a dash for none. */
const speedCells = (rows: SpeedRow[], grouping: 'day' | 'hour') =>
  rows.map((row) => [
    grouping === 'day' ? row.key.slice(0, 10) : row.key.slice(0, 16).replace('T', ' '),
    ...[
      row.routings,
      row.toFirstOffer.count,
      row.toFirstOffer.medianMs,
      row.toFirstOffer.p90Ms,
      row.toAccept.count,
      row.toAccept.medianMs,
      row.toAccept.p90Ms,
    ].map((value) => (value === null ? '—' : String(value))),
  ]);

describe('console dashboard and routing search', {
  // As for console.test.ts: the browser only speaks HTTP, and the reports are checked on PostgreSQL by reports.test.ts.
  skip: databaseUnderTest() === 'postgres' && 'browser tests run once, with the SQLite run',
}, () => {
  const suite = useTestService();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  const rules = { firstAvailable: '', timeout: '' };
  const routings = { connected: '', booker: '', noRep: '' };
  let stage = '';
  let acceptMs = 0;

  const start = async (visitor: Record<string, unknown>) => {
    const routingId = uniqueRoutingId('dash');
    const response = await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor });
    assert.equal(response.status, 202, JSON.stringify(response.body));
    return routingId;
  };
  const finalState = async (routingId: string, status: string): Promise<State> => {
    const { body } = await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=20`);
    assert.equal(body.status, status, JSON.stringify(body));
    return body;
  };

  before(async () => {
    browser = await launchChromium();

    await putReps(suite.admin, ['ann', 'ben']);
    rules.firstAvailable = (
      await createRule(suite.admin, {
        name: 'Dash first available',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'dash-fa' }] },
        routeTo: { users: ['ann', 'ben'] },
        offerTimeoutSeconds: 60,
      })
    ).id;
    rules.timeout = (
      await createRule(suite.admin, {
        name: 'Dash timeout',
        criteria: { all: [{ field: 'country', op: 'equals', value: 'dash-to' }] },
        routeTo: { users: ['ann'] },
        offerTimeoutSeconds: 0.3,
        meetingBooker: { enabled: false },
      })
    ).id;

    // ann accepts (ben's offer is withdrawn); both decline the next (meeting booker); ann lets the last time out.
    routings.connected = await start({
      id: 'v-ada',
      name: 'Ada Connected',
      email: 'ada@bigco.test',
      country: 'dash-fa',
    });
    await offerFor(suite.admin, 'ann', routings.connected);
    assert.equal((await suite.admin.accept(routings.connected, 'ann')).status, 200);
    const connected = await finalState(routings.connected, 'connected');
    const accepted = connected.offers.find((offer) => offer.result === 'accepted');
    assert.ok(accepted?.endedAt);
    acceptMs = Date.parse(accepted.endedAt) - Date.parse(connected.startedAt);
    stage = accepted.stage;

    routings.booker = await start({ id: 'v-bo', name: 'Bo Booker', country: 'dash-fa' });
    await offerFor(suite.admin, 'ann', routings.booker);
    await offerFor(suite.admin, 'ben', routings.booker);
    assert.equal((await suite.admin.decline(routings.booker, 'ann')).status, 200);
    assert.equal((await suite.admin.decline(routings.booker, 'ben')).status, 200);
    await finalState(routings.booker, 'meeting_booker');

    routings.noRep = await start({ id: 'v-cy', name: 'Cy Timeout', country: 'dash-to' });
    const timedOut = await finalState(routings.noRep, 'no_rep');
    assert.deepEqual(
      timedOut.offers.map((offer) => [offer.repId, offer.result]),
      [['ann', 'timed_out']],
    );

    for (let visitor = 1; visitor <= UNMATCHED; visitor++) {
      await start({ id: `v-nobody-${visitor}`, name: `Nobody ${visitor}`, country: 'nowhere' });
    }
    // Every routing's row carries its outcome before the page reads the reports.
    await eventually(async () => {
      const { body } = await suite.admin.get('/v1/reports/outcomes');
      const rows = body.rows as { routings: number; open: number }[];
      const total = rows.reduce((sum, row) => sum + row.routings, 0);
      return total === 3 + UNMATCHED && rows.every((row) => row.open === 0) ? true : undefined;
    }, 20_000);
  });
  after(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ baseURL: suite.service.baseUrl, acceptDownloads: true });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(suite.service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
  });
  afterEach(async (t) => {
    await screenshotIfFailed(t, page);
    await context.close();
  });

  test('the charting library is served file by file, not node_modules', async () => {
    const script = await fetch(`${suite.service.baseUrl}/vendor/uplot.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /javascript/);
    assert.match(await script.text(), /export \{ uPlot as default \}/);
    const style = await fetch(`${suite.service.baseUrl}/vendor/uplot.css`);
    assert.equal(style.status, 200);
    assert.match(style.headers.get('content-type') ?? '', /^text\/css/);
    for (const other of ['/vendor/uPlot.cjs.js', '/vendor/', '/node_modules/uplot/package.json']) {
      assert.equal((await fetch(`${suite.service.baseUrl}${other}`)).status, 404, other);
    }
  });

  test('the dashboard shows the figures of the routings driven, as charts, tables and CSV', async () => {
    const dashboard = page.locator('#dashboard-section');
    const updated = async () => {
      await page.getByRole('button', { name: 'Update dashboard' }).click();
      await dashboard.locator('#dashboard-status', { hasText: /^From / }).waitFor();
    };
    await page.getByLabel('Window').selectOption({ label: 'Last 24 hours' });
    await updated();
    const outcomes = page.getByRole('table', { name: 'How routings ended, per rule' });

    const ruleRows = (await cellsOf(outcomes)).sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
    assert.deepEqual(ruleRows, [
      ['Dash first available', rules.firstAvailable, '2', '1', '1', '0', '0', '0', '0', '0', '0'],
      ['Dash timeout', rules.timeout, '1', '0', '0', '1', '0', '0', '0', '0', '0'],
      ['No rule', '—', String(UNMATCHED), '0', '0', '0', String(UNMATCHED), '0', '0', '0', '0'],
    ]);
    // Offered, accepted, timed out, declined, missed, withdrawn, pending.
    assert.deepEqual(await cellsOf(page.getByRole('table', { name: /^Offers made to each rep/ })), [
      ['ann', '3', '1', '1', '1', '2', '0', '0'],
      ['ben', '2', '0', '0', '1', '1', '1', '0'],
    ]);
    const shares = await cellsOf(page.getByRole('table', { name: /^Each rep's share of first offers/ }));
    assert.deepEqual(
      shares.sort((a, b) => `${a[1]} ${a[0]}`.localeCompare(`${b[1]} ${b[0]}`)),
      [
        ['ann', 'Dash first available', stage, '2', '2', '50.0 %', '50.0 %'],
        ['ben', 'Dash first available', stage, '2', '2', '50.0 %', '50.0 %'],
        ['ann', 'Dash timeout', stage, '1', '1', '100.0 %', '100.0 %'],
      ],
    );

    // Speed to lead: the same figures as the report over any window holding every routing, and the one accept's delay.
    const window = `since=${new Date(Date.now() - 86_400_000).toISOString()}&until=${new Date(Date.now() + 60_000).toISOString()}`;
    const speedTable = page.getByRole('table', { name: /^Time to first offer and to accept per day/ });
    const daily = await cellsOf(speedTable);
    const perDay = (await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=day`)).body.rows;
    assert.deepEqual(daily, speedCells(perDay, 'day'));
    const sum = (rows: string[][], column: number) => rows.reduce((total, row) => total + Number(row[column]), 0);
    assert.deepEqual([sum(daily, 1), sum(daily, 2), sum(daily, 5)], [3 + UNMATCHED, 3, 1]);
    const acceptRow = daily.find((row) => row[5] === '1');
    assert.deepEqual(acceptRow?.slice(6), [String(acceptMs), String(acceptMs)]);

    // Every panel drew its chart, hidden from screen readers (the table speaks for it).
    for (const id of ['speed-to-lead', 'outcomes-by-rule', 'first-offer-shares', 'missed-offers']) {
      const chart = dashboard.locator(`#${id} .chart`);
      assert.equal(await chart.getAttribute('aria-hidden'), 'true', id);
      assert.equal(await chart.locator('canvas').count(), 1, id);
    }
    mkdirSync(artifacts, { recursive: true });
    await dashboard.screenshot({ path: DASHBOARD_SCREENSHOT });
    console.log(`# dashboard screenshot: ${DASHBOARD_SCREENSHOT}`);

    // The numbers behind a chart as CSV: raw values, a header first.
    const download = async (what: string) => {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: `Download CSV of ${what}` }).click(),
      ]);
      return { name: file.suggestedFilename(), lines: readFileSync(await file.path(), 'utf8').split('\r\n') };
    };
    const outcomesCsv = await download('outcomes by rule');
    assert.equal(outcomesCsv.name, 'outcomes-by-rule.csv');
    assert.equal(
      outcomesCsv.lines[0],
      'Rule,Rule id,Routings,Connected,Meeting booker,No rep,No rule matched,Expired,Cancelled,Superseded,Still routing',
    );
    assert.deepEqual(outcomesCsv.lines.slice(1).sort(), [
      '',
      `Dash first available,${rules.firstAvailable},2,1,1,0,0,0,0,0,0`,
      `Dash timeout,${rules.timeout},1,0,0,1,0,0,0,0,0`,
      `No rule,,${UNMATCHED},0,0,0,${UNMATCHED},0,0,0,0`,
    ]);
    const sharesCsv = await download('share of first offers');
    assert.deepEqual(sharesCsv.lines.slice(1).sort(), [
      '',
      `ann,Dash first available,${stage},2,2,0.5,0.5`,
      `ann,Dash timeout,${stage},1,1,1,1`,
      `ben,Dash first available,${stage},2,2,0.5,0.5`,
    ]);

    // Grouped by hour: the table follows, with the report's hourly figures.
    await page.getByLabel('Speed to lead per').selectOption('hour');
    await updated();
    const hourly = page.getByRole('table', { name: /^Time to first offer and to accept per hour/ });
    const perHour = (await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=hour`)).body.rows;
    assert.deepEqual(await cellsOf(hourly), speedCells(perHour, 'hour'));

    // One rule: every panel shows that rule's routings and offers only.
    await dashboard.getByLabel('Rule', { exact: true }).selectOption({ label: 'Dash timeout' });
    await updated();
    assert.deepEqual(await cellsOf(outcomes), [
      ['Dash timeout', rules.timeout, '1', '0', '0', '1', '0', '0', '0', '0', '0'],
    ]);
    assert.deepEqual(await cellsOf(page.getByRole('table', { name: /^Offers made to each rep/ })), [
      ['ann', '1', '0', '1', '0', '1', '0', '0'],
    ]);
    assert.deepEqual(await cellsOf(page.getByRole('table', { name: /^Each rep's share of first offers/ })), [
      ['ann', 'Dash timeout', stage, '1', '1', '100.0 %', '100.0 %'],
    ]);
    const ofRule = (await suite.admin.get(`/v1/reports/speed-to-lead?${window}&groupBy=hour&ruleId=${rules.timeout}`))
      .body.rows;
    assert.deepEqual(await cellsOf(hourly), speedCells(ofRule, 'hour'));
    assert.deepEqual(
      ofRule.map((row: SpeedRow) => [row.routings, row.toFirstOffer.count, row.toAccept.count]),
      [[1, 1, 0]],
    );
    // Pounces only, of every rule: none were driven, so every panel is empty.
    await dashboard.getByLabel('Rule', { exact: true }).selectOption({ label: 'All rules' });
    await dashboard.getByLabel('Type', { exact: true }).selectOption({ label: 'Pounce' });
    await updated();
    assert.equal(await dashboard.getByText('Nothing in this window.').count(), 4);
    assert.deepEqual(await cellsOf(outcomes), []);
    await dashboard.getByLabel('Type', { exact: true }).selectOption({ label: 'Inbound' });
    await updated();
    assert.equal((await cellsOf(outcomes)).length, 3);
    assert.deepEqual(pageErrors, []);
  });

  test('the routing search filters, pages by cursor and opens a routing’s explanation', async () => {
    const section = page.locator('#timeline-section');
    const results = section.locator('#routing-results');
    const status = section.locator('#routing-search-status');
    const search = async (expected: string | RegExp) => {
      await section.getByRole('button', { name: 'Search' }).click();
      await section.getByText(expected).waitFor();
    };
    const listed = async () =>
      (await cellsOf(section.getByRole('table', { name: 'Routings found, newest first' }))).map((row) =>
        row.slice(1, 6),
      );

    await section.getByLabel('Status').selectOption({ label: 'Connected' });
    await search('1 routing shown, newest first.');
    assert.deepEqual(await listed(), [['Ada Connected', 'inbound', 'connected', 'Dash first available', 'ann']]);

    await section.getByLabel('Status').selectOption({ label: 'Any' });
    await section.getByLabel('Rep id').fill('ann');
    await search('3 routings shown, newest first.');
    assert.deepEqual(
      (await listed()).map((row) => row[0]),
      ['Cy Timeout', 'Bo Booker', 'Ada Connected'],
    );

    await section.getByLabel('Rep id').fill('');
    await section.getByLabel('Visitor id or email').fill('ADA@bigco.test');
    await search('1 routing shown, newest first.');
    assert.deepEqual(
      (await listed()).map((row) => row[0]),
      ['Ada Connected'],
    );
    await section.getByLabel('Visitor id or email').fill('v-bo');
    await search('1 routing shown, newest first.');
    assert.deepEqual(
      (await listed()).map((row) => row[0]),
      ['Bo Booker'],
    );

    await section.getByLabel('Visitor id or email').fill('');
    await section.getByLabel('Rule id').fill(rules.timeout);
    await search('1 routing shown, newest first.');
    assert.deepEqual(await listed(), [['Cy Timeout', 'inbound', 'no rep', 'Dash timeout', '—']]);
    await section.getByLabel('Rule id').fill('');

    // Page after page by cursor: the 21 unmatched visitors, 20 first, newest first.
    await section.getByLabel('Status').selectOption({ label: 'No rule matched' });
    await search('20 routings shown, newest first; older ones follow.');
    const more = section.getByRole('button', { name: 'Show more' });
    await more.click();
    await status.getByText(`${UNMATCHED} routings shown, newest first.`).waitFor();
    assert.equal(await more.isHidden(), true);
    assert.deepEqual(
      (await listed()).map((row) => row[0]),
      Array.from({ length: UNMATCHED }, (_, index) => `Nobody ${UNMATCHED - index}`),
    );

    await section.getByLabel('Status').selectOption({ label: 'Any' });
    await section.getByLabel('Type').selectOption({ label: 'Pounce' });
    await search('No routings match.');
    assert.equal(await results.locator('tr').count(), 0);
    await section.getByLabel('Type').selectOption({ label: 'Any' });
    // A window that starts an hour from now (the field takes the browser's local time).
    const later = await page.evaluate(() => {
      const date = new Date(Date.now() + 3_600_000);
      date.setMinutes(date.getMinutes() - date.getTimezoneOffset());
      return date.toISOString().slice(0, 16);
    });
    await section.getByLabel('Started from').fill(later);
    await search('No routings match.');
    await section.getByLabel('Started from').fill('');

    // A refused filter is named beside its field.
    await section.getByLabel('Rep id').fill('not a rep id');
    await section.getByRole('button', { name: 'Search' }).click();
    await section.locator('#routing-search-form-errors').waitFor();
    assert.equal(await section.getByLabel('Rep id').getAttribute('aria-invalid'), 'true');
    assert.match((await section.locator('#search-rep-error').textContent()) ?? '', /repId/);
    await section.getByLabel('Rep id').fill('ann');
    await search('3 routings shown, newest first.');
    assert.equal(await section.getByLabel('Rep id').getAttribute('aria-invalid'), null);

    // Each routing opens its explanation.
    await section.getByRole('button', { name: `Explain routing ${routings.connected}` }).click();
    const explanation = section.locator('#timeline');
    await explanation.getByRole('heading', { name: `Routing ${routings.connected}` }).waitFor();
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText (cells apart), not the DOM property
    const told = await explanation.innerText();
    assert.match(told, /Dash first available/);
    assert.match(told, /ann\s+route_to[\s\S]*accepted/);
    assert.deepEqual(pageErrors, []);
  });
});
