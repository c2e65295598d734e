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
  '0014_routing_reports': {
    async up(db: Kysely<unknown>) {
      // What the routing search and the reports (store/routing-search.ts, store/reports.ts) read from a routing's row
      // instead of its offers or its visitor's JSON: the visitor's email (lower case), when the first offer was made
      // and how many reps its stage had eligible then, when a rep accepted, and both delays in whole milliseconds
      // from the routing's start (integers, so percentiles come out the same on both databases).
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      const columns = [
        ['visitor_email', 'text'],
        ['first_offer_at', 'text'],
        ['first_offer_ms', 'integer'],
        ['first_offer_eligible', 'integer'],
        ['accepted_at', 'text'],
        ['accept_ms', 'integer'],
      ] as const;
      for (const [name, type] of columns) await db.schema.alterTable('routings').addColumn(name, type).execute();
      const millisBetween = (from: string, to: string) =>
        postgres
          ? sql.raw(`round(extract(epoch from (${to}::timestamptz - ${from}::timestamptz)) * 1000)::integer`)
          : sql.raw(`cast(round((julianday(${to}) - julianday(${from})) * 86400000) as integer)`);
      await sql`update routings set
          visitor_email = ${postgres ? sql`lower(visitor::jsonb ->> 'email')` : sql`lower(json_extract(visitor, '$.email'))`},
          first_offer_at = (select min(offers.offered_at) from offers where offers.routing_id = routings.routing_id),
          accepted_at = (select offers.ended_at from offers
            where offers.routing_id = routings.routing_id and offers.result = 'accepted')`.execute(db);
      await sql`update routings set
          first_offer_ms = ${millisBetween('started_at', 'first_offer_at')},
          accept_ms = ${millisBetween('started_at', 'accepted_at')}`.execute(db);
      // (The eligible count of routings stored before is unknown: they are left out of fair shares.)
      // The search's order, newest first and keyset-paginated on (started_at, routing_id) in byte order; and, as it
      // also holds every column the reports read, what they scan a window of instead of the rows (with the visitor's
      // JSON, ten times the size). PostgreSQL includes them beside the key; SQLite has no INCLUDE: they follow it.
      const covered = 'type, rule_id, rep_id, status, first_offer_ms, accept_ms, first_offer_at, first_offer_eligible';
      await sql
        .raw(
          postgres
            ? `create index routings_by_started_at on routings (started_at, routing_id collate "C") include (${covered})`
            : `create index routings_by_started_at on routings (started_at, routing_id, ${covered})`,
        )
        .execute(db);
      // Each holds what the reports read, like routings_by_started_at, so a report grouped by rule needs no sort.
      const reportIndex = (name: string, key: string, columns: string) =>
        sql.raw(
          postgres
            ? `create index ${name} on ${key} include (${columns})`
            : `create index ${name} on ${key.slice(0, -1)}, ${columns})`,
        );
      await reportIndex('routings_by_rule', 'routings (rule_id, started_at)', covered.replace('rule_id, ', '')).execute(
        db,
      );
      await db.schema.createIndex('routings_by_rep').on('routings').columns(['rep_id', 'started_at']).execute();
      await db.schema.createIndex('routings_by_visitor_email').on('routings').column('visitor_email').execute();
      // The offers made in a window (the reps report), and a routing's offers made at one time (its first offers).
      await reportIndex('offers_by_offered_at', 'offers (offered_at)', 'rep_id, result, rule_id, routing_type').execute(
        db,
      );
      await reportIndex('offers_by_routing_offered_at', 'offers (routing_id, offered_at)', 'stage, rep_id').execute(db);
    },
  },
  '0012_connection_sync': {
    async up(db: Kysely<unknown>) {
      // Where each connection's sync of each object stands, written in the same transaction as the page it follows
      // (store/connection-sync.ts): a sync killed mid-way resumes after its last committed page. `high_water` and
      // `last_id` are the last record read (Salesforce: SystemModstamp and Id); `next_page` the provider's link to
      // the next page of the query under way; `full_run` the full re-sync this cursor was last reset for.
      await db.schema
        .createTable('connection_sync_cursors')
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('high_water', 'text')
        .addColumn('last_id', 'text')
        .addColumn('next_page', 'text')
        .addColumn('full_run', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('connection_sync_cursors_pk', ['connection_id', 'object'])
        .execute();
      // Every record a connection synced, by its id at the provider: counts per object, what a deletion removes
      // (`store_key` when the stored row is keyed otherwise), whose owner it is (an owner's new email reaches their
      // records), and the sync run that last saw it (a full re-sync removes the records it did not see).
      await db.schema
        .createTable('connection_records')
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('object', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('store_key', 'text')
        .addColumn('seen_run', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('connection_records_pk', ['connection_id', 'object', 'record_id'])
        .execute();
      await db.schema
        .createIndex('connection_records_by_run')
        .on('connection_records')
        .columns(['connection_id', 'object', 'seen_run'])
        .execute();
      await db.schema
        .createIndex('connection_records_by_owner')
        .on('connection_records')
        .columns(['connection_id', 'owner_id'])
        .execute();
      // Salesforce users of each connected org: owner and team-member ids to the emails reps are matched by.
      await db.schema
        .createTable('salesforce_users')
        .addColumn('connection_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('salesforce_users_pk', ['connection_id', 'id'])
        .execute();
    },
  },
  '0013_outbound_tracking': {
    async up(db: Kysely<unknown>) {
      // Outreach and Salesloft users, so a synced prospect's owner id becomes the rep's email.
      await db.schema
        .createTable('outbound_users')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('outbound_users_pk', ['provider', 'user_id'])
        .execute();
      // A synced prospect knows its id at the provider: an email change replaces the old row, and a prospect gone
      // from the provider can be found to remove. Null for uploaded prospects.
      await db.schema.alterTable('outbound_prospects').addColumn('source_id', 'text').execute();
      await db.schema
        .createIndex('outbound_prospects_by_source')
        .on('outbound_prospects')
        .columns(['provider', 'source_id'])
        .execute();
      // Per provider: the key the click tracker signs its links with, the provider's secret for its calls to us, where
      // the tracked links point (the service's public URL), and the landing sites that get the click's token.
      await db.schema
        .createTable('outbound_trackers')
        .addColumn('provider', 'text', (c) => c.primaryKey())
        .addColumn('link_key', 'text', (c) => c.notNull())
        .addColumn('extension_secret', 'text')
        .addColumn('public_base_url', 'text', (c) => c.notNull())
        .addColumn('landing_hosts', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // One row per click on a tracked link; the landing page's token is stored as its SHA-256 hash only.
      await db.schema
        .createTable('outbound_clicks')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('mailing_id', 'text')
        .addColumn('prospect_id', 'text')
        .addColumn('prospect_email', 'text')
        .addColumn('sender_email', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('clicked_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('visitor_id', 'text')
        .execute();
      await db.schema.createIndex('outbound_clicks_by_clicked_at').on('outbound_clicks').column('clicked_at').execute();
    },
  },
  '0011_connections': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('connections')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('auth_type', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('secrets', 'text', (c) => c.notNull())
        .addColumn('access_token_expires_at', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('last_sync_at', 'text')
        .addColumn('records', 'text', (c) => c.notNull())
        .addColumn('budget_used', 'integer')
        .addColumn('budget_limit', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('connection_oauth_states')
        .addColumn('state_hash', 'text', (c) => c.primaryKey())
        .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id').onDelete('cascade'))
        .addColumn('code_verifier', 'text')
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('connection_oauth_states_by_connection')
        .on('connection_oauth_states')
        .column('connection_id')
        .execute();
    },
  },
  '0017_weighted_rotation': {
    async up(db: Kysely<unknown>) {
      // Each rep's standing in a weighted rotation, kept per period so counts can start again each day, week or month.
      await db.schema
        .createTable('rotation_standings')
        .addColumn('rotation_key', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('period', 'text', (c) => c.notNull())
        .addColumn('credit', 'integer', (c) => c.notNull())
        .addColumn('first_offers', 'integer', (c) => c.notNull())
        .addColumn('last_turn', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rotation_standings_pk', ['rotation_key', 'rep_id'])
        .execute();
      // The weighted turn a routing took (order and shares, JSON), so a re-run activity gets the same one back.
      await db.schema.alterTable('round_robin_turns').addColumn('decision', 'text').execute();
    },
  },
  '0016_rule_drafts': {
    async up(db: Kysely<unknown>) {
      // Who published each version (the admin key names no person: versions before drafts were its only writer).
      await db.schema
        .alterTable('rule_set_versions')
        .addColumn('published_by', 'text', (c) => c.notNull().defaultTo('admin'))
        .execute();
      // The one draft rule set admins edit before publishing it; `slot` is always 'draft', so there is at most one.
      await db.schema
        .createTable('rule_drafts')
        .addColumn('slot', 'text', (c) => c.primaryKey())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('base_version', 'integer', (c) => c.notNull())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0018_rep_availability': {
    async up(db: Kysely<unknown>) {
      // Working hours are JSON (domain/working-hours.ts); null means none of their own.
      await db.schema.alterTable('users').addColumn('working_hours', 'text').execute();
      await db.schema.alterTable('users').addColumn('daily_accept_cap', 'integer').execute();
      await db.schema.alterTable('users').addColumn('away_after_missed_offers', 'integer').execute();
      // Offers the rep let time out since they last answered one: set away at `away_after_missed_offers`.
      await db.schema
        .alterTable('users')
        .addColumn('missed_offers_in_row', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.alterTable('groups').addColumn('working_hours', 'text').execute();
      // Daily caps count a rep's conversations since their local day began.
      await db.schema
        .createIndex('conversations_by_rep_started')
        .on('conversations')
        .columns(['rep_id', 'started_at'])
        .execute();
    },
  },
  '0021_live_and_why': {
    async up(db: Kysely<unknown>) {
      // The routings in flight, for the admins' live panel (store/live-routings.ts): a few rows among a year's, so a
      // partial index keeps that read as small as what it returns, on both databases.
      await sql`create index routings_in_flight on routings (started_at) where status = 'routing'`.execute(db);
    },
  },
  '0023_report_facts': {
    async up(db: Kysely<unknown>) {
      // What the reports read (store/reports.ts), in narrow rows written with the routing's row (store/report-facts.ts)
      // and ordered by indexes that hold every column a report reads, so a year of a million routings is one index
      // scan without joins. Instants are integer ms since the epoch: a day or an hour is an integer division.
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      const coveringIndex = (name: string, table: string, key: string, columns: string) =>
        sql.raw(
          postgres
            ? `create index ${name} on ${table} (${key}) include (${columns})`
            : `create index ${name} on ${table} (${key}, ${columns})`,
        );
      const epochMs = (column: string) =>
        postgres
          ? `round(extract(epoch from ${column}::timestamptz) * 1000)::bigint`
          : `cast(round(unixepoch(${column}, 'subsec') * 1000) as integer)`;
      // One per routing: the speed-to-lead and outcomes reports.
      await db.schema
        .createTable('report_routings')
        .addColumn('routing_id', 'text', (c) => c.primaryKey())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        // The start's UTC day and hour, numbered from the epoch: what the reports group by (report_routings_by_start).
        .addColumn('day', 'integer', (c) => c.notNull())
        .addColumn('hour', 'integer', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text')
        .addColumn('first_offer_ms', 'integer')
        .addColumn('accept_ms', 'integer')
        .execute();
      const routingColumns = 'type, rule_id, status, rep_id, first_offer_ms, accept_ms';
      await coveringIndex(
        'report_routings_by_start',
        'report_routings',
        'day, hour, started_ms',
        routingColumns,
      ).execute(db);
      // Grouped or filtered by rule without a sort.
      await coveringIndex(
        'report_routings_by_rule',
        'report_routings',
        'rule_id, started_ms',
        routingColumns.replace('rule_id, ', ''),
      ).execute(db);
      await sql
        .raw(
          `insert into report_routings (routing_id, started_ms, day, hour, ${routingColumns})
          select routing_id, started_ms, started_ms / 86400000, started_ms / 3600000, ${routingColumns}
          from (select ${epochMs('started_at')} as started_ms, ${routingColumns}, routing_id from routings) r`,
        )
        .execute(db);
      // One per rep a routing's first offer went to, with how many reps it went to and how many were eligible: the
      // first-offer shares report, grouped by rule, stage and rep in the index's order (no sort of a year's rows).
      await db.schema
        .createTable('report_first_offers')
        .addColumn('routing_id', 'text', (c) => c.notNull())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('reps', 'integer', (c) => c.notNull())
        .addColumn('eligible', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_first_offers_pk', ['routing_id', 'rep_id'])
        .execute();
      await coveringIndex(
        'report_first_offers_by_rep',
        'report_first_offers',
        'rule_id, stage, rep_id, reps, eligible, started_ms',
        'type',
      ).execute(db);
      // Routings stored before the eligible count was kept (0014_routing_reports) have none, and no facts.
      await sql
        .raw(
          `insert into report_first_offers (routing_id, rep_id, started_ms, type, rule_id, stage, reps, eligible)
          select r.routing_id, o.rep_id, ${epochMs('r.started_at')}, r.type, o.rule_id, o.stage,
            count(*) over (partition by r.routing_id), r.first_offer_eligible
          from routings r join offers o on o.routing_id = r.routing_id and o.offered_at = r.first_offer_at
          where r.first_offer_eligible > 0`,
        )
        .execute(db);
      // The reps report counts each rep's offers by result in a window of offer times, one index range per rep and
      // result; this index leads with what offers_by_rep held, which it replaces, and offers_by_offered_at goes with
      // the report that read it.
      await coveringIndex(
        'offers_by_rep_result',
        'offers',
        'rep_id, result, offered_at',
        'rule_id, routing_type',
      ).execute(db);
      await db.schema.dropIndex('offers_by_rep').execute();
      await db.schema.dropIndex('offers_by_offered_at').execute();
    },
  },
  '0015_connection_cleanup': {
    async up(db: Kysely<unknown>) {
      // A deleted connection is hidden at once and its records removed by a workflow (workflows/delete-connection.ts):
      // the row stays, marked, until the last of them is gone, so a worker dying mid-way leaves it to finish.
      await db.schema.alterTable('connections').addColumn('deleted_at', 'text').execute();
      // A visitor's erasure finds the clicks they redeemed.
      await db.schema.createIndex('outbound_clicks_by_visitor').on('outbound_clicks').column('visitor_id').execute();
    },
  },
  '0024_console_presence': {
    async up(db: Kysely<unknown>) {
      // One lease per open rep event stream (store/console-presence.ts): renewed while the stream is open, ended when
      // it closes, so a rep whose every lease has run out for the grace period can be set away by the sweep.
      await db.schema
        .createTable('rep_stream_leases')
        .addColumn('stream_id', 'text', (c) => c.primaryKey())
        .addColumn('rep_id', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('rep_stream_leases_by_rep')
        .on('rep_stream_leases')
        .columns(['rep_id', 'expires_at'])
        .execute();
    },
  },
  '0022_what_if': {
    async up(db: Kysely<unknown>) {
      // The rule-set version each routing matched against, and each stage's check as it found its people (who, and
      // their presence, chat flag, capacity, open conversations, working hours' standing and daily accepts): what a
      // what-if replays (store/what-if.ts).
      await db.schema.alterTable('routings').addColumn('rule_set_version', 'integer').execute();
      await db.schema
        .createTable('routing_stage_checks')
        .addColumn('routing_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('reps', 'text', (c) => c.notNull())
        .addColumn('checked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('routing_stage_checks_pk', ['routing_id', 'stage'])
        .execute();
      // A what-if run: its request, the rules it replays, where its replay has got to and the tally so far, advanced
      // with each page in one transaction so a restarted replay neither loses nor counts a page twice.
      await db.schema
        .createTable('what_if_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('rules', 'text', (c) => c.notNull())
        .addColumn('rule_set_version', 'integer')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('total', 'integer')
        .addColumn('skipped', 'integer')
        .addColumn('replayed', 'integer', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('cursor', 'text')
        .addColumn('tally', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('error', 'text')
        .execute();
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
