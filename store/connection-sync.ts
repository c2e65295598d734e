// Where each connection's sync stands, and which records it brought in. A connector commits every page's records
// with its cursor in one transaction (`commitSyncPage`), so a sync killed at any point resumes after the last page
// it committed: no page is lost, and none is applied twice.
import type { Transaction } from 'kysely';
import { rowChunks } from './batching';
import { lockLiveConnection } from './connections';
import { type Db, retryOnConflict } from './database';
import { ConnectionUnavailableError } from './errors';
import type { ConnectionRecordsTable, Database } from './schema';

export type Tx = Transaction<Database>;

/** Where the next page of one object starts. All null: from the beginning. */
export interface SyncCursor {
  /** The last record read's modification stamp (Salesforce's SystemModstamp), and its id to break ties. */
  highWater: string | null;
  lastId: string | null;
  /** The provider's link to the next page of the query under way (Salesforce's nextRecordsUrl). */
  nextPage: string | null;
}

export const emptyCursor: SyncCursor = { highWater: null, lastId: null, nextPage: null };

/** A record a page brought in, as the connection tracks it. */
export interface TrackedRecord {
  id: string;
  /** The provider's id of the record's owner, so an owner's changed email can reach their records. */
  ownerId?: string | undefined;
  /** How the stored row is keyed when not by `id` (an account team member: account and user email). */
  storeKey?: string | undefined;
}

export async function readSyncCursor(db: Db | Tx, connectionId: string, object: string): Promise<SyncCursor> {
  const row = await db
    .selectFrom('connection_sync_cursors')
    .select(['high_water', 'last_id', 'next_page'])
    .where('connection_id', '=', connectionId)
    .where('object', '=', object)
    .executeTakeFirst();
  return row ? { highWater: row.high_water, lastId: row.last_id, nextPage: row.next_page } : emptyCursor;
}

async function writeSyncCursor(tx: Tx, connectionId: string, object: string, cursor: SyncCursor, fullRun?: string) {
  const values = {
    high_water: cursor.highWater,
    last_id: cursor.lastId,
    next_page: cursor.nextPage,
    updated_at: new Date().toISOString(),
    ...(fullRun !== undefined && { full_run: fullRun }),
  };
  await tx
    .insertInto('connection_sync_cursors')
    .values({ connection_id: connectionId, object, full_run: null, ...values })
    .onConflict((oc) => oc.columns(['connection_id', 'object']).doUpdateSet(values))
    .execute();
}

/**
 * Starts a full re-sync of `object` from the beginning, once per run: a run resumed after a crash keeps the cursor
 * it had reached. Returns whether the cursor was reset.
 */
export async function beginFullSync(db: Db, connectionId: string, object: string, runId: string): Promise<boolean> {
  return retryOnConflict(() =>
    db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('connection_sync_cursors')
        .select('full_run')
        .where('connection_id', '=', connectionId)
        .where('object', '=', object)
        .executeTakeFirst();
      if (row?.full_run === runId) return false;
      await writeSyncCursor(tx, connectionId, object, emptyCursor, runId);
      return true;
    }),
  );
}

/**
 * One page, all or nothing, of a connection not deleted: the deleted records are untracked, `apply` writes the page to the tables routing reads
 * (given what was tracked of the deleted ones) and returns the records to track as seen by `runId`, and the cursor
 * moves on.
 */
export async function commitSyncPage(
  db: Db,
  page: { connectionId: string; object: string; runId: string; cursor: SyncCursor; deletedIds: readonly string[] },
  apply: (tx: Tx, deleted: readonly ConnectionRecordsTable[]) => Promise<readonly TrackedRecord[]>,
): Promise<void> {
  await retryOnConflict(() =>
    db.transaction().execute(async (tx) => {
      // A connection deleted meanwhile takes no more records: its removal (store/connection-cleanup.ts) may be
      // under way, and would leave these behind.
      if (!(await lockLiveConnection(tx, page.connectionId))) {
        throw new ConnectionUnavailableError(`connection ${page.connectionId} was deleted`);
      }
      const deleted = await untrackRecords(tx, page.connectionId, page.object, page.deletedIds);
      const seen = await apply(tx, deleted);
      await trackRecords(tx, page.connectionId, page.object, page.runId, seen);
      await writeSyncCursor(tx, page.connectionId, page.object, page.cursor);
    }),
  );
}

async function trackRecords(
  tx: Tx,
  connectionId: string,
  object: string,
  runId: string,
  records: readonly TrackedRecord[],
): Promise<void> {
  const byId = new Map(records.map((record) => [record.id, record]));
  const rows: ConnectionRecordsTable[] = [...byId.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((record) => ({
      connection_id: connectionId,
      object,
      record_id: record.id,
      owner_id: record.ownerId ?? null,
      store_key: record.storeKey ?? null,
      seen_run: runId,
    }));
  for (const chunk of rowChunks(rows)) {
    await tx
      .insertInto('connection_records')
      .values(chunk)
      .onConflict((oc) =>
        oc.columns(['connection_id', 'object', 'record_id']).doUpdateSet((eb) => ({
          owner_id: eb.ref('excluded.owner_id'),
          store_key: eb.ref('excluded.store_key'),
          seen_run: eb.ref('excluded.seen_run'),
        })),
      )
      .execute();
  }
}

/** Forgets records and returns what was tracked of them (their store keys), for removing their stored rows. */
export async function untrackRecords(
  tx: Tx,
  connectionId: string,
  object: string,
  ids: readonly string[],
): Promise<ConnectionRecordsTable[]> {
  const removed: ConnectionRecordsTable[] = [];
  for (const chunk of rowChunks([...new Set(ids)].map((id) => ({ id })))) {
    const chunkIds = chunk.map((row) => row.id);
    removed.push(
      ...(await tx
        .selectFrom('connection_records')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('object', '=', object)
        .where('record_id', 'in', chunkIds)
        .execute()),
    );
    await tx
      .deleteFrom('connection_records')
      .where('connection_id', '=', connectionId)
      .where('object', '=', object)
      .where('record_id', 'in', chunkIds)
      .execute();
  }
  return removed;
}

/** Up to `limit` record ids of `object` the full run `runId` did not see: gone from the provider. */
export async function unseenRecordIds(
  db: Db,
  connectionId: string,
  object: string,
  runId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('connection_records')
    .select('record_id')
    .where('connection_id', '=', connectionId)
    .where('object', '=', object)
    .where('seen_run', '<>', runId)
    .limit(limit)
    .execute();
  return rows.map((row) => row.record_id);
}

/** Records per object the connection holds, for its status. */
export async function syncedRecordCounts(db: Db, connectionId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('connection_records')
    .select((eb) => ['object', eb.fn.countAll<number | string>().as('count')])
    .where('connection_id', '=', connectionId)
    .groupBy('object')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.object, Number(row.count)]));
}

/** Record ids of `object` a provider user owns, for re-pointing them at the owner's new email. */
export async function recordIdsOwnedBy(
  tx: Tx,
  connectionId: string,
  object: string,
  ownerIds: readonly string[],
): Promise<string[]> {
  if (ownerIds.length === 0) return [];
  const rows = await tx
    .selectFrom('connection_records')
    .select('record_id')
    .where('connection_id', '=', connectionId)
    .where('object', '=', object)
    .where('owner_id', 'in', [...ownerIds])
    .execute();
  return rows.map((row) => row.record_id);
}
