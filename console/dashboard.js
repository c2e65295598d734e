// @ts-check
// Admin: the dashboard. How routing is going over a window, of one rule or type if chosen, from the reports
// (GET /v1/reports/...): speed to lead over time, outcomes by rule, each rep's share of first offers against their
// fair share, and missed offers per rep.
// Each chart has its numbers in a table for screen readers and as a CSV download.
import { barChart, timeChart } from './charts.js';
import { byId, controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { csvButton, reportTable } from './report-table.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').SpeedToLeadRow} SpeedToLeadRow */
/** @typedef {import('./types.js').OutcomesRow} OutcomesRow */
/** @typedef {import('./types.js').RepOffersRow} RepOffersRow */
/** @typedef {import('./types.js').FirstOfferShareRow} FirstOfferShareRow */
/** @typedef {import('./types.js').Rule} Rule */
/** @typedef {import('./vendor/uplot.js').default} Chart */
/**
 * @template R
 * @typedef {import('./report-table.js').Column<R>} Column
 */

/** The outcomes the outcomes report counts, with the words the table and legend use. */
const outcomeNames = /** @type {const} */ ([
  ['connected', 'Connected'],
  ['meeting_booker', 'Meeting booker'],
  ['no_rep', 'No rep'],
  ['no_match', 'No rule matched'],
  ['expired', 'Expired'],
  ['cancelled', 'Cancelled'],
  ['superseded', 'Superseded'],
]);

const HOUR_MS = 3_600_000;
const percent = (/** @type {string | number} */ value) => `${(Number(value) * 100).toFixed(1)} %`;
/** Delays in the table as the API gives them (ms, exact); the chart draws seconds. */
const seconds = (/** @type {number | null} */ ms) => (ms === null ? null : ms / 1000);

/**
 * A day's or hour's start as read in the table: `2026-12-03` or `2026-12-03 14:00` (UTC, as the report groups).
 * @param {'day' | 'hour'} grouping
 */
const periodShown = (grouping) => (/** @type {string | number} */ key) =>
  grouping === 'day' ? String(key).slice(0, 10) : String(key).slice(0, 16).replace('T', ' ');

/**
 * @template R
 * @typedef {{ id: string, title: string, caption: string, columns: Column<R>[], rows: R[],
 *   draw: (target: HTMLElement) => Chart }} Panel
 */

/**
 * A panel on the page: heading, chart, the table of its numbers (read by screen readers instead of the chart) and
 * the CSV download. Returns the section and a function drawing the chart once the section is in the page.
 * @template R
 * @param {Panel<R>} panel
 * @returns {{ section: HTMLElement, draw: () => { chart: Chart, target: HTMLElement } | undefined }}
 */
function panelSection({ id, title, caption, columns, rows, draw }) {
  const target = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const section = h(
    'section',
    { class: 'card chart-card', id, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title` }, title),
    rows.length > 0 ? target : h('p', { class: 'muted' }, 'Nothing in this window.'),
    reportTable(caption, columns, rows, { id: `${id}-table`, class: 'visually-hidden' }),
    csvButton(title.toLowerCase(), `${id}.csv`, columns, rows),
  );
  return { section, draw: () => (rows.length > 0 ? { chart: draw(target), target } : undefined) };
}

/**
 * @param {SpeedToLeadRow[]} rows
 * @param {'day' | 'hour'} grouping
 * @returns {Panel<SpeedToLeadRow>}
 */
function speedToLeadPanel(rows, grouping) {
  return {
    id: 'speed-to-lead',
    title: 'Speed to lead',
    caption: `Time to first offer and to accept per ${grouping} (UTC)`,
    columns: [
      { label: grouping === 'day' ? 'Day (UTC)' : 'Hour (UTC)', value: (row) => row.key, show: periodShown(grouping) },
      { label: 'Routings', value: (row) => row.routings },
      { label: 'First offers', value: (row) => row.toFirstOffer.count },
      { label: 'Median to first offer (ms)', value: (row) => row.toFirstOffer.medianMs },
      { label: 'p90 to first offer (ms)', value: (row) => row.toFirstOffer.p90Ms },
      { label: 'Accepts', value: (row) => row.toAccept.count },
      { label: 'Median to accept (ms)', value: (row) => row.toAccept.medianMs },
      { label: 'p90 to accept (ms)', value: (row) => row.toAccept.p90Ms },
    ],
    rows,
    draw: (target) =>
      timeChart(
        target,
        rows.map((row) => Date.parse(row.key ?? '') / 1000),
        [
          { label: 'Median to first offer', values: rows.map((row) => seconds(row.toFirstOffer.medianMs)) },
          { label: 'p90 to first offer', values: rows.map((row) => seconds(row.toFirstOffer.p90Ms)) },
          { label: 'Median to accept', values: rows.map((row) => seconds(row.toAccept.medianMs)) },
          { label: 'p90 to accept', values: rows.map((row) => seconds(row.toAccept.p90Ms)) },
        ],
        'seconds',
        grouping === 'day' ? 86_400 : 3_600,
      ),
  };
}

/**
 * @param {OutcomesRow[]} rows
 * @param {(ruleId: string | null) => string} ruleName
 * @returns {Panel<OutcomesRow>}
 */
function outcomesPanel(rows, ruleName) {
  /** @type {[string, (row: OutcomesRow) => number][]} */
  const counts = [
    ...outcomeNames.map(
      ([outcome, label]) =>
        /** @type {[string, (row: OutcomesRow) => number]} */ ([label, (row) => row.outcomes[outcome] ?? 0]),
    ),
    ['Still routing', (row) => row.open],
  ];
  return {
    id: 'outcomes-by-rule',
    title: 'Outcomes by rule',
    caption: 'How routings ended, per rule',
    columns: [
      { label: 'Rule', value: (row) => ruleName(row.key) },
      { label: 'Rule id', value: (row) => row.key },
      { label: 'Routings', value: (row) => row.routings },
      ...counts.map(([label, count]) => ({ label, value: count })),
    ],
    rows,
    draw: (target) =>
      barChart(
        target,
        rows.map((row) => ruleName(row.key)),
        counts.map(([label, count]) => ({ label, values: rows.map(count) })),
        { stacked: true, unit: 'routings', categoryLabel: 'Rule' },
      ),
  };
}

/**
 * @param {FirstOfferShareRow[]} rows
 * @param {(ruleId: string | null) => string} ruleName
 * @returns {Panel<FirstOfferShareRow>}
 */
function sharesPanel(rows, ruleName) {
  // A rep's share means something within one rule's stage: name those under the rep when there are several.
  const places = new Set(rows.map((row) => `${row.ruleId}\n${row.stage}`));
  const category = (/** @type {FirstOfferShareRow} */ row) =>
    places.size > 1 ? `${row.repId}\n${ruleName(row.ruleId)}\n${row.stage}` : row.repId;
  return {
    id: 'first-offer-shares',
    title: 'Share of first offers',
    caption: "Each rep's share of first offers against their fair share, per rule and stage",
    columns: [
      { label: 'Rep', value: (row) => row.repId },
      { label: 'Rule', value: (row) => ruleName(row.ruleId) },
      { label: 'Stage', value: (row) => row.stage },
      { label: 'First offers', value: (row) => row.firstOffers },
      { label: 'Routings', value: (row) => row.routings },
      { label: 'Share', value: (row) => row.share, show: percent },
      { label: 'Fair share', value: (row) => row.fairShare, show: percent },
    ],
    rows,
    draw: (target) =>
      barChart(
        target,
        rows.map(category),
        [
          { label: 'Share %', values: rows.map((row) => row.share * 100) },
          { label: 'Fair share %', values: rows.map((row) => row.fairShare * 100) },
        ],
        { stacked: false, unit: '% of first offers', categoryLabel: 'Rep' },
      ),
  };
}

/**
 * @param {RepOffersRow[]} rows
 * @returns {Panel<RepOffersRow>}
 */
function missedOffersPanel(rows) {
  return {
    id: 'missed-offers',
    title: 'Missed offers',
    caption: 'Offers made to each rep, and those they missed (timed out or declined)',
    columns: [
      { label: 'Rep', value: (row) => row.repId },
      { label: 'Offered', value: (row) => row.offered },
      { label: 'Accepted', value: (row) => row.accepted },
      { label: 'Timed out', value: (row) => row.timedOut },
      { label: 'Declined', value: (row) => row.declined },
      { label: 'Missed', value: (row) => row.timedOut + row.declined },
      { label: 'Withdrawn', value: (row) => row.withdrawn },
      { label: 'Pending', value: (row) => row.pending },
    ],
    rows,
    draw: (target) =>
      barChart(
        target,
        rows.map((row) => row.repId),
        [
          { label: 'Timed out', values: rows.map((row) => row.timedOut) },
          { label: 'Declined', values: rows.map((row) => row.declined) },
        ],
        { stacked: true, unit: 'offers', categoryLabel: 'Rep' },
      ),
  };
}

/**
 * The rule filter's choices: every rule by name, and the one chosen even if it has since been deleted.
 * @param {HTMLSelectElement} select
 * @param {Rule[]} rules
 */
function offerRules(select, rules) {
  const chosen = select.value;
  const options = rules.map((rule) => h('option', { value: rule.id }, rule.name));
  if (chosen && !rules.some((rule) => rule.id === chosen)) options.push(h('option', { value: chosen }, chosen));
  replaceChildren(select, h('option', { value: '' }, 'All rules'), ...options);
  select.value = chosen;
}

/** @param {Api} api */
export function startDashboard(api) {
  const form = byId('dashboard-form', HTMLFormElement);
  const status = byId('dashboard-status', HTMLElement);
  const output = byId('dashboard', HTMLElement);
  const ruleFilter = byId('dashboard-rule', HTMLSelectElement);
  /** @type {{ chart: Chart, target: HTMLElement }[]} */
  let charts = [];
  let loads = 0;
  const resizer = new ResizeObserver(() => {
    for (const { chart, target } of charts)
      chart.setSize({ width: Math.max(280, target.clientWidth), height: chart.height });
  });
  resizer.observe(output);

  const clear = () => {
    for (const { chart } of charts) chart.destroy();
    charts = [];
    replaceChildren(output);
  };

  const load = async () => {
    const load = ++loads;
    const until = new Date();
    const since = new Date(until.getTime() - Number(controlValue('dashboard-window')) * HOUR_MS);
    const grouping = controlValue('dashboard-grouping') === 'hour' ? 'hour' : 'day';
    // The window and the filters every report takes.
    const query = new URLSearchParams({ since: since.toISOString(), until: until.toISOString() });
    if (ruleFilter.value) query.set('ruleId', ruleFilter.value);
    const type = controlValue('dashboard-type');
    if (type) query.set('type', type);
    const window = query.toString();
    status.textContent = 'Loading…';
    try {
      const [speed, outcomes, reps, shares, ruleSet] = await Promise.all([
        api.get(`/v1/reports/speed-to-lead?${window}&groupBy=${grouping}`),
        api.get(`/v1/reports/outcomes?${window}&groupBy=rule`),
        api.get(`/v1/reports/reps?${window}`),
        api.get(`/v1/reports/first-offer-shares?${window}`),
        api.get('/v1/rules'),
      ]);
      if (load !== loads) return; // a newer choice is on its way
      /** @type {Map<string, string>} */
      const names = new Map(ruleSet.rules.map((/** @type {Rule} */ rule) => [rule.id, rule.name]));
      offerRules(ruleFilter, ruleSet.rules);
      // A deleted rule keeps its id in the routings that used it.
      const ruleName = (/** @type {string | null} */ id) => (id === null ? 'No rule' : (names.get(id) ?? id));
      clear();
      const panels = [
        panelSection(speedToLeadPanel(speed.rows, grouping)),
        panelSection(outcomesPanel(outcomes.rows, ruleName)),
        panelSection(sharesPanel(shares.rows, ruleName)),
        panelSection(missedOffersPanel(reps.reps)),
      ];
      output.append(...panels.map((panel) => panel.section));
      charts = panels.flatMap((panel) => panel.draw() ?? []);
      status.textContent = `From ${since.toLocaleString()} to ${until.toLocaleString()}.`;
    } catch (error) {
      if (load !== loads) return;
      clear();
      status.textContent = `Could not load the reports: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  form.onsubmit = (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    if (button instanceof HTMLButtonElement) whileBusy(button, load);
  };
  load();
  return () => {
    loads++;
    resizer.disconnect();
    clear();
    status.textContent = '';
  };
}
