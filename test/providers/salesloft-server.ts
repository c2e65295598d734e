// A local Salesloft API v2 (as developers.salesloft.com documents it) for the connector tests: users and people
// paged with `per_page` and `page` (`metadata.paging.next_page`), sorted on `updated_at` and filtered with
// `updated_at[gt]`, OAuth's token endpoint, 401 for an expired token and 429 with Retry-After on request.
// Response shapes follow ./fixtures/salesloft.

import rateLimited from './fixtures/salesloft/error-rate-limited.json';
import unauthorized from './fixtures/salesloft/error-unauthorized.json';
import { byUpdateTime, ProviderServer } from './provider-server';

export interface SalesloftUser {
  id: number;
  email: string;
  updatedAt: string;
}

export interface SalesloftPerson {
  id: number;
  emailAddress: string | null;
  ownerId: number | null;
  updatedAt: string;
}

const MAX_PER_PAGE = 100;

export class SalesloftData {
  /** The largest page the server answers, whatever was asked (tests make it small to see paging). */
  maxPageSize = MAX_PER_PAGE;
  readonly users = new Map<number, SalesloftUser>();
  readonly people = new Map<number, SalesloftPerson>();
}

function listDocument<T extends { id: number; updatedAt: string }>(
  records: Iterable<T>,
  query: URLSearchParams,
  apiBaseUrl: string,
  maxPageSize: number,
  toResource: (record: T, apiBaseUrl: string) => unknown,
) {
  const perPage = Math.min(maxPageSize, Number(query.get('per_page') ?? 25));
  const page = Math.max(1, Number(query.get('page') ?? 1));
  const after = query.get('updated_at[gt]');
  const matching = byUpdateTime(records).filter((r) => !after || Date.parse(r.updatedAt) > Date.parse(after));
  const slice = matching.slice((page - 1) * perPage, page * perPage);
  const body = {
    metadata: {
      filtering: after ? { updated_at: { gt: after } } : {},
      paging: {
        per_page: perPage,
        current_page: page,
        next_page: page * perPage < matching.length ? page + 1 : null,
        prev_page: page > 1 ? page - 1 : null,
      },
      sorting: { sort_by: query.get('sort_by') ?? 'updated_at', sort_direction: query.get('sort_direction') ?? 'ASC' },
    },
    data: slice.map((record) => toResource(record, apiBaseUrl)),
  };
  return { body, records: slice.length };
}

export function salesloftServer(data: SalesloftData): ProviderServer {
  return new ProviderServer({
    apiPrefix: '/v2',
    contentType: 'application/json',
    unauthorizedBody: unauthorized,
    rateLimitedBody: rateLimited,
    answer(resource, query, apiBaseUrl) {
      if (resource === 'users') {
        return listDocument(data.users.values(), query, apiBaseUrl, data.maxPageSize, (user) => ({
          id: user.id,
          updated_at: user.updatedAt,
          email: user.email,
          active: true,
        }));
      }
      if (resource === 'people') {
        return listDocument(data.people.values(), query, apiBaseUrl, data.maxPageSize, (person, base) => ({
          id: person.id,
          updated_at: person.updatedAt,
          email_address: person.emailAddress,
          owner: person.ownerId === null ? null : { _href: `${base}/users/${person.ownerId}`, id: person.ownerId },
        }));
      }
      return undefined;
    },
  });
}
