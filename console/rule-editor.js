// @ts-check
// Admin: the form that creates or replaces a rule, live or in the draft (rule-source.js). Common settings have their
// own inputs; criteria and the rarer settings are JSON. Nothing is validated here that the API validates: its errors,
// naming each field, are shown beside the input that holds the field.
import { ApiError, segment } from './api.js';
import { distributionLabels } from './distributions.js';
import { byId, controlValue, h } from './dom.js';
import { clearErrors, listField, parseJsonField, showErrors } from './field-errors.js';
import { isStale } from './rule-source.js';

/** @typedef {import('./rule-source.js').RuleSource} RuleSource */
/** @typedef {import('./types.js').Rule} Rule */

/**
 * The input holding an API field path, by its first segments.
 * @param {string} field
 */
function inputFor(field) {
  const [first, second] = field.split('.');
  if (first === 'routeTo') {
    const byTargetField = /** @type {Record<string, string>} */ ({
      groups: 'rule-groups',
      allUsers: 'rule-all-users',
      weights: 'rule-weights',
    });
    return (second && byTargetField[second]) ?? 'rule-users';
  }
  const byField = /** @type {Record<string, string>} */ ({
    name: 'rule-name',
    enabled: 'rule-enabled',
    criteria: 'rule-criteria',
    distribution: 'rule-distribution',
    rotationResets: 'rule-resets',
    offerTimeoutSeconds: 'rule-timeout',
    meetingBooker: 'rule-booker',
    endConversationAfterSeconds: 'rule-end-after',
  });
  return (first && byField[first]) ?? 'rule-advanced';
}

/**
 * "alice=2, bob=3" as the API's weights; a part without "=" or with a weight that is no number goes as typed
 * (NaN is sent as null), so the API's error names it.
 * @param {string} text
 * @returns {Record<string, number> | undefined}
 */
function parseWeights(text) {
  const parts = listField(text);
  if (parts.length === 0) return undefined;
  return Object.fromEntries(
    parts.map((part) => {
      const [repId = '', weight = ''] = part.split('=').map((piece) => piece.trim());
      return [repId, Number(weight)];
    }),
  );
}

/** @param {Record<string, number> | undefined} weights */
const weightsText = (weights) =>
  Object.entries(weights ?? {})
    .map(([repId, weight]) => `${repId}=${weight}`)
    .join(', ');

/** @param {unknown} value */
const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * @param {RuleSource} source
 * @param {(rule: Rule, created: boolean) => Promise<void>} onSaved
 * @param {() => Promise<void>} onStale shows the rules as they are now, when someone else changed them first
 */
export function createRuleEditor(source, onSaved, onStale) {
  const form = byId('rule-form', HTMLFormElement);
  const title = byId('rule-form-title', HTMLElement);
  const errors = byId('rule-form-errors', HTMLElement);
  const newRule = byId('new-rule', HTMLButtonElement);
  const checkbox = (/** @type {string} */ id) => byId(id, HTMLInputElement);
  const field = (/** @type {string} */ id) =>
    /** @type {HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement} */ (byId(id, HTMLElement));
  // One choice per mode, in the order the labels list them (the first is the API's default).
  byId('rule-distribution', HTMLSelectElement).replaceChildren(
    ...Object.entries(distributionLabels).map(([value, { name, how }]) => h('option', { value }, `${name} (${how})`)),
  );
  /** @type {Rule | undefined} */
  let editing;
  /** Where focus returns when the form closes. */
  /** @type {HTMLElement} */
  let returnFocus = newRule;

  /**
   * @param {Rule | undefined} rule the rule to edit, or undefined for a new one
   * @param {HTMLElement} opener
   */
  const open = (rule, opener) => {
    editing = rule;
    returnFocus = opener;
    clearErrors(form, errors);
    const where = source.mode === 'draft' ? ' (draft)' : '';
    title.textContent = rule ? `Edit rule “${rule.name}”${where}` : `New rule${where}`;
    field('rule-name').value = rule?.name ?? '';
    checkbox('rule-enabled').checked = rule?.enabled ?? true;
    const criteria = rule?.criteria ?? {};
    field('rule-criteria').value = Object.keys(criteria).length > 0 ? JSON.stringify(criteria, null, 2) : '';
    field('rule-users').value = rule?.routeTo.users.join(', ') ?? '';
    field('rule-groups').value = rule?.routeTo.groups.join(', ') ?? '';
    checkbox('rule-all-users').checked = rule?.routeTo.allUsers ?? false;
    field('rule-weights').value = weightsText(rule?.routeTo.weights);
    field('rule-distribution').value = rule?.distribution ?? 'first_available';
    field('rule-resets').value = rule?.rotationResets ?? 'never';
    field('rule-timeout').value = String(rule?.offerTimeoutSeconds ?? 30);
    checkbox('rule-booker').checked = rule?.meetingBooker.enabled ?? true;
    field('rule-end-after').value = String(rule?.endConversationAfterSeconds ?? '');
    field('rule-advanced').value = rule
      ? JSON.stringify({ fallbacks: rule.fallbacks, outbound: rule.outbound, salesforce: rule.salesforce }, null, 2)
      : '';
    form.hidden = false;
    title.focus();
  };

  const close = () => {
    form.hidden = true;
    editing = undefined;
    (returnFocus.isConnected ? returnFocus : newRule).focus();
  };

  /** The rule input the form describes; throws an ApiError-shaped issue for JSON that does not parse. */
  const body = () => {
    const advanced = parseJsonField(field('rule-advanced').value, 'advanced', {});
    if (!isPlainObject(advanced)) {
      const message = 'must be a JSON object, such as {"fallbacks": []}';
      throw new ApiError(0, 'invalid_request', `advanced: ${message}`, [{ field: 'advanced', message }]);
    }
    const timeout = controlValue('rule-timeout').trim();
    const weights = parseWeights(controlValue('rule-weights'));
    const endAfter = controlValue('rule-end-after').trim();
    return {
      ...advanced,
      name: controlValue('rule-name'),
      enabled: checkbox('rule-enabled').checked,
      criteria: parseJsonField(controlValue('rule-criteria'), 'criteria', {}),
      routeTo: {
        users: listField(controlValue('rule-users')),
        groups: listField(controlValue('rule-groups')),
        allUsers: checkbox('rule-all-users').checked,
        ...(weights && { weights }),
      },
      distribution: controlValue('rule-distribution'),
      rotationResets: controlValue('rule-resets'),
      // Empty means the API's default; anything else goes as typed, so the API can say what is wrong with it.
      offerTimeoutSeconds: timeout === '' ? undefined : Number(timeout),
      meetingBooker: { enabled: checkbox('rule-booker').checked },
      endConversationAfterSeconds: endAfter === '' ? null : Number(endAfter),
    };
  };

  form.onsubmit = async (event) => {
    event.preventDefault();
    try {
      clearErrors(form, errors);
      const input = body();
      /** @type {Rule} */
      const saved = editing
        ? await source.change('PUT', `/${segment(editing.id)}`, input)
        : await source.change('POST', '', input);
      const created = !editing;
      form.hidden = true;
      editing = undefined;
      await onSaved(saved, created);
    } catch (error) {
      showErrors(form, errors, error, inputFor);
      // The form keeps what was typed: saving again applies it over the rules as they are now.
      if (isStale(error)) await onStale();
    }
  };
  byId('rule-cancel', HTMLButtonElement).onclick = close;
  newRule.onclick = () => open(undefined, newRule);

  return { open };
}
