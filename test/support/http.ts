// A tiny JSON client over real sockets, returning status and parsed body instead of throwing.
export interface JsonResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export class HttpClient {
  /** Rep tokens minted so far, shared with every client derived from this one. */
  private readonly repTokens: Map<string, string>;

  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    repTokens?: Map<string, string>,
  ) {
    this.repTokens = repTokens ?? new Map();
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const sent: Record<string, string> = { ...headers };
    if (this.token && sent.authorization === undefined) sent.authorization = `Bearer ${this.token}`;
    const init: RequestInit = { method, headers: sent };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      sent['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, init);
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    } as JsonResponse<T>;
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('POST', path, body, headers);
  put = <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request<T>('PUT', path, body, headers);
  delete = <T = any>(path: string, headers?: Record<string, string>) =>
    this.request<T>('DELETE', path, undefined, headers);

  /** The same server, with another credential. */
  withToken(token: string | undefined): HttpClient {
    return new HttpClient(this.baseUrl, token, this.repTokens);
  }

  /** A client acting as `repId` with a rep token (minted with this client's admin key on first use). */
  async asRep(repId: string): Promise<HttpClient> {
    let token = this.repTokens.get(repId);
    if (!token) {
      const minted = await this.post(`/v1/users/${repId}/tokens`);
      if (minted.status !== 201) throw new Error(`minting a token for ${repId}: ${JSON.stringify(minted.body)}`);
      token = minted.body.token as string;
      this.repTokens.set(repId, token);
    }
    return this.withToken(token);
  }

  /** The rep accepts the routing, with their own token. */
  async accept(routingId: string, repId: string) {
    return (await this.asRep(repId)).post(`/v1/routings/${routingId}/accept`, { repId });
  }

  async decline(routingId: string, repId: string) {
    return (await this.asRep(repId)).post(`/v1/routings/${routingId}/decline`, { repId });
  }
}
