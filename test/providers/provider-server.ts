// What the local Outreach and Salesloft servers share: an HTTP server on 127.0.0.1, OAuth 2.0's authorize redirect
// and token endpoint (authorization code and refresh token grants, access tokens that can be expired on demand), a
// 429 with Retry-After on request, and a log of the API calls with their time, for tests to assert on.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoggedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
  at: number;
  /** Records the answer carried (API calls). */
  records: number;
}

export interface ProviderServerOptions {
  /** The API's path prefix, e.g. `/api/v2` (Outreach) or `/v2` (Salesloft). */
  apiPrefix: string;
  /** The provider's body for a 401 and for a 429 (from the fixtures). */
  unauthorizedBody: unknown;
  rateLimitedBody: unknown;
  contentType: string;
  /** Answers an authenticated API GET under the prefix with a document and its record count; `undefined` for 404. */
  answer(resource: string, query: URLSearchParams, baseUrl: string): { body: unknown; records: number } | undefined;
}

const token = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export class ProviderServer {
  readonly calls: LoggedCall[] = [];
  /** Access tokens the API accepts now. */
  readonly #validTokens = new Set<string>();
  #refreshToken = token('refresh');
  #codes = new Set<string>();
  /** 429s still to answer, and the Retry-After they carry. */
  #rateLimited: { remaining: number; retryAfterSeconds: number } = { remaining: 0, retryAfterSeconds: 0 };
  /** After this many more successful API calls, every access token expires (a token expiring mid-sync). */
  #expireAfter: number | undefined;
  #server: Server | undefined;
  baseUrl = '';
  refreshes = 0;

  constructor(private readonly options: ProviderServerOptions) {}

  get apiBaseUrl(): string {
    return `${this.baseUrl}${this.options.apiPrefix}`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/oauth/token`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()));
  }

  /** Tokens as a completed authorization would have granted them, for a connection made without the redirect. */
  grant(): { accessToken: string; refreshToken: string } {
    const accessToken = token('access');
    this.#validTokens.add(accessToken);
    return { accessToken, refreshToken: this.#refreshToken };
  }

  /** The grant is revoked: the refresh token is refused from now on, and so are the access tokens. */
  revoke(): void {
    this.#refreshToken = token('revoked');
    this.#validTokens.clear();
  }

  /** The next `count` API calls answer 429 with `Retry-After: seconds`. */
  rateLimitNext(count: number, retryAfterSeconds: number): void {
    this.#rateLimited = { remaining: count, retryAfterSeconds };
  }

  /** Every access token issued so far expires after `calls` more successful API calls. */
  expireTokensAfter(calls: number): void {
    this.#expireAfter = calls;
  }

  apiCalls(resource?: string): LoggedCall[] {
    return this.calls.filter(
      (call) => call.path.startsWith(this.options.apiPrefix) && (!resource || call.path.endsWith(`/${resource}`)),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const log = (status: number, records = 0) =>
      this.calls.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        status,
        at: Date.now(),
        records,
      });
    if (req.method === 'GET' && url.pathname === '/oauth/authorize') {
      // The admin "grants" at once: back to the redirect URI with a code and the state.
      const code = token('code');
      this.#codes.add(code);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      log(302);
      res.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/oauth/token') {
      const form = await formOf(req);
      const grant = form.get('grant_type');
      const ok =
        (grant === 'authorization_code' && this.#codes.delete(form.get('code') ?? '')) ||
        (grant === 'refresh_token' && form.get('refresh_token') === this.#refreshToken);
      if (!ok) {
        log(400);
        send(res, 400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid' });
        return;
      }
      if (grant === 'refresh_token') this.refreshes++;
      const accessToken = token('access');
      this.#validTokens.add(accessToken);
      this.#refreshToken = token('refresh'); // both providers rotate the refresh token
      log(200);
      send(res, 200, {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: 7200,
        refresh_token: this.#refreshToken,
        scope: form.get('scope') ?? '',
        created_at: Math.floor(Date.now() / 1000),
      });
      return;
    }
    if (!url.pathname.startsWith(`${this.options.apiPrefix}/`)) {
      log(404);
      send(res, 404, { error: 'Not Found' });
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.#validTokens.has(bearer)) {
      log(401);
      send(res, 401, this.options.unauthorizedBody, { 'content-type': this.options.contentType });
      return;
    }
    if (this.#rateLimited.remaining > 0) {
      this.#rateLimited.remaining--;
      log(429);
      send(res, 429, this.options.rateLimitedBody, {
        'content-type': this.options.contentType,
        'retry-after': String(this.#rateLimited.retryAfterSeconds),
      });
      return;
    }
    const resource = url.pathname.slice(this.options.apiPrefix.length + 1);
    const answer = this.options.answer(resource, url.searchParams, this.apiBaseUrl);
    if (answer === undefined) {
      log(404);
      send(res, 404, { error: 'Not Found' });
      return;
    }
    log(200, answer.records);
    if (this.#expireAfter !== undefined && --this.#expireAfter <= 0) {
      this.#expireAfter = undefined;
      this.#validTokens.clear();
    }
    send(res, 200, answer.body, { 'content-type': this.options.contentType });
  }
}

/** Records sorted by update time then id, as both APIs sort on the update time. */
export function byUpdateTime<T extends { id: number; updatedAt: string }>(records: Iterable<T>): T[] {
  return [...records].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
}
