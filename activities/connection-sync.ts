// The activities of a connection's sync (workflows/sync-connection.ts): the connection's status around the sync,
// and per provider one page of one object, read and committed with its cursor. Each provider plugs its page reader
// into `providerSyncs`; the map is exhaustive, so a new provider cannot be forgotten.
import { ApplicationFailure } from '@temporalio/common';
import type { Dispatcher } from 'undici';
import { outboundSync } from '../connectors/outbound-sync';
import { providerClient, type SessionSource } from '../connectors/provider-client';
import { type LiveLookupOptions, SalesforceLiveLookup } from '../connectors/salesforce/live-lookup';
import type { SalesforceObject } from '../connectors/salesforce/objects';
import { readSalesforcePage, SalesforceLimitExceeded } from '../connectors/salesforce/read-page';
import type { ApiBudget, ConnectionProvider } from '../domain/connections';
import { beginFullSync, readSyncCursor, syncedRecordCounts } from '../store/connection-sync';
import { getConnection, markConnectionError, markSyncing, recordSyncResult } from '../store/connections';
import type { Db } from '../store/database';
import { applySalesforcePage, removeUnseenSalesforceRecords } from '../store/salesforce-sync';

/** The failure types the sync workflow tells apart (ApplicationFailure.type). */
export const syncFailureTypes = {
  /** The provider's API budget is used up: the workflow pauses, then carries on. */
  limitExceeded: 'provider_limit_exceeded',
  /** This worker cannot sync the provider (not wired yet): no retry helps. */
  unsupported: 'provider_unsupported',
} as const;

export interface SyncPageInput {
  connectionId: string;
  object: string;
  /** The sync run reading: what a full re-sync's records are marked as seen by. */
  runId: string;
}

export interface SyncPageOutcome {
  /** No page follows for this object. */
  done: boolean;
  stored: number;
  removed: number;
  budget?: ApiBudget;
  calls: number;
}

/** One provider's part of the sync: a page of an object, and after a full re-sync the records it did not see. */
export interface ProviderSync {
  syncPage(input: SyncPageInput): Promise<SyncPageOutcome>;
  removeUnseen(input: SyncPageInput): Promise<number>;
}

export interface ConnectionSyncOptions {
  sessions: SessionSource;
  /** The outbound guard's dispatcher (OUTBOUND_ALLOWED_HOSTS) every provider call goes through. */
  dispatcher: Dispatcher;
  /** The Salesforce stages' live lookup: its time budget and cache (defaults: 300 ms, 5 minutes). */
  liveLookup?: Partial<LiveLookupOptions>;
}

/** The live lookup the Salesforce stages use on a worker that syncs connections. */
export const salesforceLiveLookup = (db: Db, options: ConnectionSyncOptions) =>
  new SalesforceLiveLookup(db, options.sessions, options.dispatcher, options.liveLookup);

function salesforceSync(db: Db, options: ConnectionSyncOptions): ProviderSync {
  return {
    async syncPage({ connectionId, object, runId }) {
      const salesforceObject = object as SalesforceObject;
      const cursor = await readSyncCursor(db, connectionId, object);
      let read: Awaited<ReturnType<typeof readSalesforcePage>>;
      try {
        read = await readSalesforcePage(connectionId, salesforceObject, cursor, options.sessions, options.dispatcher);
      } catch (error) {
        if (error instanceof SalesforceLimitExceeded) {
          throw ApplicationFailure.nonRetryable(error.message, syncFailureTypes.limitExceeded);
        }
        throw error;
      }
      const counts = await applySalesforcePage(db, connectionId, runId, read.page, read.cursor);
      return { done: read.done, ...counts, ...(read.budget && { budget: read.budget }), calls: read.calls };
    },
    removeUnseen: ({ connectionId, object, runId }) =>
      removeUnseenSalesforceRecords(db, connectionId, object as SalesforceObject, runId),
  };
}

export function createConnectionSyncActivities(db: Db, options: ConnectionSyncOptions) {
  const outboundClient = providerClient(options.sessions, options.dispatcher);
  const providerSyncs: Record<ConnectionProvider, ProviderSync> = {
    salesforce: salesforceSync(db, options),
    outreach: outboundSync(db, outboundClient, 'outreach'),
    salesloft: outboundSync(db, outboundClient, 'salesloft'),
  };
  return {
    /** The connection's provider, its status now `syncing`; undefined when the connection was deleted. */
    async connectionSyncStarting(connectionId: string): Promise<ConnectionProvider | undefined> {
      const connection = await getConnection(db, connectionId);
      if (!connection) return undefined;
      await markSyncing(db, connectionId);
      return connection.provider;
    },
    /** A full re-sync of `object` starts from the beginning (once per run: a resumed run keeps its place). */
    async connectionFullSyncStarting(input: SyncPageInput): Promise<void> {
      await beginFullSync(db, input.connectionId, input.object, input.runId);
    },
    connectionSyncPage: (provider: ConnectionProvider, input: SyncPageInput) => providerSyncs[provider].syncPage(input),
    connectionRemoveUnseen: (provider: ConnectionProvider, input: SyncPageInput) =>
      providerSyncs[provider].removeUnseen(input),
    /** The sync ended well: records per object, the last budget reported, when. */
    async connectionSynced(connectionId: string, result: { budget?: ApiBudget; syncedAt: string }): Promise<void> {
      const records = await syncedRecordCounts(db, connectionId);
      await recordSyncResult(db, connectionId, { records, ...result });
    },
    async connectionSyncFailed(connectionId: string, reason: string): Promise<void> {
      await markConnectionError(db, connectionId, reason);
    },
  };
}

export type ConnectionSyncActivities = ReturnType<typeof createConnectionSyncActivities>;
