// A local OAuth 2.0 authorization server speaking the providers' documented protocol for the calls connections use,
// on 127.0.0.1 only. Salesforce flavour (help.salesforce.com, "OAuth Endpoints" and the web server, refresh token
// and JWT bearer flows): /services/oauth2/authorize and /services/oauth2/token, PKCE S256 checked, token responses
// { access_token, instance_url, id, token_type, issued_at, signature, refresh_token, scope } (refreshes and JWT
// bearer: no refresh_token), errors { error, error_description } with 400. Outreach / Salesloft flavour:
// /oauth/authorize and /oauth/token, { access_token, token_type, expires_in, refresh_token, scope, created_at },
// the refresh token rotated on every refresh, no PKCE.
import { createHash, createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { jwtVerify } from 'jose';

export interface RegisteredClient {
  clientSecret?: string;
  /** JWT bearer: the certificate's public key, and the user the connected app is approved for. */
  publicKey?: KeyObject;
  username?: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge?: string;
}

export interface TokenRequest {
  path: string;
  form: Record<string, string>;
}

const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

export class LocalOAuthProvider {
  readonly clients = new Map<string, RegisteredClient>();
  /** Every call to a token endpoint, in order. */
  readonly tokenRequests: TokenRequest[] = [];
  /** Access tokens issued and still valid (what an API would accept). */
  readonly accessTokens = new Set<string>();
  readonly #codes = new Map<string, IssuedCode>();
  /** Live refresh tokens, by client id. */
  readonly #refreshTokens = new Map<string, string>();
  #server: Server | undefined;
  #url = '';

  get url(): string {
    return this.#url;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
    return this;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** The admin revokes the app's access (Salesforce: Connected Apps OAuth Usage, Revoke): its refresh tokens die. */
  revokeRefreshTokens(): void {
    this.#refreshTokens.clear();
    this.accessTokens.clear();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#url);
    if (req.method === 'GET' && /\/(services\/oauth2|oauth)\/authorize$/.test(url.pathname)) {
      return this.#authorize(url, res);
    }
    if (req.method === 'POST' && /\/(services\/oauth2|oauth)\/token$/.test(url.pathname)) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      this.tokenRequests.push({ path: url.pathname, form });
      const salesforce = url.pathname.startsWith('/services/');
      const answer = await this.#token(form, salesforce);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('[{"errorCode":"NOT_FOUND"}]');
  }

  /** The consent screen, already agreed to: straight back to the redirect URI with a code (or an error). */
  #authorize(url: URL, res: ServerResponse): void {
    const query = Object.fromEntries(url.searchParams);
    const client = query.client_id ? this.clients.get(query.client_id) : undefined;
    const redirect = new URL(query.redirect_uri ?? '');
    if (query.state !== undefined) redirect.searchParams.set('state', query.state);
    if (!client || query.response_type !== 'code') {
      redirect.searchParams.set('error', 'invalid_client_id');
      redirect.searchParams.set('error_description', 'client identifier invalid');
    } else {
      const code = token('aPrx');
      this.#codes.set(code, {
        clientId: query.client_id as string,
        redirectUri: query.redirect_uri as string,
        ...(query.code_challenge !== undefined && { codeChallenge: query.code_challenge }),
      });
      redirect.searchParams.set('code', code);
    }
    res.writeHead(302, { location: redirect.toString() }).end();
  }

  async #token(form: Record<string, string>, salesforce: boolean): Promise<{ status: number; body: object }> {
    const refuse = (error: string, description: string) => ({
      status: 400,
      body: { error, error_description: description },
    });
    const clientId = form.client_id ?? '';
    const client = this.clients.get(clientId);
    switch (form.grant_type) {
      case 'authorization_code': {
        if (!client || client.clientSecret !== form.client_secret)
          return refuse('invalid_client', 'invalid client credentials');
        const issued = form.code === undefined ? undefined : this.#codes.get(form.code);
        if (form.code !== undefined) this.#codes.delete(form.code); // single use
        if (!issued || issued.clientId !== clientId) return refuse('invalid_grant', 'invalid authorization code');
        if (issued.redirectUri !== form.redirect_uri) return refuse('invalid_grant', 'redirect_uri mismatch');
        if (issued.codeChallenge !== undefined && s256(form.code_verifier ?? '') !== issued.codeChallenge) {
          return refuse('invalid_grant', 'invalid code verifier');
        }
        return { status: 200, body: this.#grant(clientId, salesforce, { withRefreshToken: true }) };
      }
      case 'refresh_token': {
        if (!client || client.clientSecret !== form.client_secret)
          return refuse('invalid_client', 'invalid client credentials');
        if (!form.refresh_token || this.#refreshTokens.get(clientId) !== form.refresh_token) {
          return refuse('invalid_grant', 'expired access/refresh token');
        }
        // Salesforce keeps the refresh token; Outreach and Salesloft rotate it.
        return { status: 200, body: this.#grant(clientId, salesforce, { withRefreshToken: !salesforce }) };
      }
      case 'urn:ietf:params:oauth:grant-type:jwt-bearer': {
        const assertion = form.assertion ?? '';
        const issuer = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString() || '{}').iss;
        const jwtClient = typeof issuer === 'string' ? this.clients.get(issuer) : undefined;
        if (!jwtClient?.publicKey) return refuse('invalid_client_id', 'client identifier invalid');
        try {
          const { payload } = await jwtVerify(assertion, jwtClient.publicKey, {
            algorithms: ['RS256'],
            issuer,
            audience: this.#url,
          });
          if (payload.sub !== jwtClient.username) return refuse('invalid_grant', "user hasn't approved this consumer");
        } catch {
          return refuse('invalid_grant', 'invalid assertion');
        }
        return { status: 200, body: this.#grant(issuer, true, { withRefreshToken: false }) };
      }
      default:
        return refuse('unsupported_grant_type', 'grant type not supported');
    }
  }

  #grant(clientId: string, salesforce: boolean, { withRefreshToken }: { withRefreshToken: boolean }): object {
    const accessToken = token('00Dxx0000001gPL!');
    this.accessTokens.add(accessToken);
    let refreshToken: string | undefined;
    if (withRefreshToken) {
      refreshToken = token('5Aep861');
      this.#refreshTokens.set(clientId, refreshToken);
    }
    if (!salesforce) {
      return {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: 7200,
        ...(refreshToken && { refresh_token: refreshToken }),
        scope: 'users.read prospects.read',
        created_at: Math.floor(Date.now() / 1000),
      };
    }
    const id = `${this.#url}/id/00Dxx0000001gPLEAY/005xx000001SwiUAAS`;
    const issuedAt = String(Date.now());
    const secret = this.clients.get(clientId)?.clientSecret ?? '';
    return {
      access_token: accessToken,
      ...(refreshToken && { refresh_token: refreshToken }),
      signature: createHmac('sha256', secret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: 'refresh_token api',
      instance_url: this.#url,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }
}
