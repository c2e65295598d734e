// @ts-check
// The admin view: puts together the live panel, the directory, the ordered rules (live or the draft) and their
// editor, draft mode, simulation, the dashboard and the routing search.

import { startConnections } from './connections.js';
import { startDashboard } from './dashboard.js';
import { startDirectory } from './directory.js';
import { announce, byId } from './dom.js';
import { startDraftMode } from './draft-mode.js';
import { startAdminLivePanel } from './live-panel.js';
import { createRuleEditor } from './rule-editor.js';
import { startRuleList } from './rule-list.js';
import { createRuleSource } from './rule-source.js';
import { startSimulate } from './simulate.js';
import { startTimeline } from './timeline.js';

/** @typedef {import('./api.js').Api} Api */

/** @param {Api} api */
export function startAdminView(api) {
  const message = byId('admin-message', HTMLElement);
  /** @param {string} text */
  const say = (text) => announce(message, text);

  const directory = startDirectory(api, say);
  const source = createRuleSource(api);
  const showRules = () => rules.load();
  const editor = createRuleEditor(
    source,
    async (rule, created) => {
      say(`${created ? 'Created' : 'Saved'} rule “${rule.name}”${source.mode === 'draft' ? ' in the draft' : ''}.`);
      await rules.load();
      // Back to the saved rule in the list, so the keyboard carries on from it.
      const card = [...byId('rules', HTMLOListElement).children].find(
        (li) => li instanceof HTMLElement && li.dataset.ruleId === rule.id,
      );
      const edit = card?.querySelector('button[data-action="edit"]');
      (edit instanceof HTMLButtonElement ? edit : byId('new-rule', HTMLButtonElement)).focus();
    },
    showRules,
  );
  const rules = startRuleList(source, say, editor, () => draft.left());
  const draft = startDraftMode(api, source, say, showRules);
  startSimulate(api);
  startTimeline(api);
  const stopDashboard = startDashboard(api);
  const connections = startConnections(api, say);
  const stopLive = startAdminLivePanel(api, byId('live-routings', HTMLElement), byId('live-stream-state', HTMLElement));

  Promise.all([directory.load(), rules.load(), draft.load(), connections.load()]).catch((error) =>
    say(`Could not load: ${error.message ?? error}`),
  );
  // Signing out leaves nothing behind in the page: a minted token above all.
  return () => {
    stopDashboard();
    stopLive();
    draft.stop();
    for (const id of [
      'admin-message',
      'rep-token-output',
      'reps',
      'groups',
      'rules',
      'simulation',
      'routing-results',
      'routing-search-status',
      'timeline',
      'connections-list',
      'draft-status',
      'what-if',
    ]) {
      byId(id, HTMLElement).replaceChildren();
    }
    byId('rule-form', HTMLFormElement).hidden = true;
    byId('draft-panel', HTMLElement).hidden = true;
  };
}
