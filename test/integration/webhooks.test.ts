// Webhooks: admins register endpoints for the events they want; every delivery is signed, retried with backoff by
// Temporal until the endpoint answers 2xx (or attempts run out), and its attempts are visible through the API.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../../activities/webhook-signature';
import { recordWebhookDeliveries } from '../../store/webhooks';
import { createRule, eventually, putReps, uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService, testWebhookRetry } from '../support/service';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
}

/** A receiving endpoint: records every request; `answer` picks the status per path and attempt. */
async function startReceiver(answer: (path: string, nth: number) => number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, event: JSON.parse(body) });
      res.writeHead(answer(path, received.filter((r) => r.path === path).length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('webhooks', () => {
  let service: TestService;
  let http: HttpClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    service = await startTestService();
    http = new HttpClient(service.baseUrl, service.keys.adminKey);
    // /flaky fails twice before it succeeds; /down always fails; everything else succeeds.
    receiver = await startReceiver((path, nth) => (path === '/down' ? 500 : path === '/flaky' && nth <= 2 ? 503 : 204));
    await putReps(http, ['wes', 'wyn']);
    await createRule(http, { name: 'webhooks', routeTo: { users: ['wes', 'wyn'] }, offerTimeoutSeconds: 60 });
    await createRule(http, {
      name: 'quick timeout',
      position: 0,
      criteria: { all: [{ field: 'country', op: 'equals', value: 'timeout' }] },
      routeTo: { users: ['wes'] },
      offerTimeoutSeconds: 0.3,
    });
  });
  after(async () => {
    await service.stop();
    await receiver.close();
  });

  const register = async (path: string, events: string[], extra: Record<string, unknown> = {}) => {
    const { status, body } = await http.post('/v1/webhooks', { url: `${receiver.url}${path}`, events, ...extra });
    assert.equal(status, 201, JSON.stringify(body));
    return body as { id: string; secret: string };
  };
  const deliveries = async (endpointId: string) =>
    (await http.get(`/v1/webhooks/${endpointId}/deliveries`)).body.deliveries as {
      eventType: string;
      status: string;
      attempts: { attempt: number; statusCode: number | null; attemptedAt: string }[];
    }[];

  test('invalid registrations are refused, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.com/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'not a url', events: ['offer.created'] }, 'url'],
      [{ url: 'https://example.com/hook', events: [] }, 'events'],
      [{ url: 'https://example.com/hook', events: ['offer.eaten'] }, 'events.0'],
      [{ url: 'https://example.com/hook', events: ['offer.created'], colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const response = await http.post('/v1/webhooks', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(
        response.body.error.details.issues.some((issue: { field: string }) => issue.field === field),
        `${JSON.stringify(response.body)} should name ${field}`,
      );
    }
    const rep = new HttpClient(service.baseUrl, service.keys.experienceKey);
    assert.equal(
      (await rep.post('/v1/webhooks', { url: 'https://example.com', events: ['offer.created'] })).status,
      403,
    );
    assert.equal((await http.get('/v1/webhooks/wh_missing/deliveries')).status, 404);
  });

  test('a routing’s events arrive signed, once each, only at endpoints subscribed to them', async () => {
    const all = await register('/all', ['offer.created', 'offer.withdrawn', 'routing.connected', 'routing.finished']);
    const finishedOnly = await register('/finished', ['routing.finished']);
    const disabled = await register('/disabled', ['routing.finished'], { enabled: false });

    const routingId = uniqueRoutingId('wh');
    await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: `v-${routingId}` } });
    const ofRouting = (path: string) =>
      receiver.received.filter((r) => r.path === path && r.event.data.routingId === routingId);
    await eventually(async () => (ofRouting('/all').length === 2 ? true : undefined));
    assert.equal((await http.accept(routingId, 'wes')).status, 200);
    await eventually(async () =>
      ofRouting('/all').length === 5 && ofRouting('/finished').length === 1 ? true : undefined,
    );

    const kinds = ofRouting('/all').map(
      (r) => `${r.event.type}:${r.event.type === 'routing.finished' ? r.event.data.status : r.event.data.repId}`,
    );
    assert.deepEqual(kinds.slice(0, 2).sort(), ['offer.created:wes', 'offer.created:wyn']);
    assert.deepEqual(kinds.slice(2).sort(), [
      'offer.withdrawn:wyn',
      'routing.connected:wes',
      'routing.finished:connected',
    ]);
    const finished = ofRouting('/finished')[0]?.event;
    assert.equal(finished?.data.status, 'connected');
    assert.equal(finished?.data.repId, 'wes');
    assert.equal(ofRouting('/disabled').length, 0);

    // Each delivery: HMAC-SHA256 over "<t>.<raw body>" with the endpoint's secret, recomputed here independently.
    const now = Math.floor(Date.now() / 1000);
    for (const [path, endpoint] of [
      ['/all', all],
      ['/finished', finishedOnly],
    ] as const) {
      for (const request of ofRouting(path)) {
        const header = request.headers['routing-signature'] as string;
        const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
        assert.ok(t && v1, header);
        assert.equal(v1, createHmac('sha256', endpoint.secret).update(`${t}.${request.body}`).digest('hex'));
        assert.ok(Math.abs(now - Number(t)) < 120);
        assert.ok(verifyWebhook(endpoint.secret, header, request.body, now));
        assert.ok(!verifyWebhook(`${endpoint.secret}x`, header, request.body, now));
        assert.ok(!verifyWebhook(endpoint.secret, header, `${request.body} `, now));
        assert.equal(request.headers['webhook-id'], request.event.id);
        assert.equal(request.headers['content-type'], 'application/json');
      }
    }
    // The receiver has answered; each attempt is recorded just after its answer arrives.
    const seen = await eventually(async () => {
      const succeeded = (await deliveries(all.id)).filter((d) => d.status === 'succeeded');
      return succeeded.length === 5 ? succeeded : undefined;
    });
    for (const delivery of seen)
      assert.deepEqual(
        delivery.attempts.map((a) => a.statusCode),
        [204],
      );
    assert.deepEqual(await deliveries(disabled.id), []);
    for (const endpoint of [all, finishedOnly, disabled]) await http.delete(`/v1/webhooks/${endpoint.id}`);
  });

  test('an offer that times out and the meeting booker outcome are delivered too', async () => {
    const endpoint = await register('/timeouts', ['offer.withdrawn', 'routing.finished']);
    const routingId = uniqueRoutingId('wh-timeout');
    await http.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, country: 'timeout' },
    });
    const ofRouting = () =>
      receiver.received.filter((r) => r.path === '/timeouts' && r.event.data.routingId === routingId);
    await eventually(async () => (ofRouting().length === 2 ? true : undefined));
    const events = ofRouting().map((r) => r.event);
    assert.deepEqual(
      // Each delivery is its own workflow: they may arrive in either order.
      events.map((event) => [event.type, event.data.result ?? event.data.status]).sort(),
      [
        ['offer.withdrawn', 'timed_out'],
        ['routing.finished', 'meeting_booker'],
      ],
    );
    await http.delete(`/v1/webhooks/${endpoint.id}`);
  });

  test('a failing endpoint is retried with backoff until it answers, and the attempts are visible', async () => {
    const flaky = await register('/flaky', ['presence.changed']);
    assert.equal((await http.put('/v1/users/wyn/presence', { status: 'away' })).status, 200);
    const [delivery] = await eventually(async () => {
      const list = await deliveries(flaky.id);
      return list[0]?.status === 'succeeded' ? list : undefined;
    });
    assert.deepEqual(
      delivery?.attempts.map((a) => [a.attempt, a.statusCode]),
      [
        [1, 503],
        [2, 503],
        [3, 204],
      ],
    );
    // Temporal waits at least the initial interval, then longer, between attempts.
    const at = delivery?.attempts.map((a) => Date.parse(a.attemptedAt)) ?? [];
    assert.ok((at[1] as number) - (at[0] as number) >= testWebhookRetry.initialIntervalMs);
    assert.ok((at[2] as number) - (at[1] as number) >= testWebhookRetry.initialIntervalMs * 2);
    const requests = receiver.received.filter((r) => r.path === '/flaky');
    assert.equal(requests.length, 3);
    assert.equal(new Set(requests.map((r) => r.event.id)).size, 1, 'every attempt carries the same event id');
    assert.deepEqual(requests[0]?.event.data, { repId: 'wyn', status: 'away' });
    await http.put('/v1/users/wyn/presence', { status: 'available' });
    await http.delete(`/v1/webhooks/${flaky.id}`);
  });

  test('when the attempts run out the delivery is failed, with every attempt listed', async () => {
    const down = await register('/down', ['presence.changed']);
    await http.put('/v1/users/wes/presence', { status: 'away' });
    const [delivery] = await eventually(async () => {
      const list = await deliveries(down.id);
      return list[0]?.status === 'failed' ? list : undefined;
    }, 30_000);
    assert.deepEqual(
      delivery?.attempts.map((a) => a.statusCode),
      Array(testWebhookRetry.maximumAttempts).fill(500),
    );
    await http.put('/v1/users/wes/presence', { status: 'available' });
    await http.delete(`/v1/webhooks/${down.id}`);
  });

  test('a delivery recorded by a process that stopped before starting it is sent when a worker starts', async () => {
    const orphans = await register('/orphan', ['presence.changed']);
    // As if the API process died between its commit and starting the delivery's workflow.
    await service.db
      .transaction()
      .execute((tx) =>
        recordWebhookDeliveries(tx, [{ type: 'presence.changed', data: { repId: 'wes', status: 'offline' } }]),
      );
    assert.equal((await deliveries(orphans.id))[0]?.status, 'pending');
    await service.restartWorker();
    await eventually(async () => ((await deliveries(orphans.id))[0]?.status === 'succeeded' ? true : undefined));
    assert.equal(receiver.received.filter((r) => r.path === '/orphan').length, 1);
    await http.delete(`/v1/webhooks/${orphans.id}`);
  });

  test('endpoints can be read, replaced with a rotated secret, and deleted', async () => {
    const created = await register('/crud', ['routing.finished'], { description: 'CRM sync' });
    const read = await http.get(`/v1/webhooks/${created.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.description, 'CRM sync');
    assert.match(read.body.secret, /^whsec_/);
    const replaced = await http.put(`/v1/webhooks/${created.id}`, {
      url: `${receiver.url}/crud2`,
      events: ['routing.finished', 'routing.connected'],
      rotateSecret: true,
    });
    assert.equal(replaced.status, 200);
    assert.notEqual(replaced.body.secret, created.secret);
    assert.deepEqual(replaced.body.events, ['routing.finished', 'routing.connected']);
    assert.ok((await http.get('/v1/webhooks')).body.endpoints.some((e: { id: string }) => e.id === created.id));
    assert.equal((await http.delete(`/v1/webhooks/${created.id}`)).status, 204);
    assert.equal((await http.get(`/v1/webhooks/${created.id}`)).status, 404);
    assert.equal(
      (await http.put(`/v1/webhooks/${created.id}`, { url: 'https://x.test', events: ['routing.finished'] })).status,
      404,
    );
  });
});
