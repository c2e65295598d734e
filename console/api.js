// @ts-check
// The one way the console talks to the service: JSON over /v1 with the signed-in credential as a bearer token.

/** @typedef {{ field: string, message: string }} Issue */

/** A refusal from the API, in its error shape: `code`, `message` and, for invalid input, one issue per field. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Issue[]} issues
   */
  constructor(status, code, message, issues) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

/**
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
async function errorFrom(response) {
  /** @type {{ error?: { code?: string, message?: string, details?: { issues?: Issue[] } } } | undefined} */
  const body = await response.json().catch(() => undefined);
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? 'http_error',
    error?.message ?? `the service answered ${response.status} ${response.statusText}`,
    error?.details?.issues ?? [],
  );
}

/** A client that sends `credential` (the admin key or a rep token) with every request. */
export class Api {
  /** @param {string} credential */
  constructor(credential) {
    this.credential = credential;
  }

  /**
   * Resolves with the parsed body (undefined for 204); rejects with ApiError for any refusal.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<any>}
   */
  async request(method, path, body) {
    return (await this.send(method, path, { body })).body;
  }

  /**
   * As `request`, with the answer's `ETag`, sending `ifMatch` as `If-Match` (versioned writes of the rules).
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, ifMatch?: string }} [options]
   * @returns {Promise<{ body: any, etag: string | undefined }>}
   */
  async send(method, path, { body, ifMatch } = {}) {
    /** @type {Record<string, string>} */
    const headers = { authorization: `Bearer ${this.credential}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (!response.ok) throw await errorFrom(response);
    return {
      body: response.status === 204 ? undefined : await response.json(),
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  /** @param {string} path */
  get(path) {
    return this.request('GET', path);
  }

  /** @param {string} path @param {unknown} [body] */
  post(path, body) {
    return this.request('POST', path, body);
  }

  /** @param {string} path @param {unknown} body */
  put(path, body) {
    return this.request('PUT', path, body);
  }

  /** @param {string} path */
  delete(path) {
    return this.request('DELETE', path);
  }
}

/** Encodes one path segment (ids may hold `:` or `@`). */
export const segment = encodeURIComponent;
