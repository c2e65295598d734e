// Reps' event streams are bounded: a resume replays only a little, recent history (else `reset`), an empty
// Last-Event-ID replays nothing, a credential holds a limited number of streams, a client that stops reading is
// not written to and is then disconnected, and one failing stream never stops delivery to the others.
import assert from 'node:assert/strict';
import http from 'node:http';
import { before, describe, test } from 'node:test';
import { RepEventHub } from '../../api/rep-event-hub';
import { appendRepEvents, latestRepEventId, type RepEvent } from '../../store/rep-events';
import { eventually, putReps } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface Received {
  id: string | undefined;
  type: string;
  data: Record<string, unknown>;
}

/** Complete SSE events in `text`, in order; comments, the `retry` line and a trailing partial event are skipped. */
function parseEvents(text: string): Received[] {
  const blocks = text.split('\n\n').slice(0, -1);
  const events: Received[] = [];
  for (const block of blocks) {
    const fields = new Map(
      block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
    );
    const data = fields.get('data');
    if (data === undefined) continue;
    events.push({ id: fields.get('id'), type: fields.get('event') ?? 'message', data: JSON.parse(data) });
  }
  return events;
}

/** An event stream read over a real socket, every event it receives recorded. */
async function openStream(baseUrl: string, repId: string, token: string, headers: Record<string, string> = {}) {
  const stop = new AbortController();
  const response = await fetch(`${baseUrl}/v1/reps/${repId}/events`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: stop.signal,
  });
  let text = '';
  if (response.ok) {
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) text += decoder.decode(chunk);
      } catch {
        // closed by the test
      }
    })();
  }
  return {
    status: response.status,
    error: response.ok ? undefined : ((await response.json()) as { error: { code: string } }).error,
    events: () => parseEvents(text),
    text: () => text,
    close: () => stop.abort(),
  };
}

/** The API process's count of open event streams. */
async function streamsOpen(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^routing_rep_event_streams_open (\d+)$/m.exec(text)?.[1]);
}

describe('bounded rep event streams', () => {
  const suite = useTestService();
  const tokens: Record<string, string> = {};
  let sequence = 0;

  before(async () => {
    await putReps(suite.admin, ['gil', 'hal', 'ivy']);
    for (const rep of ['gil', 'hal', 'ivy'])
      tokens[rep] = (await suite.admin.post(`/v1/users/${rep}/tokens`)).body.token;
  });

  /** Appends `count` events to `repId`'s stream, as a worker would; returns the last one's id. */
  const append = async (repId: string, count: number, data: Record<string, unknown> = {}) => {
    const events = Array.from({ length: count }, () => ({
      repId,
      type: 'presence.changed' as const,
      data: { status: 'available', n: ++sequence, ...data },
    }));
    await appendRepEvents(suite.service.db, events);
    return latestRepEventId(suite.service.db);
  };
  const received = async (stream: { events: () => Received[] }, count: number) =>
    eventually(async () => (stream.events().length >= count ? stream.events() : undefined));

  test('a resume replays up to the event cap; one more missed event and the stream says reset', async () => {
    const api = await suite.service.startAnotherApi({
      wakeOnAppendsTo: suite.service.database,
      limits: { replayMaxEvents: 5 },
    });
    const cursor = await append('gil', 1);
    await append('gil', 5);
    const replay = await openStream(api, 'gil', tokens.gil as string, { 'last-event-id': String(cursor) });
    const replayed = await received(replay, 5);
    replay.close();
    assert.deepEqual(
      replayed.map((event) => event.type),
      Array(5).fill('presence.changed'),
    );

    const lastSeen = replayed.at(-1)?.id as string;
    const now = await append('gil', 6);
    const resumed = await openStream(api, 'gil', tokens.gil as string, { 'last-event-id': lastSeen });
    const [reset] = await received(resumed, 1);
    assert.deepEqual(reset, { id: String(now), type: 'reset', data: { repId: 'gil', reason: 'too_many_missed' } });
    // The stream carries on from the reset: new events arrive, the six it skipped never do.
    await append('gil', 1, { status: 'away' });
    const [, next, ...rest] = await received(resumed, 2);
    resumed.close();
    assert.equal(next?.data.status, 'away');
    assert.deepEqual(rest, []);
  });

  test('a resume whose first missed event is older than the age cap says reset', async () => {
    const api = await suite.service.startAnotherApi({
      wakeOnAppendsTo: suite.service.database,
      limits: { replayMaxAgeMs: 60_000 },
    });
    const cursor = await append('gil', 1);
    await append('gil', 2);
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await suite.service.db
      .updateTable('rep_events')
      .set({ created_at: anHourAgo })
      .where('rep_id', '=', 'gil')
      .where('id', '>', cursor)
      .execute();
    const resumed = await openStream(api, 'gil', tokens.gil as string, { 'last-event-id': String(cursor) });
    const [reset] = await received(resumed, 1);
    resumed.close();
    assert.deepEqual([reset?.type, reset?.data.reason], ['reset', 'too_old']);
  });

  test('an id that names no stored event says reset; an empty Last-Event-ID replays nothing', async () => {
    await append('gil', 3); // history an unbounded replay would send
    for (const unknown of ['0', '999999999999']) {
      const stream = await openStream(suite.service.baseUrl, 'gil', tokens.gil as string, { 'last-event-id': unknown });
      const [first] = await received(stream, 1);
      stream.close();
      assert.deepEqual([first?.type, first?.data.reason], ['reset', 'unknown_event_id'], `Last-Event-ID: ${unknown}`);
    }

    const fresh = await openStream(suite.service.baseUrl, 'gil', tokens.gil as string, { 'last-event-id': '' });
    assert.equal(fresh.status, 200);
    await append('gil', 1, { status: 'away' });
    const events = await received(fresh, 1);
    fresh.close();
    assert.deepEqual(
      events.map((event) => [event.type, event.data.status]),
      [['presence.changed', 'away']],
    );
  });

  test('a credential holds a bounded number of open streams; more answer 429 too_many_streams', async () => {
    const api = await suite.service.startAnotherApi({ limits: { streamsPerPrincipal: 2 } });
    const first = await openStream(api, 'hal', tokens.hal as string);
    const second = await openStream(api, 'hal', tokens.hal as string);
    assert.deepEqual([first.status, second.status], [200, 200]);
    const third = await openStream(api, 'hal', tokens.hal as string);
    assert.deepEqual([third.status, third.error?.code], [429, 'too_many_streams']);
    // Other credentials have their own allowance.
    const asAdmin = await openStream(api, 'hal', suite.service.keys.adminKey);
    const otherRep = await openStream(api, 'ivy', tokens.ivy as string);
    assert.deepEqual([asAdmin.status, otherRep.status], [200, 200]);
    // A closed stream gives its place back.
    first.close();
    const again = await eventually(async () => {
      const attempt = await openStream(api, 'hal', tokens.hal as string);
      return attempt.status === 200 ? attempt : undefined;
    });
    for (const stream of [second, asAdmin, otherRep, again]) stream.close();
  });

  test('a client that stops reading is not written to, then disconnected; it resumes from what it read', async () => {
    const api = await suite.service.startAnotherApi({
      wakeOnAppendsTo: suite.service.database,
      limits: { stallTimeoutMs: 500 },
    });
    await eventually(async () => ((await streamsOpen(api)) === 0 ? true : undefined));
    const cursor = await append('hal', 1);
    const url = new URL(`${api}/v1/reps/hal/events`);
    let text = '';
    const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(url, { headers: { authorization: `Bearer ${tokens.hal}`, 'last-event-id': String(cursor) } }, resolve)
        .on('error', reject),
    );
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      text += chunk;
    });
    const ended = new Promise((resolve) => response.once('close', resolve));
    await eventually(async () => (text.includes('retry:') ? true : undefined));
    response.pause(); // the client stops reading: its socket fills up

    // 12 MB of events: more than the socket buffers on both sides hold (about 4 MB here).
    const big = 'x'.repeat(120_000);
    for (let i = 0; i < 10; i++) await append('hal', 10, { big });
    const last = await latestRepEventId(suite.service.db);
    // Megabytes to write and read back (this test takes about 20 s on PostgreSQL on a busy machine): generous limits.
    await eventually(async () => ((await streamsOpen(api)) === 0 ? true : undefined), 60_000);

    response.resume();
    await ended;

    const before = parseEvents(text);
    assert.ok(before.length < 100, `the stalled client was sent ${before.length} of 100 events`);
    const lastRead = before.at(-1)?.id ?? String(cursor);
    const resumed = await openStream(api, 'hal', tokens.hal as string, { 'last-event-id': lastRead });
    const rest = await eventually(
      async () => (resumed.text().includes(`id: ${last}\n`) ? resumed.events() : undefined),
      60_000,
    );
    resumed.close();
    const ids = [...before, ...rest].map((event) => Number(event.id));
    assert.equal(ids.length, 100);
    assert.ok(
      ids.every((id, i) => i === 0 || id > (ids[i - 1] as number)),
      'every event once, in order',
    );
  });

  test('a stream whose delivery throws is dropped; the others still get every event', async () => {
    const hub = new RepEventHub(suite.service.db, { pollIntervalMs: 20 });
    try {
      const after = await latestRepEventId(suite.service.db);
      let brokenEnded = false;
      const delivered: RepEvent[] = [];
      hub.subscribe(
        'ivy',
        after,
        () => {
          throw new Error('write after end');
        },
        () => {
          brokenEnded = true;
        },
      );
      hub.subscribe(
        'ivy',
        after,
        (event) => delivered.push(event) > 0,
        () => undefined,
      );
      await append('ivy', 2);
      await eventually(async () => (delivered.length === 2 ? true : undefined));
      assert.equal(brokenEnded, true);
    } finally {
      hub.close();
    }
  });
});
