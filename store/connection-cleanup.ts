// What deleting a connection removes once it is marked deleted (store/connections.ts `markConnectionDeleted`): every
// record it synced, with the rows routing reads, a batch per transaction, then its cursors and its row. Each step can
// be repeated, so the workflow driving it (workflows/delete-connection.ts) simply retries one a dead worker left.
import { type ConnectionProvider, type SyncedObject, syncedObjects } from '../domain/connections';
import { removeConnectionRow } from './connections';
import { type Db, retryOnConflict } from './database';
import { removeOutboundRecords } from './outbound-sync';
import { removeSalesforceRecords } from './salesforce-sync';

/**
 * One batch of up to `limit` records the connection synced, removed with their rows in one transaction. Returns how
 * many went: 0 once none is left.
 */
export async function removeSyncedRecordsBatch(
  db: Db,
  connectionId: string,
  provider: ConnectionProvider,
  limit: number,
): Promise<number> {
  for (const object of syncedObjects[provider]) {
    const rows = await db
      .selectFrom('connection_records')
      .select('record_id')
      .where('connection_id', '=', connectionId)
      .where('object', '=', object)
      .limit(limit)
      .execute();
    if (rows.length === 0) continue;
    const ids = rows.map((row) => row.record_id);
    await retryOnConflict(() =>
      db
        .transaction()
        .execute((tx) =>
          provider === 'salesforce'
            ? removeSalesforceRecords(tx, connectionId, object as SyncedObject<'salesforce'>, ids)
            : removeOutboundRecords(tx, { connectionId, provider, object, isUsers: object === 'users' }, ids),
        ),
    );
    return ids.length;
  }
  return 0;
}

/** The last step, after every record went: the sync cursors, the org's users, and the row with its secrets. */
export async function removeConnectionRemains(db: Db, connectionId: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('connection_sync_cursors').where('connection_id', '=', connectionId).execute();
    await tx.deleteFrom('connection_records').where('connection_id', '=', connectionId).execute();
    await tx.deleteFrom('salesforce_users').where('connection_id', '=', connectionId).execute();
    await removeConnectionRow(tx, connectionId);
  });
}
