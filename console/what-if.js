// @ts-check
// Admin, in draft mode: what the draft would have done with the visitors of a window (POST /v1/rules/what-if with
// `draft: true`), replayed by the service in the background and polled until done: how many changed, each rule's
// routings and each rep's share of first offers before and after (a chart, with its numbers in a table), and a few
// visitors that would change.
import { barChart } from './charts.js';
import { controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { clearErrors, showErrors } from './field-errors.js';
import { reportTable } from './report-table.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').WhatIfRun} WhatIfRun */
/** @typedef {import('./types.js').WhatIfResult} WhatIfResult */
/** @typedef {import('./types.js').WhatIfFirstOffer} WhatIfFirstOffer */

const DAY_MS = 86_400_000;
const POLL_MS = 500;
const percent = (/** @type {number} */ share) => `${(share * 100).toFixed(1)} %`;

/** @param {WhatIfFirstOffer} offer */
const describeOffer = (offer) =>
  offer.ruleId === null
    ? 'no rule'
    : offer.stage === null
      ? `${offer.ruleId}, nobody offered`
      : `${offer.ruleId}, ${offer.stage}: ${offer.repIds.join(', ')}`;

/**
 * The result: a summary, each rule's routings, each rep's share (chart and table) and the examples.
 * @param {WhatIfResult} result
 * @returns {{ nodes: Node[], draw: () => void }}
 */
function resultView(result) {
  const chart = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const summary = h(
    'p',
    { class: 'verdict', id: 'what-if-summary' },
    `${result.total} routings replayed: ${result.changed} would change (rule ${result.ruleChanged}, stage ` +
      `${result.stageChanged}, first-offered reps ${result.repsChanged}); ${result.nowUnmatched} would now match no rule.` +
      (result.skipped > 0 ? ` ${result.skipped} routings recorded before what-if existed were left out.` : ''),
  );
  const rules = reportTable(
    'Routings each rule catches, before and after',
    [
      {
        label: 'Rule',
        value: (/** @type {WhatIfResult['rules'][number]} */ row) => row.name ?? row.ruleId ?? 'No rule',
      },
      { label: 'Before', value: (row) => row.before },
      { label: 'After', value: (row) => row.after },
    ],
    result.rules,
    { id: 'what-if-rules' },
  );
  const reps = reportTable(
    'Share of first offers per rep, before and after',
    [
      { label: 'Rep', value: (/** @type {WhatIfResult['reps'][number]} */ row) => row.repId },
      { label: 'First offers before', value: (row) => row.before.firstOffers },
      { label: 'Share before', value: (row) => row.before.share, show: (value) => percent(Number(value)) },
      { label: 'First offers after', value: (row) => row.after.firstOffers },
      { label: 'Share after', value: (row) => row.after.share, show: (value) => percent(Number(value)) },
    ],
    result.reps,
    { id: 'what-if-reps' },
  );
  const examples = [...result.examples.changed, ...result.examples.nowUnmatched].filter(
    (example, index, all) => all.findIndex((other) => other.routingId === example.routingId) === index,
  );
  const exampleTable = reportTable(
    'Visitors who would change (a few)',
    [
      { label: 'Visitor', value: (/** @type {typeof examples[number]} */ row) => row.visitorId },
      { label: 'Routing', value: (row) => row.routingId },
      { label: 'Before', value: (row) => describeOffer(row.before) },
      { label: 'After', value: (row) => describeOffer(row.after) },
    ],
    examples,
    { id: 'what-if-examples' },
  );
  return {
    nodes: [
      summary,
      h('h5', {}, 'Rules'),
      rules,
      h('h5', {}, 'Share of first offers per rep'),
      result.reps.length > 0 ? chart : h('p', { class: 'muted' }, 'No first offers before or after.'),
      reps,
      h('h5', {}, 'Examples'),
      examples.length > 0 ? exampleTable : h('p', { class: 'muted' }, 'No visitor would change.'),
    ],
    draw: () => {
      if (result.reps.length === 0) return;
      barChart(
        chart,
        result.reps.map((row) => row.repId),
        [
          { label: 'Before', values: result.reps.map((row) => row.before.share * 100) },
          { label: 'After', values: result.reps.map((row) => row.after.share * 100) },
        ],
        { stacked: false, unit: '% of first offers', categoryLabel: 'Rep' },
      );
    },
  };
}

/**
 * The form and result of a what-if of the draft, built inside `mount`. Returns a function that stops any polling
 * and empties it.
 * @param {Api} api
 * @param {HTMLElement} mount
 */
export function startWhatIf(api, mount) {
  const errors = h('div', {
    id: 'what-if-errors',
    class: 'error-summary',
    role: 'alert',
    tabindex: '-1',
    hidden: true,
  });
  const windowDays = h(
    'select',
    { id: 'what-if-window', 'aria-describedby': 'what-if-since-error' },
    h('option', { value: '1' }, 'Last 24 hours'),
    h('option', { value: '7', selected: true }, 'Last 7 days'),
    h('option', { value: '30' }, 'Last 30 days'),
    h('option', { value: '90' }, 'Last 90 days'),
  );
  const sample = h('input', {
    id: 'what-if-sample',
    type: 'number',
    min: 1,
    inputmode: 'numeric',
    'aria-describedby': 'what-if-sample-hint what-if-sample-error',
  });
  const run = h('button', { type: 'submit', id: 'what-if-run' }, 'Run what-if over the draft');
  const form = h(
    'form',
    { id: 'what-if-form', class: 'stack', novalidate: true },
    errors,
    h('label', { for: 'what-if-window' }, 'Replay the visitors of'),
    windowDays,
    h('p', { id: 'what-if-since-error', class: 'field-error', hidden: true }),
    h('label', { for: 'what-if-sample' }, 'Sample (optional)'),
    sample,
    h('p', { id: 'what-if-sample-hint', class: 'muted' }, 'Replay at most this many routings, spread over the window.'),
    h('p', { id: 'what-if-sample-error', class: 'field-error', hidden: true }),
    run,
  );
  const status = h('p', { id: 'what-if-status', class: 'muted', role: 'status' });
  const progress = h('progress', {
    id: 'what-if-progress',
    max: '1',
    'aria-labelledby': 'what-if-status',
    hidden: true,
  });
  const output = h('div', { id: 'what-if-result', class: 'result' });
  replaceChildren(
    mount,
    h('h4', { id: 'what-if-title' }, 'What if: the draft against recorded visitors'),
    h('p', { class: 'hint' }, 'Each visitor of the window is routed again under the draft, routing nobody.'),
    form,
    status,
    progress,
    output,
  );

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let poll;
  let stopped = false;

  /** @param {string} id */
  const follow = async (id) => {
    /** @type {WhatIfRun} */
    const current = await api.get(`/v1/rules/what-if/${encodeURIComponent(id)}`);
    if (stopped) return;
    if (current.status === 'running') {
      const { total, replayed } = current.progress;
      if (total !== null) progress.value = total === 0 ? 1 : replayed / total;
      status.textContent = total === null ? 'Counting the window…' : `Replayed ${replayed} of ${total} routings…`;
      await new Promise((resolve) => {
        poll = setTimeout(resolve, POLL_MS);
      });
      return follow(id);
    }
    if (current.status === 'failed' || !current.result) {
      status.textContent = `The what-if failed: ${current.error ?? 'unknown error'}`;
      return;
    }
    status.textContent = `Done: ${current.result.total} routings replayed.`;
    const view = resultView(current.result);
    replaceChildren(output, ...view.nodes);
    view.draw();
  };

  form.onsubmit = (event) => {
    event.preventDefault();
    void whileBusy(run, async () => {
      clearErrors(form, errors);
      replaceChildren(output);
      const since = new Date(Date.now() - Number(controlValue('what-if-window')) * DAY_MS).toISOString();
      const sampleText = controlValue('what-if-sample').trim();
      /** @type {Record<string, unknown>} */
      const request = {
        draft: true,
        since,
        ...(sampleText !== '' && { sample: Number(sampleText) }),
      };
      try {
        /** @type {{ id: string }} */
        const started = await api.post('/v1/rules/what-if', request);
        status.textContent = 'Started…';
        progress.value = 0;
        progress.hidden = false;
        await follow(started.id);
        progress.hidden = true;
      } catch (error) {
        status.textContent = '';
        progress.hidden = true;
        showErrors(form, errors, error, (field) =>
          field.startsWith('sample')
            ? 'what-if-sample'
            : field.startsWith('since') || field.startsWith('until')
              ? 'what-if-window'
              : undefined,
        );
      }
    });
  };

  return () => {
    stopped = true;
    clearTimeout(poll);
    mount.replaceChildren();
  };
}
