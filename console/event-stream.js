// @ts-check
// A rep's live events (GET /v1/reps/:id/events, Server-Sent Events) read with fetch() rather than EventSource:
// EventSource cannot send the Authorization header the API requires, and putting the token in the URL would leave
// it in logs and history. Like EventSource, it reconnects after the server's `retry` delay and resumes with
// Last-Event-ID, so no event is lost or repeated across a dropped connection: the server replays what was missed,
// or, when that is too much or too old, sends a `reset` event, after which the client refetches the current state.

/** @typedef {{ type: string, id: string | undefined, data: string }} StreamEvent */
/**
 * 'open': a stream that starts from now (the client fetches the current state); 'resumed': a stream that carries on
 * after the last event seen, with what was missed replayed (or a `reset` event).
 * @typedef {'connecting' | 'open' | 'resumed' | 'reconnecting' | 'refused'} StreamState
 */

/**
 * Splits a text/event-stream into events. Feed it decoded text in chunks of any size; it calls `emit` once per
 * complete event and remembers the last `retry` the server asked for.
 */
export class EventStreamParser {
  /** @param {(event: StreamEvent) => void} emit */
  constructor(emit) {
    this.emit = emit;
    this.buffer = '';
    /** @type {number | undefined} */
    this.retryMs = undefined;
    // The event being read: its fields arrive one line at a time until a blank line ends it.
    this.type = '';
    /** @type {string[]} */
    this.data = [];
    /** @type {string | undefined} */
    this.id = undefined;
  }

  reset() {
    this.type = '';
    this.data = [];
    this.id = undefined;
  }

  /** @param {string} text */
  push(text) {
    this.buffer += text;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    // The last piece is an unfinished line (or empty after a newline): keep it for the next chunk.
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  /** @param {string} line */
  line(line) {
    if (line === '') {
      if (this.data.length > 0) this.emit({ type: this.type || 'message', id: this.id, data: this.data.join('\n') });
      this.reset();
      return;
    }
    if (line.startsWith(':')) return; // a comment: the server's heartbeat
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id') this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}

/**
 * Shows a stream's state in `element` (its text, and `data-state` for styles and tests); `credential` names what a
 * refusal refused, in the viewer's words ('the admin key', 'your token').
 * @param {HTMLElement} element
 * @param {StreamState} state
 * @param {string} credential
 */
export function showStreamState(element, state, credential) {
  element.textContent = {
    connecting: 'Live updates: connecting…',
    open: 'Live updates: on.',
    resumed: 'Live updates: on.',
    reconnecting: 'Live updates: reconnecting…',
    refused: `Live updates: ${credential} was refused.`,
  }[state];
  element.dataset.state = state;
}

/**
 * Follows the stream at `url` until `close()` is called or the credential is refused (401/403). With `lastEventId`
 * (where a snapshot of the state was read) it starts after that event rather than from now.
 * @param {{ url: string, token: string, onEvent: (event: StreamEvent) => void,
 *   onState: (state: StreamState) => void, lastEventId?: string }} options
 * @returns {{ close: () => void }}
 */
export function followEventStream({ url, token, onEvent, onState, lastEventId: startAfter }) {
  const stop = new AbortController();
  /** @type {string | undefined} */
  let lastEventId = startAfter;
  let retryMs = 1000;

  const wait = (/** @type {number} */ ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });

  const run = async () => {
    onState('connecting');
    while (!stop.signal.aborted) {
      const parser = new EventStreamParser((event) => {
        if (event.id !== undefined) lastEventId = event.id;
        onEvent(event);
      });
      try {
        /** @type {Record<string, string>} */
        const headers = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        const response = await fetch(url, { headers, signal: stop.signal, cache: 'no-store' });
        if (response.status === 401 || response.status === 403) {
          onState('refused');
          return;
        }
        if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
        onState(headers['last-event-id'] === undefined ? 'open' : 'resumed');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.push(value);
        }
      } catch {
        // A dropped connection or an unreachable server: retried below, as EventSource would.
      }
      retryMs = parser.retryMs ?? retryMs;
      if (stop.signal.aborted) return;
      onState('reconnecting');
      await wait(retryMs);
    }
  };
  void run();
  return { close: () => stop.abort() };
}
