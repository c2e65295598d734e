// Splits work so that no statement binds more values than the database allows: PostgreSQL refuses more than 65,535
// (and miscounts beyond that), SQLite 32,766 (999 before 3.32). Lists and bulk inserts are bounded by the API, but
// some bounds (all chat users, a 10,000-member group) come close enough that every list is split the same way.

/** Values bound per statement: SQLite's historical default, far below either database's limit. */
export const MAX_BOUND_VALUES = 999;

/** `values` in slices small enough to bind in one `in (...)` next to a few other parameters. */
export function slices<T>(values: readonly T[], size = MAX_BOUND_VALUES - 20): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

/** Rows for a multi-row insert, in chunks that bind at most MAX_BOUND_VALUES values each. */
export function rowChunks<T extends object>(rows: readonly T[]): T[][] {
  const first = rows[0];
  if (!first) return [];
  return slices(rows, Math.max(1, Math.floor(MAX_BOUND_VALUES / Object.keys(first).length)));
}
