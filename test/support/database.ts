// A fresh, empty database on the database under test (TEST_DATABASE, set by test/run.ts): a SQLite file in a temp
// dir, or a new database on the suite's PostgreSQL server. Each test file gets its own, so files run in parallel.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { Client, Pool } from 'pg';
import type { DatabaseConfig } from '../../store/database';
import { migrationProvider } from '../../store/migrations';

export type DatabaseKind = DatabaseConfig['kind'];

export interface TestDatabase {
  config: DatabaseConfig;
  /** Removes the database. Close every connection to it first. */
  drop(): Promise<void>;
}

export function databaseUnderTest(): DatabaseKind {
  const kind = process.env.TEST_DATABASE;
  if (kind === 'sqlite' || kind === 'postgres') return kind;
  throw new Error(`TEST_DATABASE must be sqlite or postgres (it is ${kind ?? 'unset'}): run tests with \`npm test\``);
}

async function withAdmin<T>(work: (admin: Client) => Promise<T>): Promise<T> {
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_POSTGRES_URL is not set: run tests with `npm test`');
  const admin = new Client({ connectionString: url });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (databaseUnderTest() === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'routing-test-'));
    return {
      config: { kind: 'sqlite', file: path.join(dir, 'routing.sqlite') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // The suite run's prefix (see test/run.ts), so that it can drop what a crashed test file left behind.
  const prefix = /^[a-z0-9_]+$/.test(process.env.TEST_DATABASE_PREFIX ?? '')
    ? process.env.TEST_DATABASE_PREFIX
    : 'test';
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(process.env.TEST_POSTGRES_URL as string);
  url.pathname = `/${name}`;
  return {
    config: { kind: 'postgres', url: url.toString() },
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name}`)).then(() => undefined),
  };
}

/**
 * A connection to `database` migrated up to just before `migration` (in the Migrator's order, by name), untyped: for
 * writing rows as they were stored before it, then checking what it makes of them. Destroy it before opening the
 * database with openDatabase, which runs the rest.
 */
export async function migratedUpTo(database: TestDatabase, migration: string): Promise<Kysely<any>> {
  const names = Object.keys(await migrationProvider.getMigrations()).sort();
  const before = names[names.indexOf(migration) - 1] as string;
  const raw = new Kysely<any>({
    dialect:
      database.config.kind === 'sqlite'
        ? new SqliteDialect({ database: new SqliteDatabase(database.config.file) })
        : new PostgresDialect({ pool: new Pool({ connectionString: database.config.url }) }),
  });
  const { error } = await new Migrator({ db: raw, provider: migrationProvider }).migrateTo(before);
  if (error) {
    await raw.destroy();
    throw error;
  }
  return raw;
}
