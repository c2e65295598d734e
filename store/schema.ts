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
}

export interface GroupsTable {
  id: string;
  name: string;
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
  created_at: string;
}

/** Projection of the offers each routing workflow makes, so a rep can list theirs across routings. */
export interface OffersTable {
  routing_id: string;
  rep_id: string;
  routing_type: string;
  visitor: string;
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

/** Round-robin rotation state per rule and stage: the turn the next routing takes. */
export interface RoundRobinCursorsTable {
  rotation_key: string;
  next_turn: number;
}

export interface Database {
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  rule_set_versions: RuleSetVersionsTable;
  offers: OffersTable;
  conversations: ConversationsTable;
  round_robin_cursors: RoundRobinCursorsTable;
}

export type { Generated };
