// Opens the service's database, SQLite or PostgreSQL, and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type Expression,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
  sql,
} from 'kysely';
import { Pool } from 'pg';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;

/** SQLite in one file (the embedded default keeps it under DATA_DIR), or a PostgreSQL server (DATABASE_URL). */
export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  return config.kind === 'postgres' ? openPostgres(config.url) : openSqlite(config.file);
}

/**
 * Bounds on every PostgreSQL call the service makes, so an unreachable or stuck server fails a request (503
 * `database_unavailable`) or an activity attempt (retried by Temporal) instead of holding it: waiting for a pooled
 * connection or opening one, a statement on the server, and the client's wait for any answer (the network or
 * server gone silent). Migrations run without them: they may rightly take long, or wait for another process's turn.
 */
export const POSTGRES_TIMEOUTS = { connectMs: 5_000, statementMs: 15_000, queryMs: 20_000 } as const;

function postgresPool(url: string, bounded: boolean): Pool {
  const pool = new Pool({
    connectionString: url,
    max: 10,
    // A server that vanished without closing the socket is noticed instead of waited on forever.
    keepAlive: true,
    ...(bounded && {
      connectionTimeoutMillis: POSTGRES_TIMEOUTS.connectMs,
      statement_timeout: POSTGRES_TIMEOUTS.statementMs,
      query_timeout: POSTGRES_TIMEOUTS.queryMs,
    }),
  });
  // An idle client whose connection breaks (server restart, network) emits here; unhandled it would end the
  // process. The pool drops that client, and the next query connects afresh.
  pool.on('error', () => {});
  // So can a client in use between two queries (inside a transaction), when the server shuts down and tells every
  // session so (57P01); the pool only listens on idle ones. That client's next query fails instead (an outage: 503),
  // and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

async function openPostgres(url: string): Promise<Db> {
  // Kysely's Migrator holds a PostgreSQL advisory lock while it migrates, in one transaction: processes starting
  // together take turns, and the later ones find nothing left to do.
  await migrate(new Kysely<Database>({ dialect: new PostgresDialect({ pool: postgresPool(url, false) }) }), {
    destroy: true,
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: postgresPool(url, true) }) });
}

async function openSqlite(file: string): Promise<Db> {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // WAL lets the API read while the worker writes; the busy timeout waits out the other process's writes.
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: reusingStatements(sqlite) }) });
  // On SQLite the Migrator takes no lock and runs migrations outside any transaction, so two processes opening one
  // file at once would both create the tables. Hold the write lock for the whole run instead: the other waits, then
  // finds nothing to do, and a failed migration leaves nothing half-applied.
  try {
    await takeWriteLock(sqlite);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  await migrate(db, {
    transaction: {
      commit: () => sqlite.exec('COMMIT'),
      rollback: () => {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      },
    },
  });
  return db;
}

/**
 * Kysely prepares every query afresh, and compiling SQL was the largest database cost in the bench's CPU profiles
 * (about 6% of the worker's and the API's main threads). The service issues a small, fixed set of statements, so
 * each is compiled once and reused; a statement still busy (being iterated) is never shared. Bounded all the same.
 */
function reusingStatements(sqlite: SqliteDatabase.Database, max = 1000): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(sql);
      if (statements.size >= max) statements.clear();
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * BEGIN IMMEDIATE, retried without blocking: the busy timeout would block the event loop, and with it the other
 * connection of this process that holds the lock and is waiting to finish.
 */
async function takeWriteLock(sqlite: SqliteDatabase.Database, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  sqlite.pragma('busy_timeout = 0');
  try {
    for (;;) {
      try {
        sqlite.exec('BEGIN IMMEDIATE');
        return;
      } catch (error) {
        if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
  } finally {
    sqlite.pragma('busy_timeout = 5000');
  }
}

/** Brings the schema up to date; closes `db` if that fails, or always when `destroy` is set (a migration-only pool). */
async function migrate(
  db: Db,
  { transaction, destroy = false }: { transaction?: { commit(): void; rollback(): void }; destroy?: boolean } = {},
): Promise<void> {
  // Unordered: migration names are handed out ahead to work landing in parallel, so one numbered lower may land
  // after a higher one a database has already run; each is independent of the others' order.
  const migrator = new Migrator({ db, provider: migrationProvider, allowUnorderedMigrations: true });
  const { error } = await migrator.migrateToLatest().catch((error) => ({
    error: error as unknown,
  }));
  if (error) {
    transaction?.rollback();
    await db.destroy();
    throw error;
  }
  transaction?.commit();
  if (destroy) await db.destroy();
}

/**
 * `column` to order by as SQLite compares text, byte by byte. PostgreSQL orders text by the database's collation,
 * which under a language locale puts `alice` before `Bob` and may skip punctuation: the same query would list ids
 * in a different order on each database.
 */
export function byteOrder(db: Pick<Db, 'getExecutor'>, column: string): Expression<string> {
  return isPostgres(db) ? sql<string>`${sql.ref(column)} collate "C"` : sql.ref(column);
}

/** For the few statements that must differ between the two: collations, row locks. Works on a transaction too. */
export function isPostgres(db: Pick<Db, 'getExecutor'>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Runs `work` (a whole transaction) again when it lost a race to a concurrent writer: it inserted a key another
 * transaction inserted first, or deadlocked with one. SQLite serialises a process's transactions on its one
 * connection, so this only happens there across processes; on PostgreSQL's pool it happens within one. The retry
 * reads the winner's rows, so it ends as if the two had run one after the other.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
    }
  }
}

function isWriteConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL: unique_violation, deadlock_detected. SQLite: a primary key or unique constraint.
  return (
    code === '23505' ||
    code === '40P01' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE'
  );
}
