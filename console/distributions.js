// @ts-check
// How each distribution mode reads on screen. Keyed by the API's own mode type, so the type check fails until a new
// mode has its words here.

/** @typedef {import('./types.js').Distribution} Distribution */

/**
 * `name` starts a sentence; `how` says what the mode does, for the rule form's choices.
 * @type {Record<Distribution, { name: string, how: string }>}
 */
export const distributionLabels = {
  first_available: { name: 'First available', how: 'offer everyone at once' },
  round_robin: { name: 'Round robin', how: 'one rep at a time, in a weighted rotation' },
  least_busy: { name: 'Least busy', how: 'one rep at a time, fewest open conversations first' },
};

/**
 * The mode's name, as it starts a sentence.
 * @param {Distribution} distribution
 */
export function distributionName(distribution) {
  return distributionLabels[distribution].name;
}
