// Round-robin turns: a counter per rotation (rule and stage) advanced by one atomic statement per routing.
import { sql } from 'kysely';
import type { Db } from './database';

/**
 * Takes the next turn of `rotationKey` and returns it (0, 1, 2, ...). A single upsert-and-return statement, so
 * concurrent routings on any number of workers each get a distinct turn without a lock held across calls.
 */
export async function takeTurn(db: Db, rotationKey: string): Promise<number> {
  const row = await db
    .insertInto('round_robin_cursors')
    .values({ rotation_key: rotationKey, next_turn: 1 })
    .onConflict((oc) => oc.column('rotation_key').doUpdateSet({ next_turn: sql`round_robin_cursors.next_turn + 1` }))
    .returning('next_turn')
    .executeTakeFirstOrThrow();
  return row.next_turn - 1;
}
