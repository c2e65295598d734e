// Offers a rep lets time out in a row: at their `away_after_missed_offers` they are set away, as Omni-Channel does,
// so a rep who walked away from their desk stops holding visitors up. Called by the routing writes
// (store/routing-writes.ts) in the transaction that closes the offers, so every worker and API process counts alike.
import type { Db } from './database';
import type { OfferClosure } from './projection';
import type { NewRepEvent } from './rep-events';

/** Why a rep's presence changed without them: carried by `presence.changed` as `reason`. */
export const missedOffersReason = 'missed_offers';

/**
 * Counts the closures that changed an offer: a timeout adds one to the rep's run, an answer (accept or decline) ends
 * it; withdrawals count for nothing. Sets away the available reps whose run reached their limit, starting their
 * count afresh, and returns the `presence.changed` events to append.
 */
export async function countMissedOffers(tx: Db, closures: readonly OfferClosure[]): Promise<NewRepEvent[]> {
  const missed = [...new Set(closures.filter((c) => c.result === 'timed_out').map((c) => c.repId))];
  const answered = [
    ...new Set(closures.filter((c) => c.result === 'accepted' || c.result === 'declined').map((c) => c.repId)),
  ];
  if (answered.length > 0) {
    await tx.updateTable('users').set({ missed_offers_in_row: 0 }).where('id', 'in', answered).execute();
  }
  if (missed.length === 0) return [];
  await tx
    .updateTable('users')
    .set((eb) => ({ missed_offers_in_row: eb('missed_offers_in_row', '+', 1) }))
    .where('id', 'in', missed)
    .execute();
  const setAway = await tx
    .updateTable('users')
    .set({ status: 'away', missed_offers_in_row: 0, updated_at: new Date().toISOString() })
    .where('id', 'in', missed)
    .where('status', '=', 'available')
    .where('away_after_missed_offers', 'is not', null)
    .where((eb) => eb('missed_offers_in_row', '>=', eb.ref('away_after_missed_offers')))
    .returning(['id', 'away_after_missed_offers'])
    .execute();
  return setAway.map((rep) => ({
    repId: rep.id,
    type: 'presence.changed' as const,
    data: { status: 'away', reason: missedOffersReason, missedOffers: rep.away_after_missed_offers },
  }));
}
