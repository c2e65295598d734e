// @ts-check
// A stage's candidates as a table: who would be (or was) offered, and why each one left out was left out. Shared by
// the simulation and the routing timeline, which explain stages the same way.
import { h } from './dom.js';

/** @typedef {import('./types.js').Candidate} Candidate */

const reasons = /** @type {Record<string, string>} */ ({
  unknown_user: 'not a user here',
  not_chat_user: 'not a chat user',
  away: 'away',
  offline: 'offline',
  no_working_hours: 'has no working hours',
  outside_hours: 'outside working hours',
  at_capacity: 'at capacity',
  at_daily_cap: 'at daily cap of accepted offers',
  already_tried: 'already offered in an earlier stage',
});

/**
 * @param {{ name: string, candidates: Candidate[], identifiedBy?: string, skipped?: string }} stage
 * @param {number} index
 */
export function stageSection(stage, index) {
  const heading = h('h4', {}, `Stage ${index + 1}: ${stage.name}`);
  const notes = [
    stage.identifiedBy ? `People found by ${stage.identifiedBy.replaceAll('_', ' ')}.` : '',
    stage.skipped ? 'Skipped: nobody eligible.' : '',
  ].filter(Boolean);
  const table =
    stage.candidates.length === 0
      ? h('p', { class: 'muted' }, 'Nobody in this stage.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rep'), h('th', { scope: 'col' }, 'Eligible'))),
          h(
            'tbody',
            {},
            ...stage.candidates.map((candidate) =>
              h(
                'tr',
                { class: candidate.eligible ? 'eligible' : 'ineligible' },
                h('th', { scope: 'row' }, candidate.userId),
                h(
                  'td',
                  {},
                  candidate.eligible
                    ? 'yes'
                    : `no: ${reasons[candidate.reason ?? ''] ?? candidate.reason ?? 'unknown'}`,
                ),
              ),
            ),
          ),
        );
  return h('section', { class: 'stage' }, heading, notes.length ? h('p', {}, notes.join(' ')) : null, table);
}
