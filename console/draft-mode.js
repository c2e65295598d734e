// @ts-check
// Admin: draft mode. Start a draft (a copy of the live rules), or open the one that exists; while in it the rule
// list and editor change the draft (rule-source.js), and the draft panel publishes it as the next version or
// discards it. The panel's #what-if replays recorded visitors under the draft (what-if.js).
import { ApiError } from './api.js';
import { byId, controlValue, whileBusy } from './dom.js';
import { refusalReason } from './rule-source.js';
import { startWhatIf } from './what-if.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./rule-source.js').RuleSource} RuleSource */
/** @typedef {import('./types.js').RuleDraft} RuleDraft */
/** @typedef {import('./types.js').RuleSet} RuleSet */

/** The publishing admin's name, kept for the tab like the credential. */
const PUBLISHER_KEY = 'routing-console.publishedBy';

/**
 * @param {Api} api
 * @param {RuleSource} source
 * @param {(text: string) => void} say
 * @param {() => Promise<void>} showRules draws the rules of the source's mode
 */
export function startDraftMode(api, source, say, showRules) {
  const status = byId('draft-status', HTMLElement);
  const start = byId('start-draft', HTMLButtonElement);
  const open = byId('edit-draft', HTMLButtonElement);
  const leave = byId('leave-draft', HTMLButtonElement);
  const panel = byId('draft-panel', HTMLElement);
  const publish = byId('publish-draft', HTMLButtonElement);
  const discard = byId('discard-draft', HTMLButtonElement);
  const publisher = byId('draft-published-by', HTMLInputElement);
  publisher.value = sessionStorage.getItem(PUBLISHER_KEY) ?? '';
  /** @type {(() => void) | undefined} Stops the draft's what-if (its polling) and empties it; set in the draft. */
  let stopWhatIf;

  /** Shows the controls of the mode: in the draft, or on the live rules with or without a draft to open. */
  const load = async () => {
    const inDraft = source.mode === 'draft';
    panel.hidden = !inDraft;
    leave.hidden = !inDraft;
    if (!inDraft) {
      stopWhatIf?.();
      stopWhatIf = undefined;
    }
    if (inDraft) {
      stopWhatIf ??= startWhatIf(api, byId('what-if', HTMLElement));
      start.hidden = true;
      open.hidden = true;
      status.textContent = 'Draft mode: you are editing the draft.';
      return;
    }
    /** @type {RuleDraft | undefined} */
    const draft = await api.get('/v1/rules/draft').catch((error) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
    start.hidden = draft !== undefined;
    open.hidden = draft === undefined;
    status.textContent = draft
      ? `A draft exists (revision ${draft.revision}, started from version ${draft.baseVersion}).`
      : 'Live rules: each change is published at once. Start a draft to prepare changes first.';
  };

  /** @param {'live' | 'draft'} mode */
  const enter = async (mode) => {
    source.use(mode);
    await showRules();
    await load();
  };

  start.onclick = () =>
    whileBusy(start, async () => {
      try {
        await api.post('/v1/rules/draft', {});
        say('Started a draft from the live rules.');
      } catch (error) {
        // Another admin started one a moment ago: open theirs.
        if (!(error instanceof ApiError && error.code === 'draft_exists')) {
          say(`Could not start a draft: ${error instanceof Error ? error.message : String(error)}`);
          return;
        }
        say('Another admin has just started a draft: opening it.');
      }
      await enter('draft');
      byId('rules-title', HTMLElement).scrollIntoView();
    });
  open.onclick = () => whileBusy(open, () => enter('draft'));
  leave.onclick = () => whileBusy(leave, () => enter('live'));

  publish.onclick = () =>
    whileBusy(publish, async () => {
      const publishedBy = controlValue('draft-published-by').trim();
      sessionStorage.setItem(PUBLISHER_KEY, publishedBy);
      const body = { ...(publishedBy && { publishedBy }) };
      try {
        /** @type {RuleSet} */
        let published;
        try {
          published = await source.finishDraft('POST', '/publish', body);
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 'draft_outdated')) throw error;
          const replace = window.confirm(
            `The live rules changed since this draft was started. Publishing replaces those changes with the draft. ${error.message}. Publish anyway?`,
          );
          if (!replace) {
            say('Not published: the draft is unchanged.');
            return;
          }
          published = await source.finishDraft('POST', '/publish', { ...body, force: true });
        }
        say(`Published the draft as version ${published.version}, by ${published.publishedBy}.`);
        await enter('live');
      } catch (error) {
        await refused(error, 'publish');
      }
    });

  discard.onclick = () =>
    whileBusy(discard, async () => {
      if (!window.confirm('Discard the draft? The live rules stay as they are.')) return;
      try {
        await source.finishDraft('DELETE', '');
        say('Discarded the draft.');
        await enter('live');
      } catch (error) {
        await refused(error, 'discard');
      }
    });

  /**
   * @param {unknown} error
   * @param {string} what
   */
  const refused = async (error, what) => {
    const stale = 'the draft changed since you loaded it (another admin?). It is reloaded: check it and try again.';
    say(`Could not ${what} the draft: ${refusalReason(error, stale)}`);
    await showRules();
  };

  return {
    load,
    /** Signing out: no what-if left polling. */
    stop: () => stopWhatIf?.(),
    /** The draft shown went away (published or discarded elsewhere): back to the live controls. */
    left: () => void load(),
  };
}
