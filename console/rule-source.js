// @ts-check
// Which rules the admin view shows and changes: the live rules (each change publishes a rule-set version) or the
// draft (changes route nobody until it is published). It keeps the ETag of what it last read or wrote and sends it as
// If-Match, so a change made over another admin's newer one is refused (412) instead of silently overwriting it.
import { ApiError } from './api.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').RuleSet} RuleSet */
/** @typedef {import('./types.js').RuleDraft} RuleDraft */
/** @typedef {{ mode: 'live', ruleSet: RuleSet } | { mode: 'draft', draft: RuleDraft }} ShownRules */
/** @typedef {ReturnType<typeof createRuleSource>} RuleSource */

/** The refusal of a change made against rules someone else changed since they were read. */
export const isStale = (/** @type {unknown} */ error) => error instanceof ApiError && error.status === 412;

/**
 * Why a change of the rules failed, in words: `stale` when someone else changed them first.
 * @param {unknown} error
 * @param {string} stale
 */
export const refusalReason = (error, stale) =>
  isStale(error) ? stale : error instanceof Error ? error.message : String(error);

/** @param {Api} api */
export function createRuleSource(api) {
  /** @type {'live' | 'draft'} */
  let mode = 'live';
  /** @type {string | undefined} */
  let etag;

  return {
    get mode() {
      return mode;
    },
    /** @param {'live' | 'draft'} next */
    use(next) {
      mode = next;
      etag = undefined;
    },
    /** @returns {Promise<ShownRules>} */
    async read() {
      const answer = await api.send('GET', mode === 'live' ? '/v1/rules' : '/v1/rules/draft');
      etag = answer.etag;
      return mode === 'live' ? { mode, ruleSet: answer.body } : { mode, draft: answer.body };
    },
    /**
     * A change to the shown rules, at `path` below /v1/rules or /v1/rules/draft/rules: '', '/order' or '/<id>'.
     * @param {string} method
     * @param {string} path
     * @param {unknown} [body]
     */
    async change(method, path, body) {
      const base = mode === 'live' ? '/v1/rules' : '/v1/rules/draft/rules';
      const answer = await api.send(method, `${base}${path}`, { body, ifMatch: etag });
      etag = answer.etag ?? etag;
      return answer.body;
    },
    /**
     * Publishing or discarding the draft shown, refused if it changed since it was read.
     * @param {string} method
     * @param {string} path '' or '/publish'
     * @param {unknown} [body]
     */
    async finishDraft(method, path, body) {
      const answer = await api.send(method, `/v1/rules/draft${path}`, { body, ifMatch: etag });
      return answer.body;
    },
  };
}
