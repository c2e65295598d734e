// A local Outreach API (JSON:API, as developers.outreach.io documents it) for the connector tests: users and
// prospects paged with `page[size]` and an opaque `page[after]` cursor in `links.next`, sorted and filtered on
// `updatedAt` (`filter[updatedAt]=<from>..inf`), OAuth's token endpoint, 401 for an expired token and 429 with
// Retry-After on request. Response shapes follow ./fixtures/outreach.

import rateLimited from './fixtures/outreach/error-rate-limited.json';
import unauthorized from './fixtures/outreach/error-unauthorized.json';
import { byUpdateTime, ProviderServer } from './provider-server';

export interface OutreachUser {
  id: number;
  email: string;
  updatedAt: string;
}

export interface OutreachProspect {
  id: number;
  emails: string[];
  ownerId: number | null;
  updatedAt: string;
}

const MAX_PAGE_SIZE = 1000;

/** The records in the server, changed by tests between syncs. */
export class OutreachData {
  /** The largest page the server answers, whatever was asked (tests make it small to see paging). */
  maxPageSize = MAX_PAGE_SIZE;
  readonly users = new Map<number, OutreachUser>();
  readonly prospects = new Map<number, OutreachProspect>();
}

function inRange(updatedAt: string, filter: string | null): boolean {
  if (!filter) return true;
  const [from = '', to = 'inf'] = filter.split('..');
  const time = Date.parse(updatedAt);
  return (from === '-inf' || time >= Date.parse(from)) && (to === 'inf' || time <= Date.parse(to));
}

function listDocument<T extends { id: number; updatedAt: string }>(
  records: Iterable<T>,
  resource: string,
  query: URLSearchParams,
  apiBaseUrl: string,
  maxPageSize: number,
  toResource: (record: T) => unknown,
) {
  const size = Math.min(maxPageSize, Number(query.get('page[size]') ?? 50));
  const matching = byUpdateTime(records).filter((record) => inRange(record.updatedAt, query.get('filter[updatedAt]')));
  // The cursor names the last record of the previous page: a record updated meanwhile moves to the end, none shift.
  const after = query.get('page[after]');
  const last = after
    ? (JSON.parse(Buffer.from(after, 'base64url').toString()) as { u: string; id: number })
    : undefined;
  const rest = last
    ? matching.filter((r) => r.updatedAt > last.u || (r.updatedAt === last.u && r.id > last.id))
    : matching;
  const page = rest.slice(0, size);
  const end = page.at(-1);
  const links: Record<string, string> = { first: `${apiBaseUrl}/${resource}?${query}` };
  if (end && rest.length > size) {
    const next = new URLSearchParams(query);
    next.set('page[after]', Buffer.from(JSON.stringify({ u: end.updatedAt, id: end.id })).toString('base64url'));
    links.next = `${apiBaseUrl}/${resource}?${next}`;
  }
  return {
    body: { data: page.map(toResource), links, meta: { count: matching.length, count_truncated: false } },
    records: page.length,
  };
}

export function outreachServer(data: OutreachData): ProviderServer {
  return new ProviderServer({
    apiPrefix: '/api/v2',
    contentType: 'application/vnd.api+json',
    unauthorizedBody: unauthorized,
    rateLimitedBody: rateLimited,
    answer(resource, query, apiBaseUrl) {
      if (resource === 'users') {
        return listDocument(data.users.values(), resource, query, apiBaseUrl, data.maxPageSize, (user) => ({
          type: 'user',
          id: user.id,
          attributes: { email: user.email, updatedAt: user.updatedAt },
          links: { self: `${apiBaseUrl}/users/${user.id}` },
        }));
      }
      if (resource === 'prospects') {
        return listDocument(data.prospects.values(), resource, query, apiBaseUrl, data.maxPageSize, (prospect) => ({
          type: 'prospect',
          id: prospect.id,
          attributes: { emails: prospect.emails, updatedAt: prospect.updatedAt },
          relationships: {
            owner: { data: prospect.ownerId === null ? null : { type: 'user', id: prospect.ownerId } },
          },
          links: { self: `${apiBaseUrl}/prospects/${prospect.id}` },
        }));
      }
      return undefined;
    },
  });
}
