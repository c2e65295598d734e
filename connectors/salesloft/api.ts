// Salesloft's REST API v2 (https://developers.salesloft.com/docs/api/): users and people, paged with `per_page` and
// `page` (the next one in `metadata.paging.next_page`), sorted and filtered on `updated_at` for incremental syncs.
import { z } from 'zod';
import type { OutboundApi, OutboundPage, OutboundProspectRecord, OutboundUserRecord } from '../outbound-records';
import { maxUpdatedAt } from '../outbound-records';

/** Records per page; Salesloft allows up to 100. */
export const SALESLOFT_PAGE_SIZE = 100;

const id = z.union([z.string(), z.number()]).transform(String);

const paging = z.looseObject({
  metadata: z.looseObject({
    paging: z.looseObject({ next_page: z.number().int().positive().nullable().optional() }).optional(),
  }),
});

const usersDocument = paging.extend({
  data: z.array(
    z.looseObject({ id, email: z.string().nullable().optional(), updated_at: z.string().nullable().optional() }),
  ),
});

const peopleDocument = paging.extend({
  data: z.array(
    z.looseObject({
      id,
      email_address: z.string().nullable().optional(),
      updated_at: z.string().nullable().optional(),
      owner: z.looseObject({ id }).nullable().optional(),
    }),
  ),
});

const paths = { users: 'users', prospects: 'people' } as const;

export const salesloftApi: OutboundApi = {
  provider: 'salesloft',
  accept: 'application/json',
  firstRequest(object, since) {
    const query = new URLSearchParams({
      per_page: String(SALESLOFT_PAGE_SIZE),
      page: '1',
      sort_by: 'updated_at',
      sort_direction: 'ASC',
      // Counting every match costs the API more; the next page number is all paging needs.
      include_paging_counts: 'false',
    });
    if (since) query.set('updated_at[gt]', since);
    return `${paths[object]}?${query}`;
  },
  // The same request (filter and sort kept) for the page number `metadata.paging.next_page` gave.
  nextRequest(current, next) {
    const [path, search = ''] = current.split('?');
    const query = new URLSearchParams(search);
    query.set('page', next);
    return `${path}?${query}`;
  },
  users(body): OutboundPage<OutboundUserRecord> {
    const document = usersDocument.parse(body);
    return page(
      document.data.map((user) => ({ id: user.id, email: user.email ?? null })),
      document.data.map((user) => user.updated_at),
      document.metadata.paging?.next_page,
    );
  },
  prospects(body): OutboundPage<OutboundProspectRecord> {
    const document = peopleDocument.parse(body);
    return page(
      document.data.map((person) => ({
        id: person.id,
        email: person.email_address ?? null,
        ownerId: person.owner?.id ?? null,
      })),
      document.data.map((person) => person.updated_at),
      document.metadata.paging?.next_page,
    );
  },
};

function page<T>(records: T[], times: (string | null | undefined)[], next: number | null | undefined): OutboundPage<T> {
  const latest = maxUpdatedAt(times);
  return { records, ...(latest && { maxUpdatedAt: latest }), ...(next && { next: String(next) }) };
}
