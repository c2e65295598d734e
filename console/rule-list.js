// @ts-check
// Admin: the ordered rules, live or the draft's (rule-source.js). Up and down buttons (or drag and drop) reorder them
// through PUT .../order, which publishes a new rule-set version (live) or changes the draft; after a move, focus
// follows the moved rule so the keyboard can keep moving it.
import { ApiError, segment } from './api.js';
import { distributionName } from './distributions.js';
import { byId, h, replaceChildren, whileBusy } from './dom.js';
import { refusalReason } from './rule-source.js';

/** @typedef {import('./types.js').Rule} Rule */
/** @typedef {import('./rule-source.js').RuleSource} RuleSource */
/** @typedef {import('./rule-source.js').ShownRules} ShownRules */
/** @typedef {{ open: (rule: Rule | undefined, opener: HTMLElement) => void }} Editor */

/** @param {Rule['criteria']} criteria */
function criteriaText(criteria) {
  /** @param {NonNullable<Rule['criteria']['all']>} conditions */
  const conditions = (conditions) =>
    conditions
      .map((c) => [c.field, c.op.replaceAll('_', ' '), c.value === undefined ? '' : JSON.stringify(c.value)].join(' '))
      .join('; ');
  const parts = [];
  if (criteria.all?.length) parts.push(`all of: ${conditions(criteria.all)}`);
  if (criteria.any?.length) parts.push(`any of: ${conditions(criteria.any)}`);
  return parts.length > 0 ? parts.join(' and ') : 'every visitor';
}

/** @param {Rule['routeTo']} target */
function targetText(target) {
  const parts = [];
  if (target.allUsers) parts.push('every chat user');
  if (target.users.length) parts.push(`reps ${target.users.join(', ')}`);
  if (target.groups.length) parts.push(`groups ${target.groups.join(', ')}`);
  return parts.join(', ') || 'nobody';
}

/** @param {Rule} rule */
function ruleSummary(rule) {
  return [
    `Matches ${criteriaText(rule.criteria)}.`,
    `Routes to ${targetText(rule.routeTo)}${rule.fallbacks.length ? `, then ${rule.fallbacks.length} fallback(s)` : ''}.`,
    `${distributionName(rule.distribution)}, offers stand ${rule.offerTimeoutSeconds} s.`,
    rule.meetingBooker.enabled ? 'Meeting booker on.' : 'Meeting booker off.',
  ].join(' ');
}

/** @param {ShownRules} shown */
function versionText(shown) {
  if (shown.mode === 'draft') {
    const { revision, baseVersion } = shown.draft;
    return `Draft, revision ${revision}, started from version ${baseVersion}: changes here route nobody until the draft is published.`;
  }
  const { version, publishedBy, publishedAt } = shown.ruleSet;
  if (version === 0) return '';
  const when = publishedAt ? ` on ${new Date(publishedAt).toLocaleString()}` : '';
  return `Rule-set version ${version}, published by ${publishedBy ?? 'admin'}${when}.`;
}

/**
 * @param {RuleSource} source
 * @param {(text: string) => void} say
 * @param {Editor} editor
 * @param {() => void} onDraftGone called when the draft shown was published or discarded elsewhere
 */
export function startRuleList(source, say, editor, onDraftGone) {
  const list = byId('rules', HTMLOListElement);
  const empty = byId('no-rules', HTMLElement);
  const versionLine = byId('rules-version', HTMLElement);
  /** @type {Rule[]} */
  let rules = [];
  /** The rule being dragged, if any. */
  /** @type {string | undefined} */
  let dragged;

  /**
   * @param {Rule[]} next
   * @param {string} status what the version line says
   * @param {{ ruleId: string, action: string }} [focus] the button to focus after drawing, if it is still there
   */
  const render = (next, status, focus) => {
    rules = next;
    versionLine.textContent = status;
    empty.hidden = rules.length > 0;
    replaceChildren(list, ...rules.map((rule, index) => item(rule, index)));
    if (!focus) return;
    const card = [...list.children].find((li) => li instanceof HTMLElement && li.dataset.ruleId === focus.ruleId);
    const buttons = [...(card?.querySelectorAll('button') ?? [])];
    // At the top or bottom the button used is now disabled: the other direction keeps focus on the rule.
    const wanted = buttons.find((b) => b.dataset.action === focus.action && !b.disabled);
    (wanted ?? buttons.find((b) => !b.disabled))?.focus();
  };

  /**
   * @param {{ ruleId: string, action: string }} [focus] as for render
   * @returns {Promise<void>}
   */
  const load = async (focus) => {
    try {
      const shown = await source.read();
      render(shown.mode === 'live' ? shown.ruleSet.rules : shown.draft.rules, versionText(shown), focus);
    } catch (error) {
      if (!(source.mode === 'draft' && error instanceof ApiError && error.status === 404)) throw error;
      say('The draft was published or discarded by someone else: showing the live rules.');
      source.use('live');
      onDraftGone();
      await load();
    }
  };

  /**
   * Says why a change failed; when someone else changed the rules first, shows theirs.
   * @param {unknown} error
   * @param {string} what
   */
  const failed = async (error, what) => {
    const stale = 'someone else changed these rules since you loaded them. They are reloaded: make your change again.';
    say(`Could not ${what}: ${refusalReason(error, stale)}`);
    await load();
  };

  /**
   * @param {string[]} ids the new order
   * @param {Rule} moved
   * @param {string} action the button to keep focus on
   */
  const reorder = async (ids, moved, action) => {
    try {
      /** @type {{ version?: number, revision?: number, rules: Rule[] }} */
      const result = await source.change('PUT', '/order', { ids });
      const made =
        result.version === undefined ? `draft revision ${result.revision}` : `published version ${result.version}`;
      await load({ ruleId: moved.id, action });
      const position = result.rules.findIndex((rule) => rule.id === moved.id) + 1;
      say(`Moved “${moved.name}” to position ${position} of ${result.rules.length}; ${made}.`);
    } catch (error) {
      await failed(error, 'reorder');
    }
  };

  /** @param {number} from @param {number} to */
  const move = (from, to) => {
    const rule = rules[from];
    if (!rule || to < 0 || to >= rules.length || from === to) return Promise.resolve();
    const ids = rules.map((each) => each.id).filter((id) => id !== rule.id);
    ids.splice(to, 0, rule.id);
    return reorder(ids, rule, to < from ? 'up' : 'down');
  };

  /** @param {Rule} rule */
  const remove = async (rule) => {
    const effect = source.mode === 'live' ? 'This publishes a new rule-set version.' : 'Only the draft changes.';
    if (!window.confirm(`Delete rule “${rule.name}”? ${effect}`)) return;
    try {
      await source.change('DELETE', `/${segment(rule.id)}`);
      say(`Deleted rule “${rule.name}”${source.mode === 'draft' ? ' from the draft' : ''}.`);
      await load();
      byId('new-rule', HTMLButtonElement).focus();
    } catch (error) {
      await failed(error, 'delete');
    }
  };

  /** @param {Rule} rule @param {number} index */
  const item = (rule, index) => {
    const named = (/** @type {string} */ label) => [label, h('span', { class: 'visually-hidden' }, ` “${rule.name}”`)];
    const up = h('button', { type: 'button', 'data-action': 'up', disabled: index === 0 }, ...named('Move up'));
    const down = h(
      'button',
      { type: 'button', 'data-action': 'down', disabled: index === rules.length - 1 },
      ...named('Move down'),
    );
    const edit = h('button', { type: 'button', 'data-action': 'edit' }, ...named('Edit'));
    const del = h('button', { type: 'button', 'data-action': 'delete' }, ...named('Delete'));
    up.addEventListener('click', () => whileBusy(up, () => move(index, index - 1)));
    down.addEventListener('click', () => whileBusy(down, () => move(index, index + 1)));
    edit.addEventListener('click', () => editor.open(rule, edit));
    del.addEventListener('click', () => whileBusy(del, () => remove(rule)));

    const li = h(
      'li',
      { class: `card rule${rule.enabled ? '' : ' disabled'}`, 'data-rule-id': rule.id, draggable: 'true' },
      h('h3', {}, rule.name, rule.enabled ? '' : h('span', { class: 'badge' }, 'disabled')),
      h('p', { class: 'summary' }, ruleSummary(rule)),
      h('div', { class: 'actions' }, up, down, edit, del),
    );
    // Drag and drop is the mouse's shortcut for the buttons above.
    li.addEventListener('dragstart', (event) => {
      dragged = rule.id;
      event.dataTransfer?.setData('text/plain', rule.id);
      li.classList.add('dragging');
    });
    li.addEventListener('dragend', () => li.classList.remove('dragging'));
    li.addEventListener('dragover', (event) => {
      if (dragged !== undefined) event.preventDefault();
    });
    li.addEventListener('drop', (event) => {
      event.preventDefault();
      const from = rules.findIndex((each) => each.id === dragged);
      dragged = undefined;
      void move(from, index);
    });
    return li;
  };

  return { load };
}
