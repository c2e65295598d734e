// Versioned schema migrations, applied in order at start-up by Kysely's Migrator. Never edit a shipped one: add a new one.
import type { Kysely, Migration, MigrationProvider } from 'kysely';

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull().unique())
        .addColumn('chat_user', 'integer', (c) => c.notNull())
        .addColumn('capacity', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('group_members')
        .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('group_members_pk', ['group_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('rule_set_versions')
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('offers')
        .addColumn('routing_id', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('routing_type', 'text', (c) => c.notNull())
        .addColumn('visitor', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('offered_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('offers_pk', ['routing_id', 'rep_id'])
        .execute();
      await db.schema.createIndex('offers_by_rep').on('offers').columns(['rep_id', 'result']).execute();
      await db.schema
        .createTable('conversations')
        .addColumn('routing_id', 'text', (c) => c.primaryKey())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema.createIndex('conversations_by_rep').on('conversations').columns(['rep_id', 'ended_at']).execute();
    },
  },
  '0002_round_robin': {
    async up(db: Kysely<unknown>) {
      // One counter per (rule, stage): successive routings take successive values, so rotation is fair under
      // concurrency and survives restarts without any lock beyond the row update itself.
      await db.schema
        .createTable('round_robin_cursors')
        .addColumn('rotation_key', 'text', (c) => c.primaryKey())
        .addColumn('next_turn', 'integer', (c) => c.notNull())
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
