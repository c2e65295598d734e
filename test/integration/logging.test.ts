// Structured request logs carry the routing id, so one routing can be followed through the API's log.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { type ApiServer, createApiServer } from '../../api/api-server';
import { uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { startTestService, type TestService, testRateLimits } from '../support/service';

describe('request logs', () => {
  let service: TestService;
  let api: ApiServer;
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
    api = createApiServer({
      db: service.db,
      client: service.env.client,
      taskQueue: service.taskQueue,
      keys: service.keys,
      logger: pino({ level: 'info' }, sink),
      isReady: () => true,
      rateLimits: testRateLimits,
      events: { wakeOnAppendsTo: service.database },
    });
    const { port } = await api.listen(0, '127.0.0.1');
    http = new HttpClient(`http://127.0.0.1:${port}`, service.keys.experienceKey);
  });
  after(async () => {
    await api.close(0);
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
