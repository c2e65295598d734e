// Deleting what the retention settings no longer keep, one bounded batch per call: each batch is one short
// transaction, so a large backlog never holds a long lock. Open routings and active conversations are never touched.
import type { Db } from './database';
import { deleteRoutingRows } from './projection';

/**
 * Up to `limit` finished routings that ended before `before`, with everything stored per routing: offers,
 * conversation, round-robin turns (and the visitor, kept on the routing's row). A routing whose conversation is
 * still active is kept whatever its age: it counts against its rep's capacity until it ends. Returns how many went.
 */
export async function purgeFinishedRoutings(db: Db, before: string, limit: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('routings')
      .select('routing_id')
      .where('ended_at', '<', before) // an open routing has no end yet
      .where('status', '!=', 'routing')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('conversations')
              .select('conversations.routing_id')
              .whereRef('conversations.routing_id', '=', 'routings.routing_id')
              .where('conversations.ended_at', 'is', null),
          ),
        ),
      )
      .orderBy('ended_at')
      .limit(limit)
      .execute();
    const ids = rows.map((row) => row.routing_id);
    if (ids.length === 0) return 0;
    await deleteRoutingRows(tx, ids);
    return ids.length;
  });
}

/** Up to `limit` rep stream events created before `before`, oldest first. Returns how many went. */
export async function purgeRepEvents(db: Db, before: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('rep_events')
    .where('id', 'in', (eb) =>
      eb.selectFrom('rep_events').select('id').where('created_at', '<', before).orderBy('id').limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Up to `limit` webhook deliveries created before `before` that are over (succeeded or failed), with their attempts.
 * A delivery still pending is kept: its workflow is still sending it. Returns how many went.
 */
export async function purgeWebhookDeliveries(db: Db, before: string, limit: number): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const rows = await tx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('created_at', '<', before)
      .where('status', '!=', 'pending')
      .orderBy('created_at')
      .limit(limit)
      .execute();
    const ids = rows.map((row) => row.id);
    if (ids.length === 0) return 0;
    await tx.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
    await tx.deleteFrom('webhook_deliveries').where('id', 'in', ids).execute();
    return ids.length;
  });
}

/**
 * Up to `limit` clicks on tracked outbound links made before `before` (their token long expired; a routing that
 * redeemed one keeps the sender on its own row). Returns how many went.
 */
export async function purgeOutboundClicks(db: Db, before: string, limit: number): Promise<number> {
  const result = await db
    .deleteFrom('outbound_clicks')
    .where('token_hash', 'in', (eb) =>
      eb
        .selectFrom('outbound_clicks')
        .select('token_hash')
        .where('clicked_at', '<', before)
        .orderBy('clicked_at')
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
