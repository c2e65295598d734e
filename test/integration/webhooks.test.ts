// Webhooks: admins register endpoints for the events they want; every delivery is signed (Standard Webhooks),
// retried with backoff by Temporal until the endpoint answers 2xx (or attempts run out), and its attempts are
// visible through the API. Deliveries never reach the inside network unless OUTBOUND_ALLOWED_HOSTS allows it (the
// test service allows 127.0.0.1, where the receiver listens).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { createWebhookEndpoint, recordWebhookDeliveries } from '../../store/webhooks';
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

/** The Standard Webhooks headers of a received request, as a receiver hands them to `Webhook.verify`. */
function signatureHeaders(request: Received): Record<string, string> {
  const header = (name: string) => {
    const value = request.headers[name];
    assert.equal(typeof value, 'string', `${name} header`);
    return value as string;
  };
  return {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  };
}

/** Whether `secret` verifies the request, by the standardwebhooks package's own `verify`. */
function verifies(secret: string, request: Received): boolean {
  try {
    new Webhook(secret).verify(request.body, signatureHeaders(request));
    return true;
  } catch (error) {
    if (error instanceof WebhookVerificationError) return false;
    throw error;
  }
}

async function listDeliveries(client: HttpClient, endpointId: string) {
  return (await client.get(`/v1/webhooks/${endpointId}/deliveries`)).body.deliveries as {
    eventType: string;
    status: string;
    attempts: { attempt: number; statusCode: number | null; attemptedAt: string; error: string | null }[];
  }[];
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
  const deliveries = (endpointId: string, client = http) => listDeliveries(client, endpointId);

  test('invalid registrations are refused, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.com/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'not a url', events: ['offer.created'] }, 'url'],
      [{ url: 'https://example.com/hook', events: [] }, 'events'],
      [{ url: 'https://example.com/hook', events: ['offer.eaten'] }, 'events.0'],
      [{ url: 'https://example.com/hook', events: ['offer.created'], colour: 'red' }, 'colour'],
      // Internal addresses, written literally: only 127.0.0.1 itself is allowed here.
      [{ url: 'http://127.0.0.2:8080/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'http://[::1]:8080/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'http://[::ffff:127.0.0.2]/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'http://10.1.2.3/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'https://192.168.0.10/hook', events: ['offer.created'] }, 'url'],
      [{ url: 'http://169.254.169.254/latest/meta-data/', events: ['offer.created'] }, 'url'],
      [{ url: 'http://[fd00:ec2::254]/latest/meta-data/', events: ['offer.created'] }, 'url'],
      [{ url: 'http://100.100.100.200/', events: ['offer.created'] }, 'url'],
      [{ url: 'http://0.0.0.0:8080/', events: ['offer.created'] }, 'url'],
      [{ url: 'http://2130706434/hook', events: ['offer.created'] }, 'url'], // 127.0.0.2 spelt as a number
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

    // Each delivery is a Standard Webhooks message: the package's own `verify` accepts it with the endpoint's secret
    // (which also checks the timestamp is recent), and refuses it with another secret or another body.
    const other = `whsec_${randomBytes(24).toString('base64')}`;
    for (const [path, endpoint] of [
      ['/all', all],
      ['/finished', finishedOnly],
    ] as const) {
      for (const request of ofRouting(path)) {
        assert.match(endpoint.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
        const headers = signatureHeaders(request);
        assert.match(headers['webhook-signature'] as string, /^v1,[A-Za-z0-9+/]{43}=$/, 'one signature');
        assert.match(headers['webhook-timestamp'] as string, /^\d+$/);
        assert.equal(headers['webhook-id'], request.event.id);
        assert.deepEqual(new Webhook(endpoint.secret).verify(request.body, headers), request.event);
        assert.ok(!verifies(other, request));
        assert.ok(!verifies(endpoint.secret, { ...request, body: `${request.body} ` }));
        assert.equal(request.headers['routing-signature'], undefined, 'the former scheme is gone');
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
    const inside = await http.put(`/v1/webhooks/${created.id}`, {
      url: 'http://169.254.169.254/latest/meta-data/',
      events: ['routing.finished'],
    });
    assert.equal(inside.status, 400);
    assert.deepEqual(
      inside.body.error.details.issues.map((issue: { field: string }) => issue.field),
      ['url'],
    );
    assert.equal((await http.delete(`/v1/webhooks/${created.id}`)).status, 204);
    assert.equal((await http.get(`/v1/webhooks/${created.id}`)).status, 404);
    assert.equal(
      (await http.put(`/v1/webhooks/${created.id}`, { url: 'https://x.test', events: ['routing.finished'] })).status,
      404,
    );
  });

  test('a rotated secret keeps signing next to the new one for the overlap, then only the new one signs', async () => {
    const endpoint = await register('/rotation', ['presence.changed']);
    const input = { url: `${receiver.url}/rotation`, events: ['presence.changed'] };
    const rotated = await http.put(`/v1/webhooks/${endpoint.id}`, { ...input, rotateSecret: true });
    assert.equal(rotated.status, 200);
    const [oldSecret, newSecret] = [endpoint.secret, rotated.body.secret as string];
    assert.notEqual(newSecret, oldSecret);
    // The default overlap is 24 hours.
    const overlapHours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    assert.ok(overlapHours > 23.9 && overlapHours <= 24, `${overlapHours}`);

    const presenceChange = async (status: string) => {
      const before = receiver.received.filter((r) => r.path === '/rotation').length;
      assert.equal((await http.put('/v1/users/wyn/presence', { status })).status, 200);
      return eventually(async () => receiver.received.filter((r) => r.path === '/rotation')[before]);
    };
    const during = await presenceChange('away');
    assert.equal(signatureHeaders(during)['webhook-signature']?.split(' ').length, 2, 'both signatures');
    assert.ok(verifies(newSecret, during), 'a receiver with the new secret verifies it');
    assert.ok(verifies(oldSecret, during), 'a receiver still holding the old secret verifies it');

    // As if the 24 hours had passed.
    await service.db
      .updateTable('webhook_endpoints')
      .set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', endpoint.id)
      .execute();
    assert.equal((await http.get(`/v1/webhooks/${endpoint.id}`)).body.previousSecretExpiresAt, undefined);
    const afterwards = await presenceChange('available');
    assert.equal(signatureHeaders(afterwards)['webhook-signature']?.split(' ').length, 1, 'the new one only');
    assert.ok(verifies(newSecret, afterwards));
    assert.ok(!verifies(oldSecret, afterwards));

    // A leaked secret is retired at once.
    const retired = await http.put(`/v1/webhooks/${endpoint.id}`, {
      ...input,
      rotateSecret: true,
      previousSecretValidHours: 0,
    });
    assert.equal(retired.body.previousSecretExpiresAt, undefined);
    const leaked = await presenceChange('away');
    assert.ok(verifies(retired.body.secret, leaked));
    assert.ok(!verifies(newSecret, leaked));
    await http.put('/v1/users/wyn/presence', { status: 'available' });
    await http.delete(`/v1/webhooks/${endpoint.id}`);
  });

  test('a failed connection is recorded as a generic reason, not the socket error', async () => {
    // A port nothing listens on: the receiver's, once closed.
    const gone = await startReceiver(() => 204);
    await gone.close();
    const { status, body } = await http.post('/v1/webhooks', { url: `${gone.url}/hook`, events: ['presence.changed'] });
    assert.equal(status, 201);
    await http.put('/v1/users/wes/presence', { status: 'away' });
    const attempt = await eventually(async () => (await deliveries(body.id))[0]?.attempts[0]);
    assert.deepEqual([attempt?.statusCode, attempt?.error], [null, 'connection refused']);
    await http.delete(`/v1/webhooks/${body.id}`);
    await http.put('/v1/users/wes/presence', { status: 'available' });
  });
});

describe('webhooks without OUTBOUND_ALLOWED_HOSTS', () => {
  let service: TestService;
  let http: HttpClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    service = await startTestService({ outboundAllowedHosts: [] });
    http = new HttpClient(service.baseUrl, service.keys.adminKey);
    receiver = await startReceiver(() => 204);
    await putReps(http, ['sol']);
  });
  after(async () => {
    await service.stop();
    await receiver.close();
  });

  /** Changes sol's presence and waits for the endpoint's delivery of it to end. */
  async function deliveryToEnd(endpointId: string) {
    assert.equal((await http.put('/v1/users/sol/presence', { status: 'away' })).status, 200);
    const [delivery] = await eventually(async () => {
      const list = await listDeliveries(http, endpointId);
      return list[0]?.status === 'pending' ? undefined : list;
    });
    await http.put('/v1/users/sol/presence', { status: 'available' });
    return delivery;
  }

  test('a URL with a loopback address is refused at registration', async () => {
    const response = await http.post('/v1/webhooks', { url: `${receiver.url}/hook`, events: ['presence.changed'] });
    assert.equal(response.status, 400);
    assert.match(response.body.error.message, /^url: .*127\.0\.0\.1: loopback address.*OUTBOUND_ALLOWED_HOSTS/);
  });

  test('a delivery to localhost is refused when connecting, after DNS, and recorded generically', async () => {
    const port = new URL(receiver.url).port;
    const { status, body } = await http.post('/v1/webhooks', {
      url: `http://localhost:${port}/by-name`,
      events: ['presence.changed'],
    });
    assert.equal(status, 201, 'a host name can only be judged once resolved');
    const delivery = await deliveryToEnd(body.id);
    // Not retried: it would be refused again.
    assert.equal(delivery?.status, 'failed');
    assert.deepEqual(
      delivery?.attempts.map((a) => [a.statusCode, a.error]),
      [[null, 'destination not allowed']],
    );
    assert.equal(receiver.received.length, 0);
    await http.delete(`/v1/webhooks/${body.id}`);
  });

  test('a delivery to 127.0.0.1 is refused once the allowance is gone', async () => {
    // Registered while 127.0.0.1 was allowed (the API now refuses it), then the operator removed the allowance.
    const endpoint = await createWebhookEndpoint(service.db, {
      url: `${receiver.url}/literal`,
      events: ['presence.changed'],
      enabled: true,
    });
    const delivery = await deliveryToEnd(endpoint.id);
    assert.equal(delivery?.status, 'failed');
    assert.deepEqual(
      delivery?.attempts.map((a) => [a.statusCode, a.error]),
      [[null, 'destination not allowed']],
    );
    assert.equal(receiver.received.length, 0);
    await http.delete(`/v1/webhooks/${endpoint.id}`);
  });
});
