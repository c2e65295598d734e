// @ts-check
// The rep's live offers on screen: one card per offer with the visitor summary, a countdown to its expiry, and
// Accept and Decline. Cards are kept by routing id rather than redrawn, so focus stays where the rep left it.
import { h, whileBusy } from './dom.js';
import { secondsUntil, timeElement, visitorDetails, visitorTitle } from './format.js';

/** @typedef {import('./types.js').LiveOffer} LiveOffer */
/** @typedef {(offer: LiveOffer) => Promise<void>} OfferAction */

let nextId = 0;

export class OfferList {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLElement} emptyNote shown while there is no offer
   * @param {{ accept: OfferAction, decline: OfferAction }} actions
   */
  constructor(list, emptyNote, actions) {
    this.list = list;
    this.emptyNote = emptyNote;
    this.actions = actions;
    /** @type {Map<string, { offer: LiveOffer, card: HTMLLIElement }>} */
    this.cards = new Map();
    // One timer for every countdown; it only rewrites text, so screen readers are not flooded with updates.
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  /** @param {string} routingId */
  has(routingId) {
    return this.cards.has(routingId);
  }

  /** @param {string} routingId */
  get(routingId) {
    return this.cards.get(routingId)?.offer;
  }

  /** @param {LiveOffer} offer */
  add(offer) {
    if (this.cards.has(offer.routingId)) return;
    const card = this.card(offer);
    // Oldest first, as the API lists them.
    const later = [...this.cards.values()].find((each) => each.offer.offeredAt > offer.offeredAt);
    this.list.insertBefore(card, later?.card ?? null);
    this.cards.set(offer.routingId, { offer, card });
    this.update();
  }

  /**
   * Takes the offer's card away. If focus was inside it, focus moves to the next offer (or the list's heading), so a
   * keyboard user is never left on a vanished element.
   * @param {string} routingId
   */
  remove(routingId) {
    const entry = this.cards.get(routingId);
    if (!entry) return;
    const hadFocus = entry.card.contains(document.activeElement);
    const next = /** @type {HTMLElement | null} */ (entry.card.nextElementSibling ?? entry.card.previousElementSibling);
    entry.card.remove();
    this.cards.delete(routingId);
    this.update();
    if (hadFocus) {
      const target = next?.querySelector('button') ?? document.getElementById('offers-title');
      if (target instanceof HTMLElement) {
        if (!target.hasAttribute('tabindex') && target.tagName !== 'BUTTON') target.setAttribute('tabindex', '-1');
        target.focus();
      }
    }
  }

  /** @param {string} routingId @param {string} text */
  showError(routingId, text) {
    const message = this.cards.get(routingId)?.card.querySelector('.error');
    if (message) message.textContent = text;
  }

  stop() {
    clearInterval(this.ticker);
  }

  update() {
    this.emptyNote.hidden = this.cards.size > 0;
    this.tick();
  }

  tick() {
    const now = Date.now();
    for (const { offer, card } of this.cards.values()) {
      const left = secondsUntil(offer.expiresAt, now);
      const countdown = card.querySelector('.countdown');
      if (countdown) countdown.textContent = left > 0 ? `Expires in ${left} s` : 'Expired';
      card.classList.toggle('expired', left === 0);
    }
  }

  /** @param {LiveOffer} offer */
  card(offer) {
    const titleId = `offer-title-${++nextId}`;
    const name = visitorTitle(offer.visitor);
    const accept = h(
      'button',
      { type: 'button', class: 'primary' },
      'Accept',
      h('span', { class: 'visually-hidden' }, ` ${name}`),
    );
    const decline = h('button', { type: 'button' }, 'Decline', h('span', { class: 'visually-hidden' }, ` ${name}`));
    accept.addEventListener('click', () => whileBusy(accept, () => this.actions.accept(offer)));
    decline.addEventListener('click', () => whileBusy(decline, () => this.actions.decline(offer)));
    return h(
      'li',
      { class: 'card offer', 'data-routing-id': offer.routingId, 'aria-labelledby': titleId },
      h('h3', { id: titleId }, name),
      h(
        'p',
        { class: 'muted' },
        offer.type === 'pounce' ? 'On the site now' : 'Asked to chat',
        ' · offered at ',
        timeElement(offer.offeredAt),
      ),
      visitorDetails(offer.visitor),
      h('p', { class: 'countdown' }, `Expires in ${secondsUntil(offer.expiresAt)} s`),
      h('div', { class: 'actions' }, accept, decline),
      h('p', { class: 'error', role: 'alert' }),
    );
  }
}
