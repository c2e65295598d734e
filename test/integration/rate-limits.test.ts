// Per-credential rate limits over HTTP: each credential (and each address without valid credentials) has its own
// count; past it the API answers 429 rate_limited with Retry-After and the RateLimit headers, and nobody else is
// affected. Windows are a minute long, far longer than the test, so no count resets while it runs.
import assert from 'node:assert/strict';
import http, { type IncomingMessage } from 'node:http';
import { before, describe, test } from 'node:test';
import type { RateLimits } from '../../api/rate-limits';
import { putReps } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

const limits: RateLimits = { windowSeconds: 60, experience: 3, rep: 3, admin: 12, unauthenticated: 3 };

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * A GET from a chosen loopback address (127.0.0.0/8 all reach the server), so a test can be several clients;
 * node's fetch cannot pick its source address.
 */
function get(baseUrl: string, path: string, options: { token?: string; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${baseUrl}${path}`,
      {
        localAddress: options.from ?? '127.0.0.1',
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        agent: false,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => {
          const json = String(response.headers['content-type']).startsWith('application/json');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: json ? JSON.parse(text) : text,
          });
        });
      },
    );
    request.on('error', reject);
  });
}

/** A refusal as the contract states it: 429, rate_limited, and when to retry. */
function assertLimited(answer: Answer) {
  assert.equal(answer.status, 429, JSON.stringify(answer.body));
  assert.equal(answer.body.error.code, 'rate_limited');
  assert.match(answer.body.error.message, /retry after \d+ seconds/);
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= limits.windowSeconds, 'Retry-After');
  assert.match(String(answer.headers['ratelimit-policy']), /q=\d+; w=60/);
  assert.match(String(answer.headers.ratelimit), /r=0; t=\d+/);
}

describe('rate limits', () => {
  const suite = useTestService({ rateLimits: limits });
  let tokens: { ann: string; annAgain: string; bob: string; cy: string };

  before(async () => {
    await putReps(suite.admin, ['ann', 'bob', 'cy']);
    const mint = async (repId: string) => (await suite.admin.post(`/v1/users/${repId}/tokens`)).body.token as string;
    tokens = { ann: await mint('ann'), annAgain: await mint('ann'), bob: await mint('bob'), cy: await mint('cy') };
  });

  test('the experience key is refused past its limit; reps and the admin are not', async () => {
    for (let i = 0; i < limits.experience; i++) {
      assert.equal(
        (await get(suite.service.baseUrl, '/v1/routings/none', { token: suite.service.keys.experienceKey })).status,
        404,
      );
    }
    assertLimited(await get(suite.service.baseUrl, '/v1/routings/none', { token: suite.service.keys.experienceKey }));
    assert.equal((await get(suite.service.baseUrl, '/v1/reps/ann/offers', { token: tokens.ann })).status, 200);
    assert.equal((await get(suite.service.baseUrl, '/v1/users', { token: suite.service.keys.adminKey })).status, 200);
  });

  test('a rep is counted across all their tokens; other reps are not affected', async () => {
    // ann used one request above; her second token shares her count.
    assert.equal((await get(suite.service.baseUrl, '/v1/reps/ann/offers', { token: tokens.annAgain })).status, 200);
    assert.equal((await get(suite.service.baseUrl, '/v1/users/ann', { token: tokens.ann })).status, 200);
    assertLimited(await get(suite.service.baseUrl, '/v1/reps/ann/offers', { token: tokens.annAgain }));
    assertLimited(await get(suite.service.baseUrl, '/v1/reps/ann/offers', { token: tokens.ann }));
    assert.equal((await get(suite.service.baseUrl, '/v1/reps/bob/offers', { token: tokens.bob })).status, 200);
  });

  test('an open event stream counts once, however long it stays open', async () => {
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      http
        .get(
          `${suite.service.baseUrl}/v1/reps/cy/events`,
          { headers: { authorization: `Bearer ${tokens.cy}` } },
          resolve,
        )
        .on('error', reject);
    });
    try {
      assert.equal(stream.statusCode, 200);
      // Heartbeats arrive every 200 ms (the test service's setting): wait for a few while the stream is open.
      await new Promise<void>((resolve) => {
        let heartbeats = 0;
        stream.on('data', (chunk) => {
          heartbeats += String(chunk).split(': heartbeat').length - 1;
          if (heartbeats >= 3) resolve();
        });
      });
      assert.equal((await get(suite.service.baseUrl, '/v1/reps/cy/offers', { token: tokens.cy })).status, 200);
      assert.equal((await get(suite.service.baseUrl, '/v1/users/cy', { token: tokens.cy })).status, 200);
      assertLimited(await get(suite.service.baseUrl, '/v1/reps/cy/offers', { token: tokens.cy }));
    } finally {
      stream.destroy();
    }
  });

  test('the admin key is refused past its limit; reps are not', async () => {
    let answer: Answer;
    let accepted = 0;
    for (;;) {
      answer = await get(suite.service.baseUrl, '/v1/users', { token: suite.service.keys.adminKey });
      if (answer.status !== 200) break;
      accepted++;
      assert.ok(accepted <= limits.admin, 'the admin key is never refused');
    }
    assertLimited(answer);
    assert.equal((await get(suite.service.baseUrl, '/v1/reps/bob/offers', { token: tokens.bob })).status, 200);
  });

  test('an address without valid credentials is refused, then not even a valid key is checked from it', async () => {
    // Everything above came from 127.0.0.1 with valid credentials: none of it counts against its address.
    assert.equal((await get(suite.service.baseUrl, '/v1/users')).status, 401);

    const guesser = '127.0.0.2';
    assert.equal((await get(suite.service.baseUrl, '/v1/users', { from: guesser })).status, 401);
    assert.equal((await get(suite.service.baseUrl, '/v1/users', { from: guesser, token: 'admin_guess' })).status, 401);
    assert.equal((await get(suite.service.baseUrl, '/v1/users', { from: guesser, token: 'rep_guess' })).status, 401);
    assertLimited(await get(suite.service.baseUrl, '/v1/users', { from: guesser, token: 'rep_guess_again' }));
    // Had the right key been guessed now, it would not be found out: it gets the same 429.
    assertLimited(await get(suite.service.baseUrl, '/v1/reps/bob/offers', { from: guesser, token: tokens.bob }));

    // Other addresses, and credentials used from them, carry on.
    assert.equal((await get(suite.service.baseUrl, '/v1/reps/bob/offers', { token: tokens.bob })).status, 200);
    assert.equal((await get(suite.service.baseUrl, '/v1/users', { from: '127.0.0.3' })).status, 401);
  });

  test('health, metrics, the contract and the console are never limited', async () => {
    for (const path of ['/healthz', '/metrics', '/openapi.json', '/']) {
      for (let i = 0; i <= limits.unauthenticated; i++) {
        assert.equal((await get(suite.service.baseUrl, path)).status, 200, path);
      }
    }
  });
});
