// @ts-check
// Admin: what the current rules would do with a visitor (POST /v1/rules/simulate), explained stage by stage.
import { stageSection } from './candidates.js';
import { distributionName } from './distributions.js';
import { byId, controlValue, h, replaceChildren } from './dom.js';
import { clearErrors, parseJsonField, showErrors } from './field-errors.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').Simulation} Simulation */

const outcomes = /** @type {Record<string, string>} */ ({
  connected: 'connected',
  meeting_booker: 'the meeting booker',
  no_rep: 'no rep (nobody accepted, no meeting booker)',
  no_match: 'no match',
  expired: 'expired (the pounce window closes)',
});

/**
 * Whom a stage would offer, in what order, and which distribution decided it.
 * @param {Simulation['stages'][number]} stage
 */
function offerOrderLine(stage) {
  const { offerOrder } = stage;
  if (!offerOrder) return null;
  const how = offerOrder.decidedBy === 'first_available' ? 'all at once' : 'in this order';
  return h(
    'p',
    { class: 'offer-order' },
    `${distributionName(offerOrder.decidedBy)} would offer ${how}: ${offerOrder.order.join(', ')}.`,
  );
}

/** @param {Simulation} simulation */
function explanation(simulation) {
  const { rule } = simulation;
  if (!rule) {
    return [
      h(
        'p',
        { class: 'verdict' },
        `No enabled rule matches this visitor (rule-set version ${simulation.ruleSetVersion}).`,
      ),
    ];
  }
  const booker = simulation.meetingBooker
    ? ` The meeting booker would list ${simulation.meetingBooker.userIds.join(', ') || 'nobody'}.`
    : '';
  return [
    h(
      'p',
      { class: 'verdict' },
      'Matched rule ',
      h('strong', {}, rule.name),
      ` (${rule.id}) in rule-set version ${simulation.ruleSetVersion}: `,
      `${distributionName(rule.distribution).toLowerCase()}, offers stand ${rule.offerTimeoutSeconds} s.`,
    ),
    ...simulation.stages.flatMap((stage, index) => [stageSection(stage, index), offerOrderLine(stage)]),
    h(
      'p',
      {},
      `If nobody accepts: ${outcomes[simulation.outcomeIfNobodyAccepts] ?? simulation.outcomeIfNobodyAccepts}.${booker}`,
    ),
  ];
}

/** @param {Api} api */
export function startSimulate(api) {
  const form = byId('simulate-form', HTMLFormElement);
  const errors = byId('simulate-form-errors', HTMLElement);
  const output = byId('simulation', HTMLElement);

  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      clearErrors(form, errors);
      const visitor = parseJsonField(controlValue('simulate-visitor'), 'visitor', undefined);
      /** @type {Simulation} */
      const simulation = await api.post('/v1/rules/simulate', { type: controlValue('simulate-type'), visitor });
      replaceChildren(output, h('h3', {}, 'Result'), ...explanation(simulation));
    } catch (error) {
      replaceChildren(output);
      showErrors(form, errors, error, (field) => (field.startsWith('type') ? 'simulate-type' : 'simulate-visitor'));
    }
  };
}
