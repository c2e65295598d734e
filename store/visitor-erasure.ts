// A visitor's erasure from the store, for privacy requests: every row of their routings, which is where everything
// the service keeps about a visitor lives (the visitor itself once per routing, and what refers to those routings),
// and the outbound link clicks they redeemed.
import { slices } from './batching';
import type { Db } from './database';
import { deleteRoutingRows } from './projection';

export interface VisitorRouting {
  routingId: string;
  status: string;
}

/** What one erasure deleted, per kind. */
export interface ErasedRows {
  routings: number;
  offers: number;
  conversations: number;
  repEvents: number;
  webhookDeliveries: number;
  /** Clicks on tracked outbound links the visitor redeemed (which email of whose they clicked). */
  outboundClicks: number;
}

/** The visitor's routings as the store knows them: its row is written with the routing's first write. */
export async function routingsOfVisitor(db: Db, visitorId: string): Promise<VisitorRouting[]> {
  const rows = await db
    .selectFrom('routings')
    .select(['routing_id', 'status'])
    .where('visitor_id', '=', visitorId)
    .execute();
  return rows.map((row) => ({ routingId: row.routing_id, status: row.status }));
}

/**
 * Deletes the visitor's routings and everything keyed to them, in one transaction: their offers, conversations, reps'
 * stream events, webhook deliveries (whose payloads carry the visitor) with their attempts, and round-robin turns;
 * and the outbound link clicks the visitor redeemed.
 */
export async function eraseVisitorRows(db: Db, visitorId: string, routingIds: readonly string[]): Promise<ErasedRows> {
  const erased: ErasedRows = {
    routings: 0,
    offers: 0,
    conversations: 0,
    repEvents: 0,
    webhookDeliveries: 0,
    outboundClicks: 0,
  };
  await db.transaction().execute(async (tx) => {
    const count = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);
    erased.outboundClicks = count(
      await tx.deleteFrom('outbound_clicks').where('visitor_id', '=', visitorId).executeTakeFirst(),
    );
    for (const ids of slices(routingIds)) {
      erased.repEvents += count(await tx.deleteFrom('rep_events').where('routing_id', 'in', ids).executeTakeFirst());
      // Attempts go with their delivery (foreign key, on delete cascade).
      erased.webhookDeliveries += count(
        await tx.deleteFrom('webhook_deliveries').where('routing_id', 'in', ids).executeTakeFirst(),
      );
      const rows = await deleteRoutingRows(tx, ids);
      erased.offers += rows.offers;
      erased.conversations += rows.conversations;
      erased.routings += rows.routings;
    }
  });
  return erased;
}
