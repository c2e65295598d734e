// Table shapes as the query layer sees them. Booleans are 0/1 integers and times are ISO-8601 strings so the
// same schema reads identically on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  email: string;
  /** Lower-cased email, unique: reps are matched to CRM and outbound records by email, case-insensitively. */
  email_key: string;
  chat_user: number;
  capacity: number | null;
  status: string;
  updated_at: string;
  /** JSON of domain/working-hours.ts `WorkingHours`; null: none of their own. */
  working_hours: string | null;
  daily_accept_cap: number | null;
  away_after_missed_offers: number | null;
  /** Offers let time out since the rep last answered one (store/missed-offers.ts). */
  missed_offers_in_row: Generated<number>;
}

export interface GroupsTable {
  id: string;
  name: string;
  working_hours: string | null;
}

export interface GroupMembersTable {
  group_id: string;
  user_id: string;
  position: number;
}

/** Every rule change appends a version holding the whole ordered list; the highest version is current. */
export interface RuleSetVersionsTable {
  version: number;
  rules: string;
  /** When the version was published. */
  created_at: string;
  /** Who published it: the name the publishing admin gave, else `admin` (the admin key). */
  published_by: Generated<string>;
}

/** The one draft rule set (`slot` = 'draft'): a whole ordered list edited apart from the live versions. */
export interface RuleDraftsTable {
  slot: string;
  /** A new id per draft, so a discarded draft's tags never match its successor's. */
  id: string;
  /** The live version the draft was copied from. */
  base_version: number;
  /** Goes up by one with each change: what `If-Match` compares. */
  revision: number;
  rules: string;
  created_at: string;
  updated_at: string;
}

/** Projection of the offers each routing workflow makes, so a rep can list theirs across routings. */
export interface OffersTable {
  routing_id: string;
  rep_id: string;
  routing_type: string;
  rule_id: string;
  stage: string;
  offered_at: string;
  expires_at: string;
  ended_at: string | null;
  result: string;
}

/** A connected conversation counts against its rep's capacity until `ended_at` is set. */
export interface ConversationsTable {
  routing_id: string;
  rep_id: string;
  started_at: string;
  ended_at: string | null;
}

/** One row per routing, mirrored from its workflow. */
export interface RoutingsTable {
  routing_id: string;
  type: string;
  visitor_id: string;
  /** The visitor as the routing was started with (JSON), stored once: offers and offer events join it. */
  visitor: string | null;
  status: string;
  rule_id: string | null;
  rep_id: string | null;
  started_at: string;
  ended_at: string | null;
  /** The visitor's email in lower case, for the routing search. */
  visitor_email: string | null;
  /** When the first offer was made, and how long after `started_at` (ms). */
  first_offer_at: string | null;
  first_offer_ms: number | null;
  /** Reps eligible in the first offer's stage when it was made: fair shares of first offers divide by it. */
  first_offer_eligible: number | null;
  /** When a rep accepted, and how long after `started_at` (ms). */
  accepted_at: string | null;
  accept_ms: number | null;
  /** The rule-set version the routing matched against (null before 0022_what_if). */
  rule_set_version: number | null;
}

/** One stage's check of its people, as a routing made it: what a what-if replays against. */
export interface RoutingStageChecksTable {
  routing_id: string;
  stage: string;
  /** The planned stage's source (JSON): its recorded people stand for a replayed stage only with the same source. */
  source: string;
  /** JSON `StageCheckRep[]` (domain/what-if.ts): each person and the directory's view of them then. */
  reps: string;
  checked_at: string;
}

/** A what-if replay (store/what-if.ts). */
export interface WhatIfRunsTable {
  id: string;
  request: string;
  rules: string;
  rule_set_version: number | null;
  status: string;
  total: number | null;
  /** Routings of the window recorded before 0022_what_if, which cannot be replayed. */
  skipped: number | null;
  replayed: number;
  position: number;
  cursor: string | null;
  tally: string;
  created_at: string;
  finished_at: string | null;
  error: string | null;
}

/** What the speed-to-lead and outcomes reports read of a routing (store/report-facts.ts writes it with its row). */
export interface ReportRoutingsTable {
  routing_id: string;
  /** The routing's start, ms since the epoch, and its UTC day and hour (whole days or hours since the epoch). */
  started_ms: number;
  day: number;
  hour: number;
  type: string;
  rule_id: string | null;
  status: string;
  rep_id: string | null;
  first_offer_ms: number | null;
  accept_ms: number | null;
}

/** One per rep a routing's first offer went to: the first-offer shares report. Written once, with those offers. */
export interface ReportFirstOffersTable {
  routing_id: string;
  rep_id: string;
  started_ms: number;
  type: string;
  rule_id: string;
  stage: string;
  /** How many reps the routing's first offer went to. */
  reps: number;
  /** How many reps were eligible in the stage then. */
  eligible: number;
}

/** Round-robin rotation state per rule and stage: the turn the next routing takes. */
export interface RoundRobinCursorsTable {
  rotation_key: string;
  next_turn: number;
}

/**
 * A rep's standing in a weighted rotation (rule and stage) for the period `period` names (domain/rotation.ts); a
 * row of an earlier period counts as none.
 */
export interface RotationStandingsTable {
  rotation_key: string;
  rep_id: string;
  period: string;
  credit: number;
  first_offers: number;
  last_turn: number;
}

/** Salesforce contacts as synced in; `email_key` is the lower-cased email they are looked up by. */
export interface SalesforceContactsTable {
  id: string;
  email: string;
  email_key: string;
  owner_email: string;
  account_id: string | null;
  updated_at: string;
}

export interface SalesforceLeadsTable {
  id: string;
  email: string;
  email_key: string;
  owner_email: string;
  company: string | null;
  updated_at: string;
}

/** `domains` is the JSON array as sent; `name_key` the normalised name that fuzzy matching compares. */
export interface SalesforceAccountsTable {
  id: string;
  name: string;
  name_key: string;
  domains: string;
  owner_email: string;
  updated_at: string;
}

/** One row per normalised domain of an account, indexed by domain for lookup. */
export interface AccountDomainsTable {
  account_id: string;
  domain: string;
}

/** `position` is the member's first insertion order, so a team lists stably. */
export interface AccountTeamMembersTable {
  account_id: string;
  user_email: string;
  user_email_key: string;
  role: string;
  position: number;
  updated_at: string;
}

/** Outreach and Salesloft prospects, one per provider and lower-cased email. */
export interface OutboundProspectsTable {
  provider: string;
  email: string;
  email_key: string;
  owner_email: string;
  last_sender_email: string | null;
  updated_at: string;
  /** The prospect's id at the provider; null for uploaded prospects. */
  source_id: string | null;
}

/** Outreach and Salesloft users: owner ids to emails. */
export interface OutboundUsersTable {
  provider: string;
  user_id: string;
  email: string;
  updated_at: string;
}

/** The click tracker's keys, per provider. */
export interface OutboundTrackersTable {
  provider: string;
  /** base64url HMAC-SHA256 key for the tracked links' tokens. */
  link_key: string;
  /** The provider's secret for signing its extension calls (Outreach's webhook secret). */
  extension_secret: string | null;
  /** The service's public URL, which tracked links point at. */
  public_base_url: string;
  /** JSON list of host names whose pages get the click's token (`outbound_click`) when redirected to. */
  landing_hosts: string;
  updated_at: string;
}

/** A click on a tracked link, redeemable once by the visitor who landed with its token. */
export interface OutboundClicksTable {
  token_hash: string;
  provider: string;
  mailing_id: string | null;
  prospect_id: string | null;
  prospect_email: string | null;
  sender_email: string;
  url: string;
  clicked_at: string;
  expires_at: string;
  /** The visitor who first routed with the token; anyone else presenting it is refused. */
  visitor_id: string | null;
}

/** Where a connection's sync of one object stands (store/connection-sync.ts). */
export interface ConnectionSyncCursorsTable {
  connection_id: string;
  object: string;
  high_water: string | null;
  last_id: string | null;
  next_page: string | null;
  full_run: string | null;
  updated_at: string;
}

/** A record a connection synced, by its id at the provider. */
export interface ConnectionRecordsTable {
  connection_id: string;
  object: string;
  record_id: string;
  owner_id: string | null;
  store_key: string | null;
  seen_run: string;
}

/** A Salesforce user of a connected org: owner ids to emails. */
export interface SalesforceUsersTable {
  connection_id: string;
  id: string;
  email: string;
  updated_at: string;
}

/** Per-rep API tokens, stored as SHA-256 hashes. */
export interface RepTokensTable {
  token_hash: string;
  user_id: string;
  created_at: string;
}

/** Events for one rep's live stream (offers, connections, presence); `id` orders them and resumes a stream. */
export interface RepEventsTable {
  id: Generated<number>;
  rep_id: string;
  type: string;
  data: string;
  /** The routing the event is about (none for presence changes). */
  routing_id: string | null;
  created_at: string;
}

/** A rep event stream held open (store/console-presence.ts): the stream counts as there until `expires_at`. */
export interface RepStreamLeasesTable {
  stream_id: string;
  rep_id: string;
  expires_at: string;
}

/** The turn a routing took in a rotation. */
export interface RoundRobinTurnsTable {
  rotation_key: string;
  routing_id: string;
  turn: number;
  /** A weighted turn's decision (JSON `RotationTurn`); null for turns of the plain rotation. */
  decision: string | null;
}

/** A receiver of webhook events; `events` is a JSON array of event types. */
export interface WebhookEndpointsTable {
  id: string;
  url: string;
  secret: string;
  /** The secret before the last rotation, still signing deliveries (next to `secret`) until its expiry. */
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  events: string;
  enabled: number;
  description: string | null;
  created_at: string;
  updated_at: string;
}

/** One event owed to one endpoint: `pending` until an attempt succeeds (`succeeded`) or retries run out (`failed`). */
export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  routing_id: string | null;
  status: string;
  attempts: number;
  dispatched_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

/** A connection to Salesforce, Outreach or Salesloft (store/connections.ts); `secrets` is sealed (store/secret-box.ts). */
export interface ConnectionsTable {
  id: string;
  provider: string;
  auth_type: string;
  /** JSON: client id, username, base-URL overrides, redirect URI, instance URL; nothing secret. */
  settings: string;
  /** Sealed JSON: client secret, refresh and access tokens, private key. */
  secrets: string;
  access_token_expires_at: string | null;
  status: string;
  status_reason: string | null;
  last_sync_at: string | null;
  /** JSON: records synced per object. */
  records: string;
  budget_used: number | null;
  budget_limit: number | null;
  created_at: string;
  updated_at: string;
  /** Set when an admin deleted it: hidden from then on, the row goes once its synced records are removed. */
  deleted_at: string | null;
}

/** An authorization in progress: its `state` (stored hashed), single use, until `expires_at`. */
export interface ConnectionOAuthStatesTable {
  state_hash: string;
  connection_id: string;
  /** Sealed PKCE code verifier, for providers that take one. */
  code_verifier: string | null;
  redirect_uri: string;
  expires_at: string;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  rule_set_versions: RuleSetVersionsTable;
  rule_drafts: RuleDraftsTable;
  offers: OffersTable;
  conversations: ConversationsTable;
  round_robin_cursors: RoundRobinCursorsTable;
  round_robin_turns: RoundRobinTurnsTable;
  rotation_standings: RotationStandingsTable;
  salesforce_contacts: SalesforceContactsTable;
  salesforce_leads: SalesforceLeadsTable;
  salesforce_accounts: SalesforceAccountsTable;
  salesforce_account_domains: AccountDomainsTable;
  salesforce_account_team_members: AccountTeamMembersTable;
  outbound_prospects: OutboundProspectsTable;
  connection_sync_cursors: ConnectionSyncCursorsTable;
  connection_records: ConnectionRecordsTable;
  salesforce_users: SalesforceUsersTable;
  outbound_users: OutboundUsersTable;
  outbound_trackers: OutboundTrackersTable;
  outbound_clicks: OutboundClicksTable;
  routings: RoutingsTable;
  routing_stage_checks: RoutingStageChecksTable;
  what_if_runs: WhatIfRunsTable;
  report_routings: ReportRoutingsTable;
  report_first_offers: ReportFirstOffersTable;
  rep_tokens: RepTokensTable;
  rep_events: RepEventsTable;
  rep_stream_leases: RepStreamLeasesTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  connections: ConnectionsTable;
  connection_oauth_states: ConnectionOAuthStatesTable;
}

export type { Generated };
