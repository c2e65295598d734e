// jsforce's HTTP through the outbound guard. jsforce 3 has no option for a fetch or an agent of our own (it calls
// node-fetch with a proxy agent at most); every API call goes through the connection's `_transport` (a public
// field of its typings, `Transport`), so the connector puts this one in its place: undici's fetch with the guarded
// dispatcher, so OUTBOUND_ALLOWED_HOSTS applies to Salesforce calls as to webhooks. Retries are left to Temporal.
import { PassThrough } from 'node:stream';
import Transport from 'jsforce/lib/transport';
import type { HttpRequest, HttpResponse } from 'jsforce/lib/types';
import { StreamPromise } from 'jsforce/lib/util/promise';
import { type Dispatcher, fetch } from 'undici';

/** A request may not hang a sync: it fails, and the activity is retried. */
const REQUEST_TIMEOUT_MS = 30_000;

export class GuardedTransport extends Transport {
  constructor(private readonly dispatcher: Dispatcher) {
    super();
  }

  override httpRequest(request: HttpRequest): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => ({ stream: new PassThrough(), promise: this.send(request) }));
  }

  private async send(request: HttpRequest): Promise<HttpResponse> {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers ?? {},
      ...(typeof request.body === 'string' && { body: request.body }),
      redirect: 'manual',
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { statusCode: response.status, headers, body: await response.text() };
  }
}
