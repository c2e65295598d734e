// Round-robin turns: a counter per rotation (rule and stage) advanced by one atomic statement per routing, and the
// turn each routing took, so asking again for the same routing returns the same turn. Weighted turns also keep each
// rep's standing in the rotation (rotation_standings).
import { sql } from 'kysely';
import { decideRotationTurn, type RotationStanding, type RotationTurn, type WeightedRep } from '../domain/rotation';
import type { Db } from './database';

type Reader = Pick<Db, 'selectFrom'>;

const turnOf = async (db: Reader, rotationKey: string, routingId: string) =>
  (
    await db
      .selectFrom('round_robin_turns')
      .select('turn')
      .where('rotation_key', '=', rotationKey)
      .where('routing_id', '=', routingId)
      .executeTakeFirst()
  )?.turn;

/**
 * The plain rotation's turn, for routings started before weighted rotation (their replays ask for it). The turn (0, 1, 2, ...) `routingId` takes in `rotationKey`. The counter moves by one upsert-and-return statement,
 * so concurrent routings on any number of workers each get a distinct turn without a lock held across calls; a
 * repeated call for the same routing (a re-run activity) returns the turn it already took.
 */
export async function takeTurn(db: Db, rotationKey: string, routingId: string): Promise<number> {
  const taken = await turnOf(db, rotationKey, routingId);
  if (taken !== undefined) return taken;
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('round_robin_cursors')
      .values({ rotation_key: rotationKey, next_turn: 1 })
      .onConflict((oc) => oc.column('rotation_key').doUpdateSet({ next_turn: sql`round_robin_cursors.next_turn + 1` }))
      .returning('next_turn')
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('round_robin_turns')
      .values({ rotation_key: rotationKey, routing_id: routingId, turn: row.next_turn - 1 })
      .onConflict((oc) => oc.columns(['rotation_key', 'routing_id']).doNothing())
      .execute();
    // Two runs of one routing at the same moment: both keep the turn that was recorded first.
    return (await turnOf(tx, rotationKey, routingId)) as number;
  });
}

/** Every rep's standing in `rotationKey` for `period`: rows of earlier periods count as none. */
export async function rotationStandings(
  db: Reader,
  rotationKey: string,
  period: string,
): Promise<Map<string, RotationStanding>> {
  const rows = await db
    .selectFrom('rotation_standings')
    .select(['rep_id', 'credit', 'first_offers', 'last_turn'])
    .where('rotation_key', '=', rotationKey)
    .where('period', '=', period)
    .execute();
  return new Map(
    rows.map((row) => [
      row.rep_id,
      { credit: Number(row.credit), firstOffers: Number(row.first_offers), lastTurn: Number(row.last_turn) },
    ]),
  );
}

const decisionOf = async (db: Reader, rotationKey: string, routingId: string) => {
  const row = await db
    .selectFrom('round_robin_turns')
    .select('decision')
    .where('rotation_key', '=', rotationKey)
    .where('routing_id', '=', routingId)
    .executeTakeFirst();
  return row?.decision ? (JSON.parse(row.decision) as RotationTurn) : undefined;
};

/**
 * The weighted turn `routingId` takes in `rotationKey` over the `eligible` reps (domain/rotation.ts), with the
 * standings it leaves. The cursor's upsert comes first, so it holds the rotation's row lock (PostgreSQL) or the
 * write lock (SQLite) while the standings are read and written: concurrent routings on any number of workers decide
 * one after another. A repeated call for the same routing returns the turn it already took.
 */
export async function takeWeightedTurn(
  db: Db,
  {
    rotationKey,
    routingId,
    period,
    eligible,
  }: { rotationKey: string; routingId: string; period: string; eligible: readonly WeightedRep[] },
): Promise<RotationTurn> {
  const taken = await decisionOf(db, rotationKey, routingId);
  if (taken) return taken;
  return db.transaction().execute(async (tx) => {
    const cursor = await tx
      .insertInto('round_robin_cursors')
      .values({ rotation_key: rotationKey, next_turn: 1 })
      .onConflict((oc) => oc.column('rotation_key').doUpdateSet({ next_turn: sql`round_robin_cursors.next_turn + 1` }))
      .returning('next_turn')
      .executeTakeFirstOrThrow();
    // Another run of this routing may have decided while this one waited for the lock.
    const decidedMeanwhile = await decisionOf(tx, rotationKey, routingId);
    if (decidedMeanwhile) return decidedMeanwhile;
    const stored = await rotationStandings(tx, rotationKey, period);
    const { turn, standings } = decideRotationTurn(eligible, stored, cursor.next_turn - 1);
    for (const [repId, standing] of standings) {
      const row = { credit: standing.credit, first_offers: standing.firstOffers, last_turn: standing.lastTurn, period };
      await tx
        .insertInto('rotation_standings')
        .values({ rotation_key: rotationKey, rep_id: repId, ...row })
        .onConflict((oc) => oc.columns(['rotation_key', 'rep_id']).doUpdateSet(row))
        .execute();
    }
    await tx
      .insertInto('round_robin_turns')
      .values({ rotation_key: rotationKey, routing_id: routingId, turn: turn.turn, decision: JSON.stringify(turn) })
      .execute();
    return turn;
  });
}

/** The weighted turn the next routing would take over `eligible`, taking nothing: what a simulation shows. */
export async function peekWeightedTurn(
  db: Reader,
  { rotationKey, period, eligible }: { rotationKey: string; period: string; eligible: readonly WeightedRep[] },
): Promise<RotationTurn> {
  const cursor = await db
    .selectFrom('round_robin_cursors')
    .select('next_turn')
    .where('rotation_key', '=', rotationKey)
    .executeTakeFirst();
  const stored = await rotationStandings(db, rotationKey, period);
  return decideRotationTurn(eligible, stored, cursor?.next_turn ?? 0).turn;
}
