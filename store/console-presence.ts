// Presence tied to a live console: every rep event stream a rep holds with their own token has a lease here, renewed
// while the stream is open by whichever API process holds it and ended when it closes. A process that dies stops
// renewing, so its streams' leases run out on their own. The sweep (workflows/sweep-console-presence.ts) sets away
// the available reps whose last lease ran out more than the grace period ago.
import { sql } from 'kysely';
import { rowChunks } from './batching';
import type { Db } from './database';
import { appendRepEvents } from './rep-events';
import { recordWebhookDeliveries } from './webhooks';

/** Why the service set a rep away: carried by `presence.changed` as `reason`. */
export const consoleDisconnectedReason = 'console_disconnected';

export interface StreamLease {
  streamId: string;
  repId: string;
}

/** Holds `leases` until `expiresAt`: creates them, or renews them (a renewal also restores one swept by mistake). */
export async function holdStreamLeases(db: Db, leases: readonly StreamLease[], expiresAt: string): Promise<void> {
  const rows = leases.map(({ streamId, repId }) => ({ stream_id: streamId, rep_id: repId, expires_at: expiresAt }));
  for (const chunk of rowChunks(rows)) {
    await db
      .insertInto('rep_stream_leases')
      .values(chunk)
      .onConflict((oc) => oc.column('stream_id').doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') }))
      .execute();
  }
}

/** The stream closed at `at`: its lease ends then, and the grace period counts from there. */
export async function endStreamLease(db: Db, streamId: string, at: string): Promise<void> {
  await db.updateTable('rep_stream_leases').set({ expires_at: at }).where('stream_id', '=', streamId).execute();
}

/**
 * Sets away the available reps whose every stream lease ended at or before `cutoff` (now minus the grace period),
 * telling their event stream and `presence.changed` webhooks why, and forgets the leases that ended by then: a rep
 * is judged again only once they hold a stream again. Returns who was set away and the deliveries to start.
 */
export async function setAwayRepsWithoutConsole(
  db: Db,
  cutoff: string,
): Promise<{ repIds: string[]; webhookDeliveryIds: string[] }> {
  return db.transaction().execute(async (tx) => {
    // One statement, so a stream opened meanwhile is either seen (and keeps its rep) or opened after the change.
    const gone = tx
      .selectFrom('rep_stream_leases')
      .select('rep_id')
      .groupBy('rep_id')
      .having(sql<string>`max(expires_at)`, '<=', cutoff);
    const setAway = await tx
      .updateTable('users')
      .set({ status: 'away', missed_offers_in_row: 0, updated_at: new Date().toISOString() })
      .where('status', '=', 'available')
      .where('id', 'in', gone)
      .returning('id')
      .execute();
    await tx.deleteFrom('rep_stream_leases').where('expires_at', '<=', cutoff).execute();
    const repIds = setAway.map((rep) => rep.id).sort();
    const data = { status: 'away', reason: consoleDisconnectedReason };
    const webhookDeliveryIds = await recordWebhookDeliveries(
      tx,
      repIds.map((repId) => ({ type: 'presence.changed' as const, data: { repId, ...data } })),
    );
    // Last: on PostgreSQL it takes the lock that orders event ids, held until commit.
    await appendRepEvents(
      tx,
      repIds.map((repId) => ({ repId, type: 'presence.changed' as const, data })),
    );
    return { repIds, webhookDeliveryIds };
  });
}
