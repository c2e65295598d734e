// @ts-check
// "Live now": the visitors being routed at this moment (pounce and inbound), whom each is offered to and for how
// long. It starts from a snapshot and then follows event streams: an admin sees every routing in flight
// (GET /v1/live/routings, then GET /v1/live/events for every rep's events); a rep sees the routings offered to them
// (their own offers and stream, which the rep view already follows and hands in), never whom else they reach.

import { h, replaceChildren } from './dom.js';
import { followEventStream, showStreamState } from './event-stream.js';
import { secondsUntil, visitorTitle } from './format.js';

/** @typedef {import('./api.js').Api} Api */
/** @typedef {import('./types.js').Visitor} Visitor */
/** @typedef {import('./event-stream.js').StreamEvent} StreamEvent */
/** @typedef {{ repId: string, stage: string, offeredAt: string, expiresAt: string }} PendingOffer */
/**
 * A routing in flight as the panel knows it. `startedAt` is unknown for a routing first seen in an offer event (the
 * first offer's time stands in for it).
 * @typedef {{ routingId: string, type: string, visitor: Visitor, startedAt?: string, offers: PendingOffer[] }} LiveRouting
 */

/** Whole seconds since `iso`, never negative. */
const secondsSince = (/** @type {string} */ iso) => Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));

/** `75` -> `1 min 15 s`: long waits read better in minutes. */
function duration(/** @type {number} */ seconds) {
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export class LivePanel {
  /**
   * @param {HTMLElement} container where the panel's table goes
   * @param {{ label: string, whom: (repId: string) => string }} options `whom` names an offer's rep on screen
   */
  constructor(container, { label, whom }) {
    this.whom = whom;
    /** @type {Map<string, LiveRouting>} */
    this.routings = new Map();
    /** Routings an event changed since the last snapshot was asked for: that answer may predate the change. */
    this.touched = new Set();
    this.summary = h('p', { class: 'muted', role: 'status' });
    this.body = h('tbody');
    const table = h(
      'table',
      { class: 'live-routings' },
      h('caption', { class: 'visually-hidden' }, label),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Visitor'),
          h('th', { scope: 'col' }, 'Type'),
          h('th', { scope: 'col' }, 'Routing for'),
          h('th', { scope: 'col' }, 'Offered to'),
        ),
      ),
      this.body,
    );
    replaceChildren(container, this.summary, h('div', { class: 'table-wrap' }, table));
    // Times are rewritten each second; the table is no live region, so screen readers are not flooded: the summary
    // line (a status) changes only when the count does.
    this.ticker = setInterval(() => this.render(), 1000);
    this.render();
  }

  /** The next snapshot is asked for now: events from here on are newer than what it may say of their routings. */
  snapshotRequested() {
    this.touched.clear();
  }

  /**
   * The state from a snapshot replaces what the panel shows, except routings an event changed meanwhile.
   * @param {LiveRouting[]} routings
   */
  replace(routings) {
    const fresh = new Map(routings.map((routing) => [routing.routingId, routing]));
    for (const [routingId, routing] of this.routings) {
      if (this.touched.has(routingId)) fresh.set(routingId, routing);
    }
    for (const routingId of this.touched) if (!this.routings.has(routingId)) fresh.delete(routingId);
    this.routings = fresh;
    this.render();
  }

  /**
   * Applies one stream event; answers whether a routing it touched is left with no offer, when only a snapshot can
   * say if it moved on to another stage or is over.
   * @param {StreamEvent} event
   * @returns {boolean}
   */
  apply(event) {
    if (!['offer.created', 'offer.withdrawn', 'routing.connected'].includes(event.type)) return false;
    const data = JSON.parse(event.data);
    const routingId = String(data.routingId);
    this.touched.add(routingId);
    let routing = this.routings.get(routingId);
    if (event.type === 'offer.created') {
      routing ??= { routingId, type: data.type, visitor: data.visitor, offers: [] };
      routing.offers = routing.offers.filter((offer) => offer.repId !== data.repId);
      routing.offers.push({
        repId: data.repId,
        stage: data.stage,
        offeredAt: data.offeredAt,
        expiresAt: data.expiresAt,
      });
      this.routings.set(routingId, routing);
    } else if (event.type === 'routing.connected') {
      this.routings.delete(routingId);
    } else if (routing) {
      routing.offers = routing.offers.filter((offer) => offer.repId !== data.repId);
    }
    this.render();
    return routing !== undefined && this.routings.has(routingId) && routing.offers.length === 0;
  }

  /** Routings whose offers have all ended: a snapshot tells whether they are still routing. */
  dropEmpty() {
    for (const [routingId, routing] of this.routings) if (routing.offers.length === 0) this.routings.delete(routingId);
    this.render();
  }

  render() {
    const routings = [...this.routings.values()].sort((a, b) => since(a).localeCompare(since(b)));
    const count = routings.length;
    const summary =
      count === 0 ? 'Nobody is being routed right now.' : `${count} visitor${count === 1 ? '' : 's'} being routed.`;
    if (this.summary.textContent !== summary) this.summary.textContent = summary;
    replaceChildren(
      this.body,
      ...routings.map((routing) =>
        h(
          'tr',
          { 'data-routing-id': routing.routingId },
          h('th', { scope: 'row' }, visitorTitle(routing.visitor)),
          h('td', {}, routing.type),
          h('td', {}, duration(secondsSince(since(routing)))),
          h(
            'td',
            {},
            routing.offers.length === 0
              ? h('span', { class: 'muted' }, 'nobody yet (between stages)')
              : h(
                  'ul',
                  { class: 'plain' },
                  ...routing.offers.map((offer) =>
                    h(
                      'li',
                      {},
                      `${this.whom(offer.repId)}: offered ${duration(secondsSince(offer.offeredAt))} ago, ` +
                        `expires in ${duration(secondsUntil(offer.expiresAt))}`,
                    ),
                  ),
                ),
          ),
        ),
      ),
    );
  }

  stop() {
    clearInterval(this.ticker);
  }
}

/** When the routing started, or its first known offer when the panel met it through an event. */
function since(/** @type {LiveRouting} */ routing) {
  return routing.startedAt ?? routing.offers.map((offer) => offer.offeredAt).sort()[0] ?? new Date().toISOString();
}

/**
 * The admin's panel: the snapshot, then every rep's events from where it was read. Returns a function that stops it.
 * @param {Api} api
 * @param {HTMLElement} container
 * @param {HTMLElement} streamState
 */
export function startAdminLivePanel(api, container, streamState) {
  const panel = new LivePanel(container, { label: 'Visitors being routed now', whom: (repId) => repId });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let settle;
  /** @type {{ close: () => void } | undefined} */
  let stream;
  let stopped = false;

  /** @returns {Promise<number>} the event id the snapshot was read at */
  const load = async () => {
    panel.snapshotRequested();
    /** @type {{ lastEventId: number, routings: LiveRouting[] }} */
    const snapshot = await api.get('/v1/live/routings');
    panel.replace(snapshot.routings);
    return snapshot.lastEventId;
  };
  // A routing left with no offer moved to its next stage or ended; a moment later, the snapshot says which.
  const reloadSoon = () => {
    clearTimeout(settle);
    settle = setTimeout(() => {
      load().catch(() => panel.dropEmpty());
    }, 500);
  };

  load().then(
    (lastEventId) => {
      if (stopped) return;
      stream = followEventStream({
        url: '/v1/live/events',
        token: api.credential,
        lastEventId: String(lastEventId),
        onEvent: (event) => {
          if (event.type === 'reset') reloadSoon();
          else if (panel.apply(event)) reloadSoon();
        },
        onState: (state) => {
          showStreamState(streamState, state, 'the admin key');
        },
      });
    },
    (error) => {
      streamState.textContent = `Could not load the routings in flight: ${error.message ?? error}`;
    },
  );

  return () => {
    stopped = true;
    stream?.close();
    clearTimeout(settle);
    panel.stop();
    container.replaceChildren();
    streamState.textContent = '';
  };
}
