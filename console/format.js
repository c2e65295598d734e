// @ts-check
// How visitors and times read on screen.
import { h } from './dom.js';

/** @typedef {import('./types.js').Visitor} Visitor */

/**
 * The visitor's name as a rep would call them: name, else email, else id.
 * @param {Visitor} visitor
 */
export function visitorTitle(visitor) {
  return visitor.name || visitor.email || `Visitor ${visitor.id}`;
}

/**
 * What a rep wants to know at a glance, as label and value pairs; absent facts are left out.
 * @param {Visitor} visitor
 * @returns {[string, string][]}
 */
export function visitorFacts(visitor) {
  /** @type {[string, string | undefined][]} */
  const facts = [
    ['Email', visitor.email],
    ['Company', visitor.company ?? visitor.domain],
    ['Country', visitor.country],
    ['Segments', visitor.segments?.join(', ')],
    ['Source', visitor.utm?.source],
  ];
  // A few custom fields (employees, plan, ...): enough to judge the lead, not a data dump.
  for (const [key, value] of Object.entries(visitor.fields ?? {}).slice(0, 4)) {
    if (value !== null && typeof value !== 'object') facts.push([key, String(value)]);
  }
  return /** @type {[string, string][]} */ (facts.filter(([, value]) => value));
}

/**
 * A description list of the visitor's facts.
 * @param {Visitor} visitor
 */
export function visitorDetails(visitor) {
  const list = h('dl', { class: 'facts' });
  for (const [label, value] of visitorFacts(visitor)) list.append(h('dt', {}, label), h('dd', {}, value));
  return list;
}

/**
 * A <time> showing the local clock time, with the full timestamp for machines and tooltips.
 * @param {string} iso
 */
export function timeElement(iso) {
  const date = new Date(iso);
  return h('time', { datetime: iso, title: date.toLocaleString() }, date.toLocaleTimeString());
}

/**
 * Whole seconds left until `iso`, never negative.
 * @param {string} iso
 * @param {number} [now]
 */
export function secondsUntil(iso, now = Date.now()) {
  return Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000));
}
