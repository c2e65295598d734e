// @ts-check
// Admin: finding routings (GET /v1/routings, newest first, a page at a time) by when they started, how they ended,
// their rule, a rep, their type or the visitor; each one opens its explanation (routing-explanation.js), as does a
// routing id typed in.
import { segment } from './api.js';
import { byId, controlValue, h, replaceChildren, whileBusy } from './dom.js';
import { clearErrors, showErrors } from './field-errors.js';
import { visitorTitle } from './format.js';
import { routingExplanation } from './routing-explanation.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').RoutingState} RoutingState */
/** @typedef {import('./types.js').RoutingSummary} RoutingSummary */
/** @typedef {import('./types.js').RoutingPage} RoutingPage */
/** @typedef {import('./types.js').Rule} Rule */

/** The search's inputs, by the query parameter each fills (the visitor input fills visitorId or visitorEmail). */
const inputs = {
  since: 'search-since',
  until: 'search-until',
  status: 'search-status',
  ruleId: 'search-rule',
  repId: 'search-rep',
  type: 'search-type',
  visitorId: 'search-visitor',
  visitorEmail: 'search-visitor',
};
/** Routings per page: a screenful; "Show more" brings the next ones. */
const PAGE_SIZE = 20;
/** What the API checks as an email: anything else typed as the visitor is their id. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The query string of the search as the form stands. Times typed are the browser's local time, sent as instants.
 * @returns {URLSearchParams}
 */
function searchQuery() {
  const query = new URLSearchParams();
  for (const name of /** @type {const} */ (['since', 'until'])) {
    const value = controlValue(inputs[name]);
    const time = new Date(value);
    // An unreadable time goes as typed, for the API to name the field.
    if (value) query.set(name, Number.isNaN(time.getTime()) ? value : time.toISOString());
  }
  for (const name of /** @type {const} */ (['status', 'ruleId', 'repId', 'type'])) {
    const value = controlValue(inputs[name]).trim();
    if (value) query.set(name, value);
  }
  const visitor = controlValue(inputs.visitorId).trim();
  if (visitor) query.set(EMAIL.test(visitor) ? 'visitorEmail' : 'visitorId', visitor);
  return query;
}

/** @param {string} iso */
const startedAt = (iso) => h('time', { datetime: iso }, new Date(iso).toLocaleString());

/** @param {Api} api */
export function startTimeline(api) {
  const form = byId('routing-search-form', HTMLFormElement);
  const errors = byId('routing-search-form-errors', HTMLElement);
  const results = byId('routing-results', HTMLTableSectionElement);
  const status = byId('routing-search-status', HTMLElement);
  const more = byId('routing-search-more', HTMLButtonElement);
  const explanation = byId('timeline', HTMLElement);
  const idForm = byId('timeline-form', HTMLFormElement);
  const idInput = byId('timeline-id', HTMLInputElement);
  const idError = byId('timeline-error', HTMLElement);
  /** The search being paged through: its query and where its last page ended. */
  let search = { query: new URLSearchParams(), cursor: /** @type {string | null} */ (null), shown: 0 };
  /** @type {Map<string, string>} */
  let ruleNames = new Map();

  /** @param {string} routingId */
  const explain = async (routingId) => {
    idError.textContent = '';
    idInput.removeAttribute('aria-invalid');
    try {
      /** @type {RoutingState} */
      const routing = await api.get(`/v1/routings/${segment(routingId)}`);
      replaceChildren(explanation, ...routingExplanation(routing));
      explanation.querySelector('h3')?.focus();
    } catch (failure) {
      replaceChildren(explanation);
      idError.textContent = failure instanceof Error ? failure.message : String(failure);
      return false;
    }
    return true;
  };

  /** @param {RoutingSummary} routing */
  const row = (routing) => {
    const open = h(
      'button',
      { type: 'button' },
      'Explain',
      h('span', { class: 'visually-hidden' }, ` routing ${routing.routingId}`),
    );
    open.onclick = () => whileBusy(open, () => explain(routing.routingId));
    return h(
      'tr',
      { 'data-routing-id': routing.routingId },
      h('td', {}, startedAt(routing.startedAt)),
      h('th', { scope: 'row' }, visitorTitle(routing.visitor)),
      h('td', {}, routing.type),
      h('td', {}, routing.status.replaceAll('_', ' ')),
      h('td', {}, routing.ruleId === null ? '—' : (ruleNames.get(routing.ruleId) ?? routing.ruleId)),
      h('td', {}, routing.repId ?? '—'),
      h('td', {}, open),
    );
  };

  /** Fetches the next page of the current search and adds it below the rows shown. */
  const nextPage = async () => {
    const query = new URLSearchParams(search.query);
    query.set('limit', String(PAGE_SIZE));
    if (search.cursor) query.set('cursor', search.cursor);
    /** @type {RoutingPage} */
    const page = await api.get(`/v1/routings?${query}`);
    results.append(...page.routings.map(row));
    search.cursor = page.nextCursor;
    search.shown += page.routings.length;
    more.hidden = page.nextCursor === null;
    status.textContent =
      search.shown === 0
        ? 'No routings match.'
        : `${search.shown} routing${search.shown === 1 ? '' : 's'} shown, newest first${page.nextCursor ? '; older ones follow' : ''}.`;
  };

  form.onsubmit = (event) => {
    event.preventDefault();
    clearErrors(form, errors);
    const button = form.querySelector('button[type="submit"]');
    if (!(button instanceof HTMLButtonElement)) return;
    search = { query: searchQuery(), cursor: null, shown: 0 };
    replaceChildren(results);
    more.hidden = true;
    status.textContent = 'Searching…';
    whileBusy(button, async () => {
      try {
        const ruleSet = await api.get('/v1/rules');
        ruleNames = new Map(ruleSet.rules.map((/** @type {Rule} */ rule) => [rule.id, rule.name]));
        await nextPage();
      } catch (error) {
        status.textContent = '';
        showErrors(form, errors, error, (field) => inputs[/** @type {keyof typeof inputs} */ (field)]);
      }
    });
  };

  more.onclick = () =>
    whileBusy(more, () =>
      nextPage().catch((error) => {
        status.textContent = `Could not load more: ${error instanceof Error ? error.message : String(error)}`;
      }),
    );

  idForm.onsubmit = async (event) => {
    event.preventDefault();
    const id = controlValue('timeline-id').trim();
    if (id === '') {
      idError.textContent = 'Enter a routing id.';
      idInput.setAttribute('aria-invalid', 'true');
      return;
    }
    if (!(await explain(id))) idInput.setAttribute('aria-invalid', 'true');
  };
}
