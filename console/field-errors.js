// @ts-check
// Shows the API's validation errors on a form: a summary listing every issue (focused, so it is read out and a
// keyboard user starts there), and each message beside the input it is about, which is marked invalid.
import { ApiError } from './api.js';
import { h, replaceChildren } from './dom.js';

/** @typedef {import('./api.js').Issue} Issue */

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary the form's error summary (role="alert", tabindex="-1")
 */
export function clearErrors(form, summary) {
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const message of form.querySelectorAll('.field-error')) {
    message.textContent = '';
    message.setAttribute('hidden', '');
  }
  replaceChildren(summary);
  summary.hidden = true;
}

/**
 * Shows `error` on the form. `inputFor` maps an API field path (`criteria.all.0.value`) to the id of the input that
 * holds it, or undefined when no input does (the issue then appears in the summary only).
 * @param {HTMLFormElement} form
 * @param {HTMLElement} summary
 * @param {unknown} error
 * @param {(field: string) => string | undefined} inputFor
 */
export function showErrors(form, summary, error, inputFor) {
  clearErrors(form, summary);
  /** @type {Issue[]} */
  const issues =
    error instanceof ApiError && error.issues.length > 0
      ? error.issues
      : [{ field: '', message: error instanceof Error ? error.message : String(error) }];
  const list = h('ul');
  for (const issue of issues) {
    const inputId = issue.field ? inputFor(issue.field) : undefined;
    const text = issue.field ? `${issue.field}: ${issue.message}` : issue.message;
    list.append(h('li', {}, inputId ? h('a', { href: `#${inputId}` }, text) : text));
    if (!inputId) continue;
    document.getElementById(inputId)?.setAttribute('aria-invalid', 'true');
    const message = document.getElementById(`${inputId}-error`);
    if (message) {
      message.textContent = message.textContent ? `${message.textContent} ${text}` : text;
      message.hidden = false;
    }
  }
  const refused = error instanceof ApiError && error.status > 0;
  const title = refused ? `The service refused this (${error.code}):` : 'This cannot be sent:';
  replaceChildren(summary, h('p', {}, title), list);
  summary.hidden = false;
  summary.focus();
}

/**
 * Parses a JSON text box; an empty box gives `fallback`. Throws an ApiError-shaped issue naming `field` otherwise,
 * so bad JSON is reported like any other invalid field.
 * @param {string} text
 * @param {string} field
 * @param {unknown} fallback
 */
export function parseJsonField(text, field, fallback) {
  if (text.trim() === '') return fallback;
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
    throw new ApiError(0, 'invalid_json', `${field}: ${message}`, [{ field, message }]);
  }
}

/**
 * A comma-separated list typed by a person: trimmed, without empty entries.
 * @param {string} text
 */
export function listField(text) {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * The id typed into a form, which becomes part of the URL: an empty one is refused here, as the API would refuse any
 * other invalid id.
 * @param {string} id
 */
export function requiredId(id) {
  if (id === '') throw new ApiError(0, 'invalid_request', 'id: is required', [{ field: 'id', message: 'is required' }]);
  return id;
}
