// @ts-check
// Admin: one routing explained (GET /v1/routings/:id): outcome, matched rule, stages, offers and the timestamped trace.
import { stageSection } from './candidates.js';
import { distributionName } from './distributions.js';
import { h } from './dom.js';
import { timeElement, visitorTitle } from './format.js';

/** @typedef {import('./types.js').RoutingState} RoutingState */

/** @param {RoutingState} routing */
function summary(routing) {
  const facts = [
    ['Status', routing.status.replaceAll('_', ' ')],
    ['Visitor', `${visitorTitle(routing.visitor)} (${routing.type})`],
    [
      'Rule',
      routing.rule
        ? `${routing.rule.name} (${routing.rule.id}), rule-set version ${routing.ruleSetVersion}`
        : 'none matched',
    ],
    ['Assigned rep', routing.repId ?? '—'],
    ['Meeting booker', routing.meetingBooker ? routing.meetingBooker.userIds.join(', ') || 'nobody' : '—'],
  ];
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of facts) list.append(h('dt', {}, label), h('dd', {}, value));
  list.append(h('dt', {}, 'Started'), h('dd', {}, timeElement(routing.startedAt)));
  if (routing.endedAt) list.append(h('dt', {}, 'Ended'), h('dd', {}, timeElement(routing.endedAt)));
  return list;
}

/** @param {RoutingState['offers']} offers */
function offerTable(offers) {
  if (offers.length === 0) return h('p', { class: 'muted' }, 'No offers were made.');
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Rep', 'Stage', 'Decided by', 'Offered', 'Ended', 'Result'].map((label) =>
          h('th', { scope: 'col' }, label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...offers.map((offer) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, offer.repId),
          h('td', {}, offer.stage),
          h('td', {}, distributionName(offer.decidedBy)),
          h('td', {}, timeElement(offer.offeredAt)),
          h('td', {}, offer.endedAt ? timeElement(offer.endedAt) : '—'),
          h('td', {}, offer.result.replaceAll('_', ' ')),
        ),
      ),
    ),
  );
}

/** @param {RoutingState['trace']} trace */
function traceList(trace) {
  return h(
    'ol',
    { class: 'trace' },
    ...trace.map((entry) =>
      h(
        'li',
        {},
        timeElement(entry.at),
        ' ',
        h('strong', {}, entry.event.replaceAll('_', ' ')),
        entry.detail ? h('code', {}, ` ${JSON.stringify(entry.detail)}`) : null,
      ),
    ),
  );
}

/**
 * A routing explained, from its state (GET /v1/routings/:id): a heading to focus, then its summary, stages, offers and
 * trace.
 * @param {RoutingState} routing
 */
export function routingExplanation(routing) {
  return [
    h('h3', { tabindex: '-1' }, `Routing ${routing.routingId}`),
    summary(routing),
    h('h4', {}, 'Stages'),
    ...routing.stages.map(stageSection),
    h('h4', {}, 'Offers'),
    offerTable(routing.offers),
    h('h4', {}, 'Trace'),
    traceList(routing.trace),
  ];
}
