// A local Salesforce org speaking the REST API calls the connector makes, over real HTTP: SOQL `query` and
// `queryAll` (the WHERE shapes the connector emits on SystemModstamp and Id, evaluated; IsDeleted rows only through
// queryAll), `nextRecordsUrl` paging, the `Sforce-Limit-Info` header, the error bodies of INVALID_SESSION_ID (401),
// REQUEST_LIMIT_EXCEEDED (403), INVALID_QUERY_LOCATOR and MALFORMED_QUERY (400), and `/services/oauth2/token` for
// refresh-token grants. Shapes follow Salesforce's REST API reference; examples kept in fixtures/salesforce/.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const fixtures = path.join(__dirname, 'fixtures', 'salesforce');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));
const errors = fixture('errors.json') as Record<string, { status: number; body: unknown }>;

export type SalesforceRecord = Record<string, unknown> & { Id: string; SystemModstamp: string; IsDeleted: boolean };

interface OpenQuery {
  object: string;
  fields: string[];
  rows: SalesforceRecord[];
}

export interface ServedPage {
  object: string;
  /** Where in its query the page starts. */
  offset: number;
  records: number;
}

export class SalesforceTestServer {
  private readonly server: Server;
  readonly records = new Map<string, Map<string, SalesforceRecord>>();
  private readonly queries = new Map<string, OpenQuery>();
  private readonly tokens = new Set<string>();
  private readonly refreshTokens = new Set<string>();
  private clock = Date.parse('2026-01-01T00:00:00.000Z');
  private idSequence = 0;
  baseUrl = '';
  /** Rows per page (Salesforce's default batch is 2,000). */
  pageSize = 2000;
  /** API requests counted against the org's daily allowance. */
  apiUsed = 0;
  apiLimit = 15_000;
  /** Each API answer waits this long, so a test can act while a sync is under way. */
  delayMs = 0;
  /** API requests answered so far, and the query pages among them. */
  apiRequests = 0;
  readonly pages: ServedPage[] = [];
  /** Refresh-token grants served, and API requests refused for an invalid session or the limit. */
  refreshes = 0;
  refusedSessions = 0;
  refusedForLimit = 0;
  /** When set, the request with this number (apiRequests) finds every access token expired. */
  expireTokensAtRequest: number | undefined;

  constructor() {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify([{ message: String(error) }]));
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** A refresh token for the org, as an authorization would grant, and an access token valid until expired. */
  grant(): { refreshToken: string; accessToken: string } {
    const refreshToken = `5Aep${randomBytes(12).toString('hex')}`;
    this.refreshTokens.add(refreshToken);
    return { refreshToken, accessToken: this.newAccessToken() };
  }

  expireAccessTokens(): void {
    this.tokens.clear();
  }

  /** Seeds the org from fixtures/salesforce/org.json. */
  seed(): void {
    const org = fixture('org.json') as Record<string, Record<string, unknown>[]>;
    for (const [object, rows] of Object.entries(org)) for (const row of rows) this.upsert(object, row);
  }

  /** Creates or changes a record: its SystemModstamp moves on, as Salesforce's does on any change. */
  upsert(object: string, fields: Record<string, unknown>): SalesforceRecord {
    const table = this.table(object);
    const id = (fields.Id as string | undefined) ?? this.newId(object);
    const record: SalesforceRecord = {
      IsDeleted: false,
      ...table.get(id),
      ...fields,
      Id: id,
      SystemModstamp: this.tick(),
    };
    table.set(id, record);
    return record;
  }

  /** Moves a record to the recycle bin: queryAll still returns it, with IsDeleted = true. */
  delete(object: string, id: string): void {
    const record = this.table(object).get(id);
    if (record) this.table(object).set(id, { ...record, IsDeleted: true, SystemModstamp: this.tick() });
  }

  /** Empties the recycle bin: the record is gone from every query. */
  purge(object: string, id: string): void {
    this.table(object).delete(id);
  }

  live(object: string): SalesforceRecord[] {
    return [...this.table(object).values()].filter((record) => !record.IsDeleted);
  }

  private table(object: string) {
    const table = this.records.get(object) ?? new Map<string, SalesforceRecord>();
    this.records.set(object, table);
    return table;
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace('Z', '+0000');
  }

  private newId(object: string): string {
    const prefix =
      { User: '005', Account: '001', Contact: '003', Lead: '00Q', AccountTeamMember: '01M' }[object] ?? 'a00';
    return `${prefix}${String(++this.idSequence).padStart(12, '0')}AAA`;
  }

  private newAccessToken(): string {
    const token = `00D!${randomBytes(16).toString('hex')}`;
    this.tokens.add(token);
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'POST' && url.pathname === '/services/oauth2/token') return this.token(req, res);
    const api = /^\/services\/data\/v(\d+\.\d)\/(query|queryAll)(?:\/([\w-]+))?$/.exec(url.pathname);
    if (!api) return this.error(res, 'NOT_FOUND');
    this.apiRequests++;
    if (this.expireTokensAtRequest === this.apiRequests) this.expireAccessTokens();
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token)) {
      this.refusedSessions++;
      return this.error(res, 'INVALID_SESSION_ID');
    }
    if (this.apiUsed >= this.apiLimit) {
      this.refusedForLimit++;
      return this.error(res, 'REQUEST_LIMIT_EXCEEDED');
    }
    this.apiUsed++;
    const [, version, endpoint, locator] = api as unknown as [string, string, string, string | undefined];
    if (locator !== undefined) return this.nextPage(res, version, locator);
    const soql = url.searchParams.get('q');
    const query = soql === null ? undefined : this.parse(soql, endpoint === 'queryAll');
    if (!query) return this.error(res, 'MALFORMED_QUERY');
    const queryId = `01g${randomBytes(6).toString('hex')}`;
    this.queries.set(queryId, query);
    return this.answer(res, version, queryId, 0);
  }

  private nextPage(res: ServerResponse, version: string, locator: string) {
    const [, queryId, offset] = /^(.+)-(\d+)$/.exec(locator) ?? [];
    if (!queryId || !this.queries.has(queryId)) return this.error(res, 'INVALID_QUERY_LOCATOR');
    return this.answer(res, version, queryId, Number(offset));
  }

  private answer(res: ServerResponse, version: string, queryId: string, offset: number) {
    const query = this.queries.get(queryId) as OpenQuery;
    const rows = query.rows.slice(offset, offset + this.pageSize);
    const done = offset + rows.length >= query.rows.length;
    this.pages.push({ object: query.object, offset, records: rows.length });
    if (done) this.queries.delete(queryId);
    this.json(res, 200, {
      totalSize: query.rows.length,
      done,
      ...(!done && { nextRecordsUrl: `/services/data/v${version}/query/${queryId}-${offset + rows.length}` }),
      records: rows.map((row) => ({
        attributes: { type: query.object, url: `/services/data/v${version}/sobjects/${query.object}/${row.Id}` },
        ...Object.fromEntries(query.fields.map((field) => [field, row[field] ?? null])),
      })),
    });
  }

  /**
   * The SOQL shapes the connector sends: SELECT fields FROM object, optionally WHERE SystemModstamp > t, or
   * (SystemModstamp > t OR (SystemModstamp = t AND Id > 'id')), or (the live lookup) Email = 'address', then
   * ORDER BY SystemModstamp ASC, Id ASC.
   */
  private parse(soql: string, includeDeleted: boolean): OpenQuery | undefined {
    const shape = /^SELECT ([\w, ]+) FROM (\w+)(?: WHERE (.+?))? ORDER BY SystemModstamp ASC, Id ASC$/.exec(
      soql.trim(),
    );
    if (!shape) return undefined;
    const [, fieldList, object, where] = shape as unknown as [string, string, string, string | undefined];
    const fields = fieldList.split(',').map((field) => field.trim());
    let keep: (record: SalesforceRecord) => boolean = () => true;
    if (where !== undefined) {
      const email = /^Email = '((?:[^'\\]|\\.)*)'$/.exec(where);
      const after = /^SystemModstamp > (\S+)$/.exec(where);
      const tie = /^\(SystemModstamp > (\S+) OR \(SystemModstamp = (\S+) AND Id > '([^']*)'\)\)$/.exec(where);
      if (email) {
        // Salesforce compares emails case-insensitively.
        const wanted = (email[1] as string).replace(/\\(.)/g, '$1').toLowerCase();
        keep = (record) => typeof record.Email === 'string' && record.Email.toLowerCase() === wanted;
      } else if (after) {
        const t = Date.parse(after[1] as string);
        keep = (record) => Date.parse(record.SystemModstamp) > t;
      } else if (tie && tie[1] === tie[2]) {
        const t = Date.parse(tie[1] as string);
        const id = tie[3] as string;
        keep = (record) => {
          const stamp = Date.parse(record.SystemModstamp);
          return stamp > t || (stamp === t && record.Id > id);
        };
      } else {
        return undefined;
      }
    }
    const rows = [...this.table(object).values()]
      .filter((record) => (includeDeleted || !record.IsDeleted) && keep(record))
      .sort((a, b) => Date.parse(a.SystemModstamp) - Date.parse(b.SystemModstamp) || (a.Id < b.Id ? -1 : 1));
    return { object, fields, rows };
  }

  private async token(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const refreshToken = form.get('refresh_token');
    if (form.get('grant_type') !== 'refresh_token' || !refreshToken || !this.refreshTokens.has(refreshToken)) {
      return this.error(res, 'invalid_grant');
    }
    this.refreshes++;
    this.json(res, 200, {
      ...fixture('token-response.json'),
      access_token: this.newAccessToken(),
      instance_url: this.baseUrl,
      issued_at: String(Date.now()),
    });
  }

  private error(res: ServerResponse, code: string) {
    const { status, body } = errors[code] as { status: number; body: unknown };
    this.json(res, status, body);
  }

  private json(res: ServerResponse, status: number, body: unknown) {
    res
      .writeHead(status, {
        'content-type': 'application/json;charset=UTF-8',
        'sforce-limit-info': `api-usage=${this.apiUsed}/${this.apiLimit}`,
      })
      .end(JSON.stringify(body));
  }
}
