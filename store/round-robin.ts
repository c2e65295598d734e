// Round-robin turns: a counter per rotation (rule and stage) advanced by one atomic statement per routing, and the
// turn each routing took, so asking again for the same routing returns the same turn.
import { sql } from 'kysely';
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
 * The turn (0, 1, 2, ...) `routingId` takes in `rotationKey`. The counter moves by one upsert-and-return statement,
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
