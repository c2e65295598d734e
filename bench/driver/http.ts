// A small JSON client over keep-alive sockets: cheaper per request than fetch, so the bench's own overhead stays
// small next to the service it measures.
import http from 'node:http';

export interface JsonResponse<T = unknown> {
  status: number;
  body: T;
}

export class JsonHttp {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 128) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  async request<T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<JsonResponse<T>> {
    try {
      return await this.send<T>(method, path, token, body);
    } catch (error) {
      // The server closed an idle keep-alive socket just as it was reused: the request never reached it.
      if ((error as { reusedSocket?: boolean }).reusedSocket !== true) throw error;
      return this.send<T>(method, path, token, body);
    }
  }

  private send<T>(method: string, path: string, token: string, body?: unknown): Promise<JsonResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}` };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : undefined) as T });
            } catch {
              reject(new Error(`${method} ${path}: unparsable response (${res.statusCode}): ${text.slice(0, 200)}`));
            }
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const reset = error.code === 'ECONNRESET' && req.reusedSocket;
        reject(Object.assign(error, { reusedSocket: reset }));
      });
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Throws unless the response has one of `expected` statuses; returns its body. */
export function expectStatus<T>(what: string, response: JsonResponse<T>, ...expected: number[]): T {
  if (!expected.includes(response.status)) {
    throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
  }
  return response.body;
}
