// Structured request logs carry the routing id, so one routing can be followed through the API's log.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { createApp } from '../../api/app';
import { RepEventHub } from '../../api/rep-event-hub';
import { RoutingGateway } from '../../api/routing-gateway';
import { uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService, testRateLimits } from '../support/service';

describe('request logs', () => {
  let service: TestService;
  let server: Server;
  let events: RepEventHub;
  let http: HttpClient;
  const lines: Record<string, unknown>[] = [];

  before(async () => {
    service = await startTestService();
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    events = new RepEventHub(service.db, { wakeOnAppendsTo: service.database });
    const app = createApp({
      db: service.db,
      keys: service.keys,
      events,
      logger: pino({ level: 'info' }, sink),
      routings: new RoutingGateway(service.env.client, service.taskQueue),
      isReady: () => true,
      rateLimits: testRateLimits,
    });
    server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    http = new HttpClient(
      `http://127.0.0.1:${(server.address() as { port: number }).port}`,
      service.keys.experienceKey,
    );
  });
  after(async () => {
    events.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await service.stop();
  });

  test('each request is one JSON line with method, status, duration, caller and routing id', async () => {
    const routingId = uniqueRoutingId('logged');
    assert.equal((await http.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v' } })).status, 202);
    assert.equal((await http.get(`/v1/routings/${routingId}?waitSeconds=10`)).status, 200);
    const forRouting = lines.filter((line) => line.routingId === routingId);
    assert.deepEqual(
      forRouting.map((line) => `${line.method} ${line.status}`),
      ['POST 202', 'GET 200'],
    );
    for (const line of forRouting) {
      assert.equal(line.msg, 'request');
      assert.equal(typeof line.ms, 'number');
      assert.deepEqual(line.caller, { kind: 'experience' });
    }
  });
});
