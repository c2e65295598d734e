// Outreach's REST API (JSON:API, https://developers.outreach.io/api/): users and prospects, paged with
// `page[size]` and followed through `links.next`, sorted and filtered on `updatedAt` for incremental syncs.
import { z } from 'zod';
import type { OutboundApi, OutboundPage, OutboundProspectRecord, OutboundUserRecord } from '../outbound-records';
import { maxUpdatedAt } from '../outbound-records';

/** Records per page; Outreach allows up to 1,000 (cursor paging). */
export const OUTREACH_PAGE_SIZE = 100;

const id = z.union([z.string(), z.number()]).transform(String);
const relationship = z.looseObject({ data: z.looseObject({ type: z.string(), id }).nullable().optional() });

const userResource = z.looseObject({
  type: z.literal('user'),
  id,
  attributes: z.looseObject({ email: z.string().nullable().optional(), updatedAt: z.string().nullable().optional() }),
});

const prospectResource = z.looseObject({
  type: z.literal('prospect'),
  id,
  attributes: z.looseObject({
    emails: z.array(z.string()).nullable().optional(),
    updatedAt: z.string().nullable().optional(),
  }),
  relationships: z.looseObject({ owner: relationship.optional() }).optional(),
});

const collection = <T extends z.ZodType>(resource: T) =>
  z.looseObject({
    data: z.array(resource),
    links: z.looseObject({ next: z.string().nullable().optional() }).optional(),
  });

const usersDocument = collection(userResource);
const prospectsDocument = collection(prospectResource);

function pathFor(object: 'users' | 'prospects', since: string | undefined): string {
  const query = new URLSearchParams({ 'page[size]': String(OUTREACH_PAGE_SIZE), sort: 'updatedAt' });
  // JSON:API range filter: updated at or after `since` (records at exactly `since` come again: upserts are idempotent).
  if (since) query.set('filter[updatedAt]', `${since}..inf`);
  return `${object}?${query}`;
}

export const outreachApi: OutboundApi = {
  provider: 'outreach',
  accept: 'application/vnd.api+json',
  firstRequest: pathFor,
  // JSON:API's `links.next` is the whole next request (filter, sort and page cursor included).
  nextRequest: (_current, next) => next,
  users(body): OutboundPage<OutboundUserRecord> {
    const document = usersDocument.parse(body);
    return page(
      document.data.map((user) => ({ id: user.id, email: user.attributes.email ?? null })),
      document.data.map((user) => user.attributes.updatedAt),
      document.links?.next,
    );
  },
  prospects(body): OutboundPage<OutboundProspectRecord> {
    const document = prospectsDocument.parse(body);
    return page(
      document.data.map((prospect) => ({
        id: prospect.id,
        email: prospect.attributes.emails?.[0] ?? null,
        ownerId: prospect.relationships?.owner?.data?.id ?? null,
      })),
      document.data.map((prospect) => prospect.attributes.updatedAt),
      document.links?.next,
    );
  },
};

function page<T>(records: T[], times: (string | null | undefined)[], next: string | null | undefined): OutboundPage<T> {
  const latest = maxUpdatedAt(times);
  return { records, ...(latest && { maxUpdatedAt: latest }), ...(next && { next }) };
}
