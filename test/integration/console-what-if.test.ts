// The draft's what-if in a real browser (Debian's Chromium through playwright-core) against the real service: an
// admin in draft mode picks a window, runs the what-if, follows its progress and reads the per-rep share of first
// offers before and after (a chart, and the table behind it), which agree with the run the API reports.
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, screenshotIfFailed } from '../support/browser';
import { databaseUnderTest } from '../support/database';
import { createRule, eventually, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

/** A table's body, row by row, cell by cell. */
const cells = (table: Locator) =>
  table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
    );

describe('web console: what-if over the draft', {
  // The console only speaks HTTP: what-if.test.ts covers both databases. One browser run.
  skip: databaseUnderTest() === 'postgres' && 'browser tests run once, with the SQLite run',
}, () => {
  const suite = useTestService();
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let ruleId = '';

  /** Routes a visitor and waits until its first offer is recorded, then cancels it. */
  async function route(visitor: Record<string, unknown>) {
    const routingId = uniqueRoutingId('console-wi');
    const started = await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, ...visitor },
    });
    assert.ok(started.status === 201 || started.status === 202, JSON.stringify(started.body));
    await eventually(async () => {
      const { body } = await suite.admin.get(`/v1/routings/${routingId}`);
      return body.offers?.length > 0 ? true : undefined;
    });
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  }

  before(async () => {
    browser = await launchChromium();
    await putReps(suite.admin, ['ana', 'ben', 'cal']);
    ruleId = (
      await createRule(suite.admin, {
        name: 'Spanish speakers',
        criteria: { all: [{ field: 'fields.language', op: 'equals', value: 'es' }] },
        routeTo: { users: ['ana', 'ben'] },
        offerTimeoutSeconds: 300,
      })
    ).id;
    // Four visitors, each offered to ana and ben at once (first available).
    for (let i = 0; i < 4; i++) await route({ fields: { language: 'es' } });
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    page = await (await browser.newContext({ baseURL: suite.service.baseUrl })).newPage();
    pageErrors = collectPageErrors(page);
  });
  afterEach(async (t) => {
    await screenshotIfFailed(t, page);
    await page.context().close();
  });

  test('an admin runs a what-if of the draft over the last day and reads the shares before and after', async () => {
    await page.goto('/');
    await page.getByLabel('Admin key', { exact: true }).fill(suite.service.keys.adminKey);
    await page.getByRole('button', { name: 'Sign in as admin' }).click();
    await page.getByRole('heading', { name: 'Administration' }).waitFor();
    await page.getByRole('button', { name: 'Start a draft' }).click();
    await page.getByText(/^Draft, revision 1, started from version \d+/).waitFor();

    // The draft sends these visitors to cal alone (changed by another admin's API call: the form is the same).
    const { body: draft } = await suite.admin.get('/v1/rules/draft');
    const { id: _id, ...rule } = draft.rules.find((one: { id: string }) => one.id === ruleId);
    const edited = await suite.admin.put(`/v1/rules/draft/rules/${ruleId}`, { ...rule, routeTo: { users: ['cal'] } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));

    const whatIf = page.locator('#what-if');
    await whatIf.getByLabel('Replay the visitors of').selectOption({ label: 'Last 24 hours' });
    await whatIf.getByRole('button', { name: 'Run what-if over the draft' }).click();
    const summary = page.locator('#what-if-summary');
    await summary.waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#what-if-status').textContent(), 'Done: 4 routings replayed.');
    assert.match(
      (await summary.textContent()) ?? '',
      /^4 routings replayed: 4 would change \(rule 0, stage 0, first-offered reps 4\)/,
    );

    // The table behind the chart: each rep's first offers and share, before and after.
    const shares = page.getByRole('table', { name: 'Share of first offers per rep, before and after' });
    const rows = await cells(shares);
    assert.deepEqual(rows, [
      ['ana', '4', '50.0 %', '0', '0.0 %'],
      ['ben', '4', '50.0 %', '0', '0.0 %'],
      ['cal', '0', '0.0 %', '4', '100.0 %'],
    ]);
    // The same figures the API reports for the run.
    const runs = await suite.service.db.selectFrom('what_if_runs').select('id').execute();
    assert.equal(runs.length, 1);
    const { body: run } = await suite.admin.get(`/v1/rules/what-if/${runs[0]?.id}`);
    assert.deepEqual(
      run.result.reps.map((rep: { repId: string; before: { share: number }; after: { share: number } }) => [
        rep.repId,
        rep.before.share,
        rep.after.share,
      ]),
      [
        ['ana', 0.5, 0],
        ['ben', 0.5, 0],
        ['cal', 0, 1],
      ],
    );
    // The chart is drawn (uPlot's canvas), hidden from screen readers, who have the table.
    const chart = whatIf.locator('.chart');
    assert.equal(await chart.getAttribute('aria-hidden'), 'true');
    assert.equal(await chart.locator('canvas').count(), 1);
    const rules = page.getByRole('table', { name: 'Routings each rule catches, before and after' });
    assert.deepEqual(await cells(rules), [['Spanish speakers', '4', '4']]);
    const examples = await cells(page.getByRole('table', { name: 'Visitors who would change (a few)' }));
    assert.equal(examples.length, 4);
    for (const [, , before, after] of examples) {
      assert.equal(before, `${ruleId}, route_to: ana, ben`);
      assert.equal(after, `${ruleId}, route_to: cal`);
    }

    // Leaving draft mode takes the what-if away.
    await page.getByRole('button', { name: 'Back to the live rules' }).click();
    await whatIf.getByRole('button', { name: 'Run what-if over the draft' }).waitFor({ state: 'detached' });
    assert.deepEqual(pageErrors, []);
  });
});
