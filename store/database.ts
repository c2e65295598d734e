// Opens the service's database and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface DatabaseConfig {
  /** SQLite file; the embedded default keeps it under DATA_DIR. */
  sqliteFile: string;
}

export async function openDatabase(config: DatabaseConfig): Promise<Db> {
  mkdirSync(path.dirname(config.sqliteFile), { recursive: true });
  const sqlite = new SqliteDatabase(config.sqliteFile);
  // WAL lets the API read while the worker writes; the busy timeout waits out the other process's writes.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    await db.destroy();
    throw error;
  }
  return db;
}
