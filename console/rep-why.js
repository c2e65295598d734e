// @ts-check
// "Why (not) me?": the rep's recent routings (GET /v1/reps/:id/routings), each with why it offered them the visitor
// or why not, in the rep's words. Reasons the console does not know yet (a newer eligibility rule) show as the API
// names them, so a new reason never hides the answer.
import { segment } from './api.js';
import { h, replaceChildren, whileBusy } from './dom.js';
import { timeElement, visitorTitle } from './format.js';

/** @typedef {import('./api.js').Api} Api */
/**
 * @typedef {{ code: string, stage?: string,
 *   offer?: { result: string, offeredAt: string, expiresAt: string, endedAt: string | null } }} RepWhy
 * @typedef {{ routingId: string, type: string, status: string, startedAt: string, endedAt: string | null,
 *   rule: { id: string, name: string } | null, visitor: import('./types.js').Visitor, why: RepWhy }} RepRouting
 */

/** An offer's end, for a rep who had one. */
const offerResults = /** @type {Record<string, string>} */ ({
  pending: 'Offered to you now: it is waiting for your answer.',
  accepted: 'Offered to you, and you accepted it.',
  declined: 'Offered to you, and you declined it.',
  timed_out: 'Offered to you, and the offer timed out.',
  withdrawn: 'Offered to you, then withdrawn: another rep accepted first, or the visitor left.',
});

/** Why a rep was not offered, by the code the routing recorded. */
const reasons = /** @type {Record<string, string>} */ ({
  away: 'You were away.',
  offline: 'You were offline.',
  at_capacity: 'You were at capacity: your open conversations were at your limit.',
  already_tried: 'You had already been offered this visitor earlier in the routing.',
  not_chat_user: 'You are not a chat user.',
  unknown_user: 'You were not known to the directory then.',
  outside_hours: 'It was outside your working hours.',
  at_daily_cap: 'You had reached your daily limit of offers.',
  eligible_not_offered: 'You were eligible, but the offer went to others first (their turn, or an accept came first).',
  no_rule_matched: 'No rule matched this visitor.',
  not_recorded: 'This routing’s explanation is no longer kept.',
});

/**
 * The answer in words.
 * @param {RepRouting} routing
 */
export function whyText({ why, rule }) {
  if (why.code === 'offered' && why.offer)
    return offerResults[why.offer.result] ?? `Offered to you (${why.offer.result}).`;
  if (why.code === 'not_named') {
    return `The rule “${rule?.name ?? '?'}” caught this visitor, and none of the stages it reached named you.`;
  }
  return reasons[why.code] ?? `Not offered: ${why.code}.`;
}

/**
 * Wires the rep view's "Why (not) me?" section. Returns a function that clears it.
 * @param {Api} api
 * @param {string} repId
 * @param {{ form: HTMLFormElement, visitor: HTMLInputElement, list: HTMLElement, error: HTMLElement }} elements
 */
export function startRepWhy(api, repId, { form, visitor, list, error }) {
  const button = /** @type {HTMLButtonElement} */ (form.querySelector('button[type="submit"]'));
  form.onsubmit = (event) => {
    event.preventDefault();
    void whileBusy(button, async () => {
      error.textContent = '';
      const wanted = visitor.value.trim();
      const filter = wanted === '' ? '' : `&${wanted.includes('@') ? 'visitorEmail' : 'visitorId'}=${segment(wanted)}`;
      try {
        /** @type {{ routings: RepRouting[] }} */
        const page = await api.get(`/v1/reps/${segment(repId)}/routings?limit=10${filter}`);
        show(page.routings);
      } catch (failure) {
        error.textContent = failure instanceof Error ? failure.message : String(failure);
      }
    });
  };

  /** @param {RepRouting[]} routings */
  const show = (routings) => {
    if (routings.length === 0) {
      replaceChildren(list, h('p', { class: 'muted' }, 'No routings found.'));
      return;
    }
    replaceChildren(
      list,
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, 'Your recent routings, and why'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Visitor'),
            h('th', { scope: 'col' }, 'Started'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, 'Why'),
          ),
        ),
        h(
          'tbody',
          {},
          ...routings.map((routing) =>
            h(
              'tr',
              { 'data-routing-id': routing.routingId, 'data-why': routing.why.code },
              h('th', { scope: 'row' }, visitorTitle(routing.visitor)),
              h('td', {}, timeElement(routing.startedAt)),
              h('td', {}, routing.status.replaceAll('_', ' ')),
              h(
                'td',
                {},
                whyText(routing),
                routing.why.stage ? h('span', { class: 'muted' }, ` (stage ${routing.why.stage})`) : undefined,
              ),
            ),
          ),
        ),
      ),
    );
  };

  return () => {
    form.onsubmit = null;
    list.replaceChildren();
    error.textContent = '';
  };
}
