// @ts-check
// The rep's open conversations on screen, each with an End button that frees the rep's capacity.
import { h, replaceChildren, whileBusy } from './dom.js';
import { timeElement, visitorDetails, visitorTitle } from './format.js';

/** @typedef {import('./types.js').OpenConversation} OpenConversation */

/**
 * @param {HTMLUListElement} list
 * @param {HTMLElement} emptyNote
 * @param {OpenConversation[]} conversations
 * @param {(conversation: OpenConversation) => Promise<void>} end
 */
export function renderConversations(list, emptyNote, conversations, end) {
  const focusedId = list.contains(document.activeElement)
    ? document.activeElement?.closest('li')?.getAttribute('data-routing-id')
    : undefined;
  replaceChildren(
    list,
    ...conversations.map((conversation, index) => {
      const name = visitorTitle(conversation.visitor);
      const titleId = `conversation-title-${index}`;
      const button = h(
        'button',
        { type: 'button' },
        'End conversation',
        h('span', { class: 'visually-hidden' }, ` with ${name}`),
      );
      button.addEventListener('click', () => whileBusy(button, () => end(conversation)));
      return h(
        'li',
        { class: 'card conversation', 'data-routing-id': conversation.routingId, 'aria-labelledby': titleId },
        h('h3', { id: titleId }, name),
        h('p', { class: 'muted' }, 'Connected since ', timeElement(conversation.startedAt)),
        visitorDetails(conversation.visitor),
        h('div', { class: 'actions' }, button),
      );
    }),
  );
  emptyNote.hidden = conversations.length > 0;
  // Redrawn: put focus back on the same conversation's button, or on the heading if that one is gone.
  if (focusedId !== undefined) {
    const again = [...list.querySelectorAll('li')].find((li) => li.dataset.routingId === focusedId);
    const target = again?.querySelector('button') ?? document.getElementById('conversations-title');
    if (target instanceof HTMLElement) {
      if (target.tagName !== 'BUTTON') target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }
}
