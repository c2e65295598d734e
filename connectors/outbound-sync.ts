// The Outreach and Salesloft part of a connection's sync (workflows/sync-connection.ts): one page of users or
// prospects (Salesloft's people) read from where the connection's cursor stands, and written with the advanced
// cursor in one transaction (store/connection-sync.ts `commitSyncPage`), so a sync resumes after its last page.
// Users come before prospects (domain/connections.ts `syncedObjects`), so a prospect's owner id is known.
import type { ApiBudget } from '../domain/connections';
import type { OutboundProvider } from '../domain/integrations';
import { commitSyncPage, readSyncCursor, type SyncCursor } from '../store/connection-sync';
import type { Db } from '../store/database';
import { removeUnseenOutboundRecords, writeOutboundProspects, writeOutboundUsers } from '../store/outbound-sync';
import { laterOf, type OutboundApi, type OutboundObject } from './outbound-records';
import { outreachApi } from './outreach/api';
import type { ProviderClient } from './provider-client';
import { salesloftApi } from './salesloft/api';

export const outboundApis: Record<OutboundProvider, OutboundApi> = { outreach: outreachApi, salesloft: salesloftApi };

/** The synced object names (domain/connections.ts) as the connectors read them: Salesloft's people are prospects. */
export const outboundObjectOf = (object: string): OutboundObject => (object === 'users' ? 'users' : 'prospects');
const prospectsObjectOf = (provider: OutboundProvider) => (provider === 'salesloft' ? 'people' : 'prospects');

export interface OutboundPageInput {
  connectionId: string;
  /** `users`, `prospects` (Outreach) or `people` (Salesloft). */
  object: string;
  /** The sync run: what a full re-sync marks the records it saw with. */
  runId: string;
}

export interface OutboundPageOutcome {
  /** The pass over the object is over: the cursor's high-water mark is where the next sync starts. */
  done: boolean;
  /** Records on the page. */
  stored: number;
  /** Prospects on the page no longer routable (no email, no owner), their rows removed. */
  removed: number;
  budget?: ApiBudget;
  calls: number;
}

/**
 * The cursor after a page: within a pass, the next request (filter and sort kept); at its end, no next page and the
 * latest update time seen, which the next pass filters from. A full re-sync starts from the empty cursor.
 */
function advancedCursor(cursor: SyncCursor, next: string | undefined, maxUpdatedAt: string | undefined): SyncCursor {
  return {
    highWater: laterOf(cursor.highWater ?? undefined, maxUpdatedAt) ?? null,
    lastId: null,
    nextPage: next ?? null,
  };
}

/** Outreach's or Salesloft's sync, as the connection-sync activities call it for each page. */
export function outboundSync(db: Db, client: ProviderClient, provider: OutboundProvider) {
  const api = outboundApis[provider];
  return {
    async syncPage({ connectionId, object, runId }: OutboundPageInput): Promise<OutboundPageOutcome> {
      const kind = outboundObjectOf(object);
      const cursor = await readSyncCursor(db, connectionId, object);
      const request = cursor.nextPage ?? api.firstRequest(kind, cursor.highWater ?? undefined);
      const response = await client.getJson(connectionId, request, api.accept);
      const users = kind === 'users' ? api.users(response.body) : undefined;
      const prospects = kind === 'prospects' ? api.prospects(response.body) : undefined;
      const page = users ?? prospects;
      if (!page) throw new Error(`${provider} has no ${object} to sync`);
      const next = page.next === undefined ? undefined : api.nextRequest(request, page.next);
      let removed = 0;
      await commitSyncPage(
        db,
        { connectionId, object, runId, cursor: advancedCursor(cursor, next, page.maxUpdatedAt), deletedIds: [] },
        async (tx) => {
          if (users) {
            const prospectsObject = prospectsObjectOf(provider);
            return writeOutboundUsers(tx, { connectionId, provider, prospectsObject }, users.records);
          }
          const written = await writeOutboundProspects(tx, provider, prospects?.records ?? []);
          removed = written.removed;
          return written.tracked;
        },
      );
      return {
        done: next === undefined,
        stored: page.records.length,
        removed,
        calls: response.calls,
        ...(response.budget && { budget: response.budget }),
      };
    },
    /** After a full re-sync: the users or prospects it did not see are gone at the provider. */
    removeUnseen: ({ connectionId, object, runId }: OutboundPageInput): Promise<number> =>
      removeUnseenOutboundRecords(db, { connectionId, provider, object, isUsers: object === 'users', runId }),
  };
}
