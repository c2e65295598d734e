// Reps' live events over SSE: offers as they are made, resumption with Last-Event-ID, heartbeats, and delivery by
// an API server that did not write the events (as when API and worker are separate processes).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { EventSource } from 'eventsource';
import { openDatabase } from '../../store/database';
import { setPresence } from '../../store/directory';
import { createRule, eventually, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** An SSE client (the `eventsource` package, as a browser would connect) recording every event it receives. */
function listen(baseUrl: string, repId: string, token: string, lastEventId?: string) {
  const received: Received[] = [];
  const source = new EventSource(`${baseUrl}/v1/reps/${repId}/events`, {
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...(init?.headers as Record<string, string>),
          authorization: `Bearer ${token}`,
          ...(lastEventId !== undefined && { 'last-event-id': lastEventId }),
        },
      }),
  });
  for (const type of ['offer.created', 'offer.withdrawn', 'routing.connected', 'presence.changed']) {
    source.addEventListener(type, (event) => {
      received.push({ id: event.lastEventId, type, data: JSON.parse(event.data) });
    });
  }
  const opened = new Promise<void>((resolve, reject) => {
    source.onopen = () => resolve();
    source.onerror = (error) => reject(error);
  });
  return { source, received, opened };
}

describe('rep event streams', () => {
  const suite = useTestService();
  let tokens: Record<string, string>;

  before(async () => {
    await putReps(suite.admin, ['eli', 'fay']);
    await createRule(suite.admin, { name: 'all', routeTo: { users: ['eli', 'fay'] }, offerTimeoutSeconds: 60 });
    tokens = {};
    for (const rep of ['eli', 'fay']) tokens[rep] = (await suite.admin.post(`/v1/users/${rep}/tokens`)).body.token;
  });

  const startRouting = async () => {
    const routingId = uniqueRoutingId('sse');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, name: 'Jo' },
    });
    return routingId;
  };
  const ofRouting = (received: Received[], routingId: string) =>
    received.filter((event) => event.data.routingId === routingId).map((event) => event.type);

  test('an offer reaches the rep’s stream, then the connection or the withdrawal', async () => {
    const eli = listen(suite.service.baseUrl, 'eli', tokens.eli as string);
    const fay = listen(suite.service.baseUrl, 'fay', tokens.fay as string);
    await Promise.all([eli.opened, fay.opened]);
    const routingId = await startRouting();
    const offer = await eventually(async () => eli.received.find((event) => event.data.routingId === routingId));
    assert.equal(offer.type, 'offer.created');
    assert.deepEqual((offer.data.visitor as { name: string }).name, 'Jo');
    assert.equal(offer.data.repId, 'eli');
    assert.match(offer.id, /^\d+$/);

    assert.equal((await suite.admin.accept(routingId, 'eli')).status, 200);
    await eventually(async () => (ofRouting(eli.received, routingId).length === 2 ? true : undefined));
    await eventually(async () => (ofRouting(fay.received, routingId).length === 2 ? true : undefined));
    assert.deepEqual(ofRouting(eli.received, routingId), ['offer.created', 'routing.connected']);
    assert.deepEqual(ofRouting(fay.received, routingId), ['offer.created', 'offer.withdrawn']);
    assert.equal(fay.received.at(-1)?.data.result, 'withdrawn');
    eli.source.close();
    fay.source.close();
  });

  test('reconnecting with Last-Event-ID delivers exactly what was missed, once', async () => {
    const first = listen(suite.service.baseUrl, 'eli', tokens.eli as string);
    await first.opened;
    const before = await startRouting();
    await eventually(async () => (ofRouting(first.received, before).length === 1 ? true : undefined));
    const lastSeen = first.received.at(-1)?.id as string;
    first.source.close();

    // While disconnected: a presence change, the first routing withdrawn by a cancel, a new offer.
    await suite.admin.put('/v1/users/eli/presence', { status: 'available' });
    await suite.admin.post(`/v1/routings/${before}/cancel`);
    const missed = await startRouting();
    await eventually(async () => {
      const { body } = await suite.admin.get('/v1/reps/eli/offers');
      return body.offers.some((offer: { routingId: string }) => offer.routingId === missed) ? true : undefined;
    });

    const resumed = listen(suite.service.baseUrl, 'eli', tokens.eli as string, lastSeen);
    await resumed.opened;
    await eventually(async () => (ofRouting(resumed.received, missed).length === 1 ? true : undefined));
    assert.deepEqual(
      resumed.received.map((event) => [event.type, event.data.routingId ?? event.data.status]),
      [
        ['presence.changed', 'available'],
        ['offer.withdrawn', before],
        ['offer.created', missed],
      ],
    );
    const ids = resumed.received.map((event) => Number(event.id));
    assert.ok(ids.every((id, i) => id > Number(lastSeen) && (i === 0 || id > (ids[i - 1] as number))));
    resumed.source.close();
    await suite.admin.post(`/v1/routings/${missed}/cancel`);
  });

  test('an API server that only polls delivers events written elsewhere', async () => {
    const pollingApi = await suite.service.startAnotherApi({ pollIntervalMs: 50 });
    const fay = listen(pollingApi, 'fay', tokens.fay as string);
    await fay.opened;
    const routingId = await startRouting();
    await eventually(async () => (ofRouting(fay.received, routingId).includes('offer.created') ? true : undefined));
    fay.source.close();
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('a commit by another connection wakes a stream at once, with no poll to find it', async () => {
    // Polling every hour: only the database's signal can deliver these within the test.
    const wokenApi = await suite.service.startAnotherApi({
      wakeOnAppendsTo: suite.service.database,
      pollIntervalMs: 3_600_000,
    });
    const fay = listen(wokenApi, 'fay', tokens.fay as string);
    await fay.opened;
    const otherProcess = await openDatabase(suite.service.database);
    try {
      await setPresence(otherProcess, 'fay', 'away');
      await eventually(async () =>
        fay.received.some((event) => event.type === 'presence.changed' && event.data.status === 'away')
          ? true
          : undefined,
      );
      await setPresence(otherProcess, 'fay', 'available');
    } finally {
      await otherProcess.destroy();
    }
    const routingId = await startRouting();
    await eventually(async () => (ofRouting(fay.received, routingId).includes('offer.created') ? true : undefined));
    fay.source.close();
    await suite.admin.post(`/v1/routings/${routingId}/cancel`);
  });

  test('streams send heartbeats, and only the rep or an admin may listen', async () => {
    const response = await fetch(`${suite.service.baseUrl}/v1/reps/eli/events`, {
      headers: { authorization: `Bearer ${tokens.eli}` },
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const deadline = Date.now() + 5000;
    while (!text.includes(': heartbeat') && Date.now() < deadline) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    assert.ok(text.includes(': heartbeat'), text);
    await reader.cancel();

    const other = await fetch(`${suite.service.baseUrl}/v1/reps/fay/events`, {
      headers: { authorization: `Bearer ${tokens.eli}` },
    });
    assert.equal(other.status, 403);
    const badCursor = await suite.admin.request('GET', '/v1/reps/eli/events', undefined, {
      'last-event-id': 'yesterday',
    });
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error.details.issues[0].field, 'Last-Event-ID');
  });
});
