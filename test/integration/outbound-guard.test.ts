// The outbound guard on its own, as webhook deliveries and the CRM connectors use it: undici's fetch through the
// guarded dispatcher, over real loopback sockets. Internal destinations are refused before any connection is made;
// failures are summed up generically.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { fetch } from 'undici';
import { outboundPolicy } from '../../outbound/destination-policy';
import { outboundFailure } from '../../outbound/failure-summary';
import { guardedDispatcher } from '../../outbound/guarded-dispatcher';

/** What a failed fetch is summed up as (or the status it got). */
async function outcome(url: string, allowances: string[], timeoutMs = 5000): Promise<string | number> {
  const dispatcher = guardedDispatcher(outboundPolicy(allowances));
  try {
    const response = await fetch(url, { dispatcher, signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return outboundFailure(error);
  } finally {
    await dispatcher.destroy();
  }
}

describe('outbound guard', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  /** Requests to /silent are never answered. */
  const silent: (() => void)[] = [];

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/silent') silent.push(() => res.end());
      else res.writeHead(204).end();
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const answer of silent) answer();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('internal destinations are refused before connecting, by address or by name', async () => {
    const before = connections;
    assert.equal(await outcome(`http://127.0.0.1:${port}/`, []), 'destination not allowed');
    assert.equal(await outcome(`http://localhost:${port}/`, []), 'destination not allowed');
    assert.equal(await outcome(`http://[::ffff:127.0.0.1]:${port}/`, []), 'destination not allowed');
    assert.equal(await outcome(`http://localhost:${port}/`, ['10.0.0.0/8']), 'destination not allowed');
    assert.equal(connections, before, 'no connection was made');
  });

  test('allowed by address, CIDR range or name, they are reached', async () => {
    assert.equal(await outcome(`http://127.0.0.1:${port}/`, ['127.0.0.1']), 204);
    assert.equal(await outcome(`http://127.0.0.1:${port}/`, ['127.0.0.0/8']), 204);
    assert.equal(await outcome(`http://localhost:${port}/`, ['localhost']), 204);
  });

  test('failures are summed up generically', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    assert.equal(await outcome(`http://127.0.0.1:${closedPort}/`, ['127.0.0.1']), 'connection refused');
    // TLS spoken to a plain HTTP server.
    assert.equal(await outcome(`https://127.0.0.1:${port}/`, ['127.0.0.1']), 'TLS error');
    assert.equal(await outcome(`http://127.0.0.1:${port}/silent`, ['127.0.0.1'], 200), 'timed out');
  });
});
