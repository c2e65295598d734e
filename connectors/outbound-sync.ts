// One page of an Outreach or Salesloft sync: fetch the page the cursor points at, write its records and the
// advanced cursor together, and say whether the pass over the object is done. Users come before prospects in a
// sync (domain/connections.ts `syncedObjects`), so a prospect's owner id is known when its page is written.
import type { Transaction } from 'kysely';
import type { ApiBudget } from '../domain/connections';
import type { OutboundProvider } from '../domain/integrations';
import { type Db, retryOnConflict } from '../store/database';
import { removeProspectsOutsideRun } from '../store/integrations';
import { writeOutboundProspects, writeOutboundUsers } from '../store/outbound-sync';
import type { Database } from '../store/schema';
import { laterOf, type OutboundApi, type OutboundCursor, type OutboundObject } from './outbound-records';
import { outreachApi } from './outreach/api';
import type { ProviderClient } from './provider-client';
import { salesloftApi } from './salesloft/api';

export const outboundApis: Record<OutboundProvider, OutboundApi> = { outreach: outreachApi, salesloft: salesloftApi };

/** The synced object names (domain/connections.ts) as the connectors read them: Salesloft's people are prospects. */
export const outboundObjectOf = (object: string): OutboundObject => (object === 'users' ? 'users' : 'prospects');

export interface OutboundPageInput {
  connectionId: string;
  provider: OutboundProvider;
  /** `users`, `prospects` (Outreach) or `people` (Salesloft). */
  object: string;
  cursor: OutboundCursor;
  /** A full sync reads everything (no `since`) and, at the end of the prospects, removes the ones it did not see. */
  full: boolean;
  /** Names the sync (stable across retries and worker restarts): what a full sync stamps the prospects it saw with. */
  syncRun: string;
}

export interface OutboundPageResult {
  cursor: OutboundCursor;
  /** Records on the page. */
  records: number;
  /** Prospects removed: no longer routable ones on the page, and at the end of a full sync the unseen ones. */
  removed: number;
  /** True when the pass over the object is over; `cursor.since` is then where the next sync starts. */
  done: boolean;
  budget?: ApiBudget;
}

/** Runs the page's writes; the sync workflow passes one that saves the cursor in the same transaction. */
export type PageWriter = (write: (tx: Transaction<Database>) => Promise<void>, cursor: OutboundCursor) => Promise<void>;

export const writeInTransaction =
  (db: Db): PageWriter =>
  (write) =>
    retryOnConflict(() => db.transaction().execute(write));

export async function syncOutboundPage(
  deps: { db: Db; client: ProviderClient; writePage: PageWriter },
  input: OutboundPageInput,
): Promise<OutboundPageResult> {
  const api = outboundApis[input.provider];
  const object = outboundObjectOf(input.object);
  const since = input.full && !input.cursor.pass ? undefined : input.cursor.since;
  const from = input.cursor.pass ? { since, next: input.cursor.pass.next } : { since };
  const response = await deps.client.getJson(input.connectionId, api.pageRequest(object, from), api.accept);
  const users = object === 'users' ? api.users(response.body) : undefined;
  const prospects = object === 'prospects' ? api.prospects(response.body) : undefined;
  const page = users ?? prospects;
  if (!page) throw new Error(`unknown object ${input.object}`);
  const highWater = laterOf(input.cursor.pass?.highWater, page.maxUpdatedAt);
  const done = page.next === undefined;
  const nextSince = laterOf(since, highWater);
  const cursor: OutboundCursor =
    page.next === undefined
      ? { ...(nextSince && { since: nextSince }) }
      : { ...(since && { since }), pass: { next: page.next, ...(highWater && { highWater }) } };
  let removed = 0;
  await deps.writePage(async (tx) => {
    if (users) await writeOutboundUsers(tx, input.provider, users.records);
    if (prospects) {
      removed = (await writeOutboundProspects(tx, input.provider, prospects.records, input.syncRun)).removed;
      if (done && input.full) removed += await removeProspectsOutsideRun(tx, input.provider, input.syncRun);
    }
  }, cursor);
  return { cursor, records: page.records.length, removed, done, ...(response.budget && { budget: response.budget }) };
}
