// The bulk upsert the synced-record tables share: rows written in key order, in chunks that bind few enough values,
// each row whose conflict key exists already taking the new values of the columns named to update.
import { type Insertable, sql, type Transaction } from 'kysely';
import { rowChunks } from './batching';
import type { Database } from './schema';

/**
 * Rows sorted by key, for writing: concurrent syncs then lock shared rows in the same order, and do not deadlock on
 * PostgreSQL (SQLite takes one lock for the whole transaction).
 */
export function inKeyOrder<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

type Column<T extends keyof Database> = keyof Database[T] & string;

export async function upsertRows<T extends keyof Database>(
  tx: Transaction<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  on: { conflict: readonly Column<T>[]; update: readonly Column<T>[]; key: (row: Insertable<Database[T]>) => string },
  /** Runs after each chunk is written, with that chunk. */
  afterChunk?: (chunk: Insertable<Database[T]>[]) => Promise<void>,
): Promise<void> {
  const updates = Object.fromEntries(on.update.map((column) => [column, sql.ref(`excluded.${column}`)]));
  for (const chunk of rowChunks(inKeyOrder(rows, on.key))) {
    await tx
      .insertInto(table)
      .values(chunk as never)
      .onConflict((oc) => oc.columns(on.conflict as never).doUpdateSet(updates as never))
      .execute();
    await afterChunk?.(chunk);
  }
}
