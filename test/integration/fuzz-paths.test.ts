// Property: whatever a client puts in the path, the query or the headers of any operation, with or without
// credentials, the answer is a 4xx in the error shape (never a 5xx), and the process is alive and healthy after.
// Requests go out on raw sockets, so that what a browser or fetch() would refuse or normalise (a lone `%`, `..`,
// bytes that are not UTF-8) reaches the server as sent.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { before, describe, test } from 'node:test';
import { createRule, putReps } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

interface RawResponse {
  status: number;
  body: string;
}

/** One request exactly as given: the path is not encoded, normalised or checked on the way out. */
function send(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ hostname, port, method, path, headers, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Bytes straight onto the socket, for request lines no HTTP client will write (raw UTF-8 and control bytes). */
function sendBytes(baseUrl: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text)); // the request says `connection: close`
    socket.on('error', reject);
  });
}

/** Path segments that are malformed, overlong or odd: percent-escapes that decode to nothing valid, and more. */
const hostileIds = [
  '%',
  '%%',
  '%2',
  '%ZZ',
  '%E0%A4%A', // truncated UTF-8 sequence
  '%C0%AF', // overlong encoding of '/'
  '%ED%A0%80', // a UTF-16 surrogate, encoded as UTF-8
  '%FF%FE',
  '%00',
  'a%00b',
  '%2e%2e',
  'a%2Fb',
  '..',
  '.',
  '%20',
  '%E2%80%AE', // right-to-left override
  'e%CC%81%CC%81%CC%81', // combining marks
  '%F0%9F%98%80'.repeat(300), // 300 emoji
  'a'.repeat(200), // the longest id a caller may choose
  'a'.repeat(201),
  'a'.repeat(20_000), // overlong: Node accepts request heads up to 16 KiB by default, so this may be refused early
  '@:-_.',
];

/** Query values for every query parameter the API reads. */
const hostileQueries = ['', '%', '%E0%A4%A', '-1', '1e309', 'NaN', '0x10', '9'.repeat(400), 'a%00'];

/** Header values, each sent once with every credential. */
const hostileHeaders: Record<string, string>[] = [
  { 'last-event-id': '%' },
  { 'last-event-id': '' },
  { 'last-event-id': '-1' },
  { 'last-event-id': '9'.repeat(400) },
  { 'content-type': 'application/json; charset=utf-99' },
  { 'content-type': '%' },
  { 'content-type': 'multipart/form-data; boundary=' },
  { accept: '*/*;q=x' },
  { 'if-none-match': '%' },
  { 'x-forwarded-for': '%, 999.999.999.999, ::ffff:zz' },
  { 'accept-encoding': 'gzip;q=%' },
];

describe('fuzzed paths, queries and headers', () => {
  const suite = useTestService();
  let credentials: Record<string, string | undefined>;
  /** Every operation of the API, from its own contract, so that a new route is covered the day it is added. */
  let operations: { method: string; path: string }[];

  before(async () => {
    await putReps(suite.admin, ['fuzz-path-rep']);
    await createRule(suite.admin, { name: 'fuzz', routeTo: { users: ['fuzz-path-rep'] }, offerTimeoutSeconds: 30 });
    const repToken = (await suite.admin.post('/v1/users/fuzz-path-rep/tokens')).body.token as string;
    credentials = {
      none: undefined,
      wrong: 'Bearer %',
      admin: `Bearer ${suite.service.keys.adminKey}`,
      experience: `Bearer ${suite.service.keys.experienceKey}`,
      rep: `Bearer ${repToken}`,
    };
    const document = (await suite.admin.get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => ['get', 'put', 'post', 'delete', 'patch'].includes(method))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
    assert.ok(operations.length > 20, `the contract lists ${operations.length} operations`);
  });

  /** Sends, and checks that the answer is not a server error and that refusals use the error shape. */
  async function expectRefusedCleanly(method: string, path: string, headers: Record<string, string>) {
    const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
    const sent = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
    const response = await send(suite.service.baseUrl, method, path, sent, body);
    const what = `${method} ${path.slice(0, 120)} ${JSON.stringify(headers).slice(0, 120)}`;
    assert.ok(response.status >= 200 && response.status < 500, `${what} → ${response.status} ${response.body}`);
    // Node's own parser answers a request head over 16 KiB with a bare 431 before the app sees it.
    if (response.status >= 400 && response.status !== 431) {
      let code: unknown;
      try {
        code = JSON.parse(response.body)?.error?.code;
      } catch {}
      assert.equal(typeof code, 'string', `${what} → ${response.status} ${response.body}`);
    }
  }

  test('hostile path segments on every operation, with every credential', async () => {
    for (const { method, path } of operations) {
      for (const id of hostileIds) {
        const target = path.replace(/\{[^}]+\}/g, id);
        if (target === path) continue; // no path parameter: covered by the query and header tests
        for (const credential of Object.values(credentials)) {
          await expectRefusedCleanly(method, target, credential ? { authorization: credential } : {});
        }
      }
    }
    await expectHealthy();
  });

  test('hostile query strings and headers on every operation, with every credential', async () => {
    for (const { method, path } of operations) {
      // A path parameter that names nothing: the request is refused, after its query and headers are read.
      const target = path.replace(/\{[^}]+\}/g, 'nobody-here');
      if (target.includes('/events')) continue; // a stream for an unknown rep is refused; a known one never ends
      for (const value of hostileQueries) {
        for (const name of ['waitSeconds', 'version', 'lastEventId', 'limit', value]) {
          await expectRefusedCleanly(method, `${target}?${name}=${value}`, { authorization: credentials.admin ?? '' });
        }
      }
      for (const headers of hostileHeaders) {
        for (const credential of Object.values(credentials)) {
          await expectRefusedCleanly(method, target, credential ? { ...headers, authorization: credential } : headers);
        }
      }
    }
    await expectHealthy();
  });

  test('request lines that no client library writes', async () => {
    const lines = [
      Buffer.concat([Buffer.from('GET /v1/routings/'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(' HTTP/1.1\r\n')]),
      Buffer.from('GET /v1/users/\u00e9t\u00e9 HTTP/1.1\r\n', 'utf8'),
      Buffer.from('GET /v1/routings/%?%=%&waitSeconds=% HTTP/1.1\r\n'),
      Buffer.from('GET http://evil.test/v1/routings/x HTTP/1.1\r\n'),
      Buffer.from('GET * HTTP/1.1\r\n'),
      Buffer.from('PURGE /v1/users HTTP/1.1\r\n'),
      // Conflicting framing, the stuff of request smuggling: Node's parser refuses it before the app sees it.
      Buffer.from('POST /v1/routings HTTP/1.1\r\ncontent-length: 5\r\ntransfer-encoding: chunked, identity\r\n'),
    ];
    for (const line of lines) {
      const head = Buffer.concat([line, Buffer.from('host: x\r\nconnection: close\r\n\r\n')]);
      const answer = await sendBytes(suite.service.baseUrl, head);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
      assert.ok(status >= 400 && status < 500, `${JSON.stringify(line.toString('latin1'))} → ${answer.slice(0, 200)}`);
    }
    await expectHealthy();
  });

  /** The process is still here, healthy, and still routes: nothing sent above broke it or its state. */
  async function expectHealthy() {
    assert.equal((await suite.admin.get('/healthz')).status, 200);
    assert.equal((await suite.admin.get('/v1/users/fuzz-path-rep')).status, 200);
    const experience = suite.admin.withToken(suite.service.keys.experienceKey);
    const started = await experience.post('/v1/routings', { type: 'inbound', visitor: { id: 'fuzz-path-visitor' } });
    assert.equal(started.status, 202, JSON.stringify(started.body));
  }
});
