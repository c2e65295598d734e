// What the Outreach and Salesloft connectors read, whatever the provider's wire format: users (owner ids to emails)
// and prospects (Salesloft's people) with their owner, one page at a time, and where the next page is.
import type { OutboundProvider } from '../domain/integrations';

export type OutboundObject = 'users' | 'prospects';

export interface OutboundUserRecord {
  id: string;
  email: string | null;
}

export interface OutboundProspectRecord {
  id: string;
  /** The prospect's first email; one without an email cannot be matched to a visitor. */
  email: string | null;
  /** The owning user's id; none for an unowned prospect. */
  ownerId: string | null;
}

export interface OutboundPage<T> {
  records: T[];
  /** The provider's latest update time among the records (ISO 8601), the next incremental sync's start. */
  maxUpdatedAt?: string;
  /** Where the next page is (Outreach: the `links.next` URL; Salesloft: the next page number); none at the end. */
  next?: string;
}

export interface OutboundApi {
  provider: OutboundProvider;
  /** The first page's request (a path under the API base); `since` limits it to records updated since then. */
  firstRequest(object: OutboundObject, since: string | undefined): string;
  /** The next page's request, from the request just made and the page's `next`. */
  nextRequest(current: string, next: string): string;
  users(body: unknown): OutboundPage<OutboundUserRecord>;
  prospects(body: unknown): OutboundPage<OutboundProspectRecord>;
  /** The Accept header the API answers JSON for. */
  accept: string;
}

export const laterOf = (a: string | undefined, b: string | undefined): string | undefined =>
  a === undefined ? b : b === undefined ? a : Date.parse(a) >= Date.parse(b) ? a : b;

export function maxUpdatedAt(times: readonly (string | null | undefined)[]): string | undefined {
  let latest: string | undefined;
  for (const time of times) if (time && !Number.isNaN(Date.parse(time))) latest = laterOf(latest, time);
  return latest;
}
