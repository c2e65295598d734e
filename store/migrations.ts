// Versioned schema migrations, applied in order at start-up by Kysely's Migrator. Never edit a shipped one: add a new one.
import { type Kysely, type Migration, type MigrationProvider, PostgresAdapter, sql } from 'kysely';

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
  '0002_routing_engine': {
    async up(db: Kysely<unknown>) {
      // One row per routing, mirrored from its workflow: lets an inbound routing find the visitor's open pounce
      // routings, and gives operators a table to query without replaying workflows.
      await db.schema
        .createTable('routings')
        .addColumn('routing_id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('rep_id', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema.createIndex('routings_by_visitor').on('routings').columns(['visitor_id', 'status']).execute();
      // One counter per (rule, stage): successive routings take successive values, so rotation is fair under
      // concurrency and survives restarts without any lock beyond the row update itself.
      await db.schema
        .createTable('round_robin_cursors')
        .addColumn('rotation_key', 'text', (c) => c.primaryKey())
        .addColumn('next_turn', 'integer', (c) => c.notNull())
        .execute();
    },
  },
  '0003_integrations': {
    async up(db: Kysely<unknown>) {
      // Records synced in from Salesforce and the outbound tools. Emails are matched through lower-cased `*_key`
      // columns; accounts through a normalised name column and a table of normalised domains, so every lookup the
      // owner stages make is indexed. Times are ISO strings, as everywhere.
      await db.schema
        .createTable('salesforce_contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('owner_email', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('salesforce_contacts_by_email')
        .on('salesforce_contacts')
        .column('email_key')
        .execute();
      await db.schema
        .createTable('salesforce_leads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('owner_email', 'text', (c) => c.notNull())
        .addColumn('company', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('salesforce_leads_by_email').on('salesforce_leads').column('email_key').execute();
      await db.schema
        .createTable('salesforce_accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull())
        // The domains as sent (JSON array); their normalised forms live in salesforce_account_domains.
        .addColumn('domains', 'text', (c) => c.notNull())
        .addColumn('owner_email', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('salesforce_accounts_by_name').on('salesforce_accounts').column('name_key').execute();
      await db.schema
        .createTable('salesforce_account_domains')
        .addColumn('account_id', 'text', (c) => c.notNull().references('salesforce_accounts.id').onDelete('cascade'))
        .addColumn('domain', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('salesforce_account_domains_pk', ['account_id', 'domain'])
        .execute();
      await db.schema
        .createIndex('salesforce_account_domains_by_domain')
        .on('salesforce_account_domains')
        .column('domain')
        .execute();
      // No foreign key to accounts: team members may be synced before (or without) their account.
      await db.schema
        .createTable('salesforce_account_team_members')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('user_email', 'text', (c) => c.notNull())
        .addColumn('user_email_key', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        // Insertion order, kept across upserts, so a team always lists in the same order.
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('salesforce_account_team_members_pk', ['account_id', 'user_email_key'])
        .execute();
      await db.schema
        .createTable('outbound_prospects')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_key', 'text', (c) => c.notNull())
        .addColumn('owner_email', 'text', (c) => c.notNull())
        .addColumn('last_sender_email', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('outbound_prospects_pk', ['provider', 'email_key'])
        .execute();
    },
  },
  '0004_rep_tokens': {
    async up(db: Kysely<unknown>) {
      // Only a hash of each token is kept: a leaked database does not leak working credentials.
      await db.schema
        .createTable('rep_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rep_tokens_by_user').on('rep_tokens').column('user_id').execute();
    },
  },
  '0005_rep_events': {
    async up(db: Kysely<unknown>) {
      // A rep's event stream, in commit order: the id is the SSE event id a reconnecting client resumes from.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema
        .createTable('rep_events')
        .addColumn('id', postgres ? 'bigserial' : 'integer', (c) =>
          postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('rep_events_by_rep').on('rep_events').columns(['rep_id', 'id']).execute();
    },
  },
  '0006_round_robin_turns': {
    async up(db: Kysely<unknown>) {
      // The turn each routing took, so a re-run activity (worker crash, task timeout) gets the same turn back
      // instead of taking another and skewing the rotation.
      await db.schema
        .createTable('round_robin_turns')
        .addColumn('rotation_key', 'text', (c) => c.notNull())
        .addColumn('routing_id', 'text', (c) => c.notNull())
        .addColumn('turn', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('round_robin_turns_pk', ['rotation_key', 'routing_id'])
        .execute();
    },
  },
  '0007_webhooks': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        // Kept in the clear: every delivery is signed with it. Only admins can read it back.
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        // The exact body every attempt sends and signs.
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('routing_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // Set once the delivery's workflow has been started; a delivery without it is started again on recovery.
        .addColumn('dispatched_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_by_endpoint')
        .on('webhook_deliveries')
        .columns(['endpoint_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('webhook_deliveries_undispatched')
        .on('webhook_deliveries')
        .columns(['dispatched_at', 'routing_id'])
        .execute();
      await db.schema
        .createTable('webhook_attempts')
        .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('attempted_at', 'text', (c) => c.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('error', 'text')
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
        .execute();
    },
  },
  '0009_visitor_once': {
    async up(db: Kysely<unknown>) {
      // The visitor is stored once, on its routing's row, instead of in every offer row and offer.created event:
      // an allUsers stage of 10,000 reps made 10,000 copies. Readers join the routing for it.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      await db.schema.alterTable('routings').addColumn('visitor', 'text').execute();
      await sql`update routings set visitor = (
          select offers.visitor from offers where offers.routing_id = routings.routing_id limit 1)`.execute(db);
      await db.schema.alterTable('offers').dropColumn('visitor').execute();
      // Events name their routing in a column, so a visitor's events can be found (and erased) without parsing.
      await db.schema.alterTable('rep_events').addColumn('routing_id', 'text').execute();
      if (postgres) {
        await sql`update rep_events set routing_id = data::jsonb ->> 'routingId',
            data = case when type = 'offer.created' then (data::jsonb - 'visitor')::text else data end`.execute(db);
      } else {
        await sql`update rep_events set routing_id = json_extract(data, '$.routingId'),
            data = case when type = 'offer.created' then json_remove(data, '$.visitor') else data end`.execute(db);
      }
      await db.schema.createIndex('rep_events_by_routing').on('rep_events').column('routing_id').execute();
      // What a visitor's erasure looks up by routing.
      await db.schema
        .createIndex('webhook_deliveries_by_routing')
        .on('webhook_deliveries')
        .column('routing_id')
        .execute();
      await db.schema
        .createIndex('round_robin_turns_by_routing')
        .on('round_robin_turns')
        .column('routing_id')
        .execute();
    },
  },
  '0010_retention': {
    async up(db: Kysely<unknown>) {
      // What the hourly retention purge looks rows up by (store/retention.ts): when a routing ended (open ones have
      // no end and are never found), and when an event or a delivery was created.
      await db.schema.createIndex('routings_by_ended_at').on('routings').column('ended_at').execute();
      await db.schema.createIndex('rep_events_by_created_at').on('rep_events').column('created_at').execute();
      await db.schema
        .createIndex('webhook_deliveries_by_created_at')
        .on('webhook_deliveries')
        .column('created_at')
        .execute();
    },
  },
  '0008_webhook_secret_rotation': {
    async up(db: Kysely<unknown>) {
      // After a rotation the previous secret keeps signing deliveries, next to the new one, until it expires.
      await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret', 'text').execute();
      await db.schema.alterTable('webhook_endpoints').addColumn('previous_secret_expires_at', 'text').execute();
      // Standard Webhooks secrets are `whsec_` + standard base64; the first ones were base64url: same key, re-spelt.
      const endpoints = db as unknown as Kysely<{ webhook_endpoints: { id: string; secret: string } }>;
      for (const { id, secret } of await endpoints.selectFrom('webhook_endpoints').select(['id', 'secret']).execute()) {
        const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64url');
        await endpoints
          .updateTable('webhook_endpoints')
          .set({ secret: `whsec_${key.toString('base64')}` })
          .where('id', '=', id)
          .execute();
      }
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
