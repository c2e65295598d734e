// @ts-check
// The rep view: presence, live offers (kept current by the rep's event stream), active conversations, the live
// panel of the visitors offered to them, and why recent routings offered them or not.
import { ApiError, segment } from './api.js';
import { renderConversations } from './conversation-list.js';
import { announce, byId, whileBusy } from './dom.js';
import { followEventStream, showStreamState } from './event-stream.js';
import { visitorFacts, visitorTitle } from './format.js';
import { LivePanel } from './live-panel.js';
import { OfferList } from './offer-list.js';
import { startRepWhy } from './rep-why.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').LiveOffer} LiveOffer */
/** @typedef {import('./types.js').OpenConversation} OpenConversation */
/** @typedef {import('./types.js').PresenceStatus} PresenceStatus */
/** @typedef {import('./types.js').User} User */

/** Why an accept or decline was refused, in the rep's words. */
const refusals = /** @type {Record<string, string>} */ ({
  already_assigned: 'Another rep accepted this visitor first.',
  not_offered: 'This offer is no longer yours: it timed out or was withdrawn.',
  routing_closed: 'This routing is over: the visitor left or was routed elsewhere.',
});

const presenceText = /** @type {Record<PresenceStatus, string>} */ ({
  available: 'You are available: new visitors can be offered to you.',
  away: 'You are away: no new offers.',
  offline: 'You are offline: no new offers.',
});

/** Why the service set the rep away (the `reason` of its `presence.changed`). */
const setAwayBecause = /** @type {Record<string, string | undefined>} */ ({
  missed_offers: 'You were set away after letting offers time out: switch back to available to get new offers.',
  console_disconnected: 'You were set away while your console was closed: switch back to available to get new offers.',
});

/**
 * Starts the view for the signed-in rep; returns a function that stops it (stream, timers).
 * @param {Api} api
 * @param {string} repId
 * @param {() => void} onRefused called when the token stops being accepted (revoked)
 */
export function startRepView(api, repId, onRefused) {
  const base = `/v1/reps/${segment(repId)}`;
  const announcer = byId('rep-announcer', HTMLElement);
  const message = byId('rep-message', HTMLElement);
  const presenceSwitch = byId('presence-switch', HTMLButtonElement);
  const presenceLine = byId('presence-text', HTMLElement);
  const streamState = byId('stream-state', HTMLElement);
  const conversationList = byId('conversations', HTMLUListElement);
  const noConversations = byId('no-conversations', HTMLElement);
  // A rep's live panel shows only their own offers: no rep sees whom else a visitor is offered to.
  const livePanel = new LivePanel(byId('rep-live-routings', HTMLElement), {
    label: 'Visitors being offered to you now',
    whom: () => 'you',
  });
  const stopWhy = startRepWhy(api, repId, {
    form: byId('rep-why-form', HTMLFormElement),
    visitor: byId('rep-why-visitor', HTMLInputElement),
    list: byId('rep-why-list', HTMLElement),
    error: byId('rep-why-error', HTMLElement),
  });
  /** Routings whose offer the stream has closed: a list fetched a moment earlier must not bring them back. */
  const closed = new Set();

  /** @param {unknown} error */
  const describe = (error) => (error instanceof ApiError ? (refusals[error.code] ?? error.message) : String(error));

  /**
   * @param {PresenceStatus} status
   * @param {string} [reason] why the service changed it on the rep's behalf
   */
  const showPresence = (status, reason) => {
    presenceSwitch.setAttribute('aria-checked', String(status === 'available'));
    presenceLine.textContent = (reason && setAwayBecause[reason]) ?? presenceText[status];
  };

  /** The conversations on screen, by routing: an end the stream reports names its visitor. */
  /** @type {Map<string, OpenConversation>} */
  const shownConversations = new Map();
  const refreshConversations = async () => {
    /** @type {{ conversations: OpenConversation[] }} */
    const { conversations } = await api.get(`${base}/conversations`);
    renderConversations(conversationList, noConversations, conversations, endConversation);
    for (const conversation of conversations) shownConversations.set(conversation.routingId, conversation);
  };

  /** @param {OpenConversation} conversation */
  const endConversation = async (conversation) => {
    try {
      await api.post(`/v1/routings/${segment(conversation.routingId)}/end`);
      message.textContent = `Conversation with ${visitorTitle(conversation.visitor)} ended.`;
    } catch (error) {
      message.textContent = describe(error);
    }
    await refreshConversations();
  };

  /** @param {LiveOffer} offer @param {'accept' | 'decline'} choice */
  const answer = async (offer, choice) => {
    const name = visitorTitle(offer.visitor);
    try {
      await api.post(`/v1/routings/${segment(offer.routingId)}/${choice}`, { repId });
      closed.add(offer.routingId);
      offers.remove(offer.routingId);
      message.textContent = choice === 'accept' ? `Connected with ${name}.` : `Declined ${name}.`;
      if (choice === 'accept') await refreshConversations();
    } catch (error) {
      if (error instanceof ApiError && error.code in refusals) {
        closed.add(offer.routingId);
        offers.remove(offer.routingId);
        message.textContent = `${name}: ${describe(error)}`;
      } else {
        offers.showError(offer.routingId, describe(error));
      }
    }
  };

  const offers = new OfferList(byId('offers', HTMLUListElement), byId('no-offers', HTMLElement), {
    accept: (offer) => answer(offer, 'accept'),
    decline: (offer) => answer(offer, 'decline'),
  });

  /** @param {LiveOffer} offer */
  const showOffer = (offer) => {
    if (closed.has(offer.routingId) || offers.has(offer.routingId)) return;
    offers.add(offer);
    const facts = visitorFacts(offer.visitor)
      .slice(0, 2)
      .map(([, value]) => value);
    announce(announcer, `New offer: ${[visitorTitle(offer.visitor), ...facts].join(', ')}.`);
  };

  /** The state now: what the stream may have missed before it opened, or while it was down. */
  const refresh = async () => {
    // Only offers shown before the request can be stale: one the stream adds meanwhile may be newer than the answer.
    const shownBefore = [...offers.cards.keys()];
    livePanel.snapshotRequested();
    /** @type {{ offers: LiveOffer[] }} */
    const current = await api.get(`${base}/offers`);
    livePanel.replace(
      current.offers.map(({ routingId, type, visitor, stage, offeredAt, expiresAt }) => ({
        routingId,
        type,
        visitor,
        offers: [{ repId, stage, offeredAt, expiresAt }],
      })),
    );
    const live = new Set(current.offers.map((offer) => offer.routingId));
    for (const offer of current.offers) showOffer(offer);
    for (const routingId of shownBefore) if (!live.has(routingId)) offers.remove(routingId);
    await refreshConversations();
  };

  /** @param {import('./event-stream.js').StreamEvent} event */
  const onEvent = (event) => {
    // An offer of theirs that ended leaves the panel: the rest of its routing is not theirs to see.
    if (livePanel.apply(event)) livePanel.dropEmpty();
    const data = JSON.parse(event.data);
    if (event.type === 'offer.created') {
      showOffer(data);
    } else if (event.type === 'offer.withdrawn' || event.type === 'routing.connected') {
      const offer = offers.get(data.routingId);
      closed.add(data.routingId);
      offers.remove(data.routingId);
      if (event.type === 'routing.connected') void refreshConversations();
      else if (offer) {
        const why =
          data.result === 'timed_out' ? 'timed out' : data.result === 'declined' ? 'was declined' : 'was withdrawn';
        announce(announcer, `The offer for ${visitorTitle(offer.visitor)} ${why}.`);
      }
    } else if (event.type === 'conversation.ended') {
      const conversation = shownConversations.get(data.routingId);
      shownConversations.delete(data.routingId);
      // The rep's own End already said so; an end nobody asked for (idle too long) is news to them.
      if (data.reason === 'idle') {
        const name = conversation ? visitorTitle(conversation.visitor) : 'a visitor';
        message.textContent = `Your conversation with ${name} was ended: it was idle too long.`;
      }
      void refreshConversations();
    } else if (event.type === 'presence.changed') {
      showPresence(data.status, data.reason);
    } else if (event.type === 'reset') {
      // The server could not replay what this stream missed: the current state replaces it.
      refresh().catch((error) => (message.textContent = describe(error)));
    }
  };

  presenceSwitch.onclick = () =>
    whileBusy(presenceSwitch, async () => {
      const status = presenceSwitch.getAttribute('aria-checked') === 'true' ? 'away' : 'available';
      try {
        /** @type {User} */
        const user = await api.put(`/v1/users/${segment(repId)}/presence`, { status });
        showPresence(user.status);
      } catch (error) {
        message.textContent = describe(error);
      }
    });

  void api.get(`/v1/users/${segment(repId)}`).then(
    (/** @type {User} */ user) => {
      byId('rep-name', HTMLElement).textContent = user.name === user.id ? user.id : `${user.name} (${user.id})`;
      showPresence(user.status);
    },
    (error) => {
      message.textContent = describe(error);
    },
  );

  const stream = followEventStream({
    url: `${base}/events`,
    token: api.credential,
    onEvent,
    onState: (state) => {
      showStreamState(streamState, state, 'your token');
      // A resumed stream replays what it missed (or says reset): only a stream that starts from now needs the state.
      if (state === 'open') refresh().catch((error) => (message.textContent = describe(error)));
      if (state === 'refused') onRefused();
    },
  });

  return () => {
    stream.close();
    offers.stop();
    livePanel.stop();
    stopWhy();
    presenceSwitch.onclick = null;
    for (const id of ['rep-message', 'offers', 'conversations', 'rep-announcer', 'rep-live-routings'])
      byId(id, HTMLElement).replaceChildren();
  };
}
