// Webhook endpoints admins register, and the deliveries owed to them. Deliveries are recorded in the same
// transaction as the change they report, so an event is owed exactly when its change is committed; Temporal
// workflows then send them (see workflows/deliver-webhook.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../domain/webhook-events';
import { rowChunks, slices } from './batching';
import type { Db } from './database';
import type { WebhookEndpointsTable } from './schema';

export interface WebhookEndpointInput {
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  description?: string | undefined;
}

export interface WebhookEndpoint extends WebhookEndpointInput {
  id: string;
  secret: string;
  /** Until when deliveries are also signed with the secret before the last rotation; absent once it has expired. */
  previousSecretExpiresAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookEvent {
  type: WebhookEventType;
  /** The routing the event is about, if any: lets a retried routing activity find its own undispatched deliveries. */
  routingId?: string | undefined;
  data: Record<string, unknown>;
}

export interface WebhookAttempt {
  attempt: number;
  attemptedAt: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: WebhookAttempt[];
  createdAt: string;
  updatedAt: string;
}

type Row = WebhookEndpointsTable;

/** The secrets a delivery sent at `now` is signed with: the current one, and the previous one until it expires. */
function signingSecrets(
  row: Pick<Row, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>,
  now: Date,
): { secrets: string[]; previousSecretExpiresAt?: string } {
  const { previous_secret: previous, previous_secret_expires_at: expiresAt } = row;
  if (previous === null || expiresAt === null || Date.parse(expiresAt) <= now.getTime())
    return { secrets: [row.secret] };
  return { secrets: [row.secret, previous], previousSecretExpiresAt: expiresAt };
}

function toEndpoint(row: Row): WebhookEndpoint {
  const { previousSecretExpiresAt } = signingSecrets(row, new Date());
  return {
    id: row.id,
    url: row.url,
    secret: row.secret,
    ...(previousSecretExpiresAt && { previousSecretExpiresAt }),
    events: JSON.parse(row.events) as WebhookEventType[],
    enabled: row.enabled === 1,
    ...(row.description !== null && { description: row.description }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A Standard Webhooks signing secret: `whsec_` and the base64 of a random key (24 bytes, as most senders use). */
function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export async function createWebhookEndpoint(db: Db, input: WebhookEndpointInput): Promise<WebhookEndpoint> {
  const now = new Date().toISOString();
  const row: Row = {
    id: `wh_${randomUUID()}`,
    url: input.url,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_expires_at: null,
    events: JSON.stringify(input.events),
    enabled: input.enabled ? 1 : 0,
    description: input.description ?? null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return toEndpoint(row);
}

export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpoint[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toEndpoint);
}

export async function getWebhookEndpoint(db: Db, id: string): Promise<WebhookEndpoint | undefined> {
  const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEndpoint(row);
}

export interface SecretRotation {
  /** How long the replaced secret keeps signing deliveries next to the new one; 0 retires it at once. */
  previousSecretValidMs: number;
}

/**
 * Replaces the endpoint's settings, keeping its secret unless `rotation` is given: then a new secret signs every
 * delivery, and the replaced one too for the overlap (a rotation within the overlap retires the older secret).
 */
export async function replaceWebhookEndpoint(
  db: Db,
  id: string,
  input: WebhookEndpointInput,
  rotation?: SecretRotation,
): Promise<WebhookEndpoint | undefined> {
  const now = Date.now();
  const overlap = rotation !== undefined && rotation.previousSecretValidMs > 0;
  await db
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      url: input.url,
      events: JSON.stringify(input.events),
      enabled: input.enabled ? 1 : 0,
      description: input.description ?? null,
      updated_at: new Date(now).toISOString(),
      ...(rotation && {
        secret: newSecret(),
        // The right-hand `secret` is the row's value before this update, in SQLite and PostgreSQL alike.
        previous_secret: overlap ? eb.ref('secret') : null,
        previous_secret_expires_at: overlap ? new Date(now + rotation.previousSecretValidMs).toISOString() : null,
      }),
    }))
    .where('id', '=', id)
    .execute();
  return getWebhookEndpoint(db, id);
}

export async function deleteWebhookEndpoint(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Records a delivery of each event to every enabled endpoint subscribed to its type, inside the caller's
 * transaction. Returns the new delivery ids, which the caller starts once the transaction has committed.
 */
export async function recordWebhookDeliveries(tx: Db, events: readonly WebhookEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const endpoints = (await tx.selectFrom('webhook_endpoints').selectAll().where('enabled', '=', 1).execute()).map(
    toEndpoint,
  );
  if (endpoints.length === 0) return [];
  const now = new Date().toISOString();
  const rows = [];
  for (const event of events) {
    const eventId = `evt_${randomUUID()}`;
    const payload = JSON.stringify({ id: eventId, type: event.type, createdAt: now, data: event.data });
    for (const endpoint of endpoints) {
      if (!endpoint.events.includes(event.type)) continue;
      rows.push({
        id: `whd_${randomUUID()}`,
        endpoint_id: endpoint.id,
        event_id: eventId,
        event_type: event.type,
        payload,
        routing_id: event.routingId ?? null,
        status: 'pending',
        attempts: 0,
        dispatched_at: null,
        created_at: now,
        updated_at: now,
      });
    }
  }
  for (const chunk of rowChunks(rows)) await tx.insertInto('webhook_deliveries').values(chunk).execute();
  return rows.map((row) => row.id);
}

/** Deliveries whose workflow was never started: for one routing, or (routingId undefined) all of them. */
export async function undispatchedDeliveryIds(db: Db, routingId?: string): Promise<string[]> {
  let query = db.selectFrom('webhook_deliveries').select('id').where('dispatched_at', 'is', null);
  if (routingId !== undefined) query = query.where('routing_id', '=', routingId);
  return (await query.orderBy('created_at').limit(10_000).execute()).map((row) => row.id);
}

export async function markDeliveriesDispatched(db: Db, ids: readonly string[]): Promise<void> {
  const dispatchedAt = new Date().toISOString();
  for (const slice of slices(ids)) {
    await db
      .updateTable('webhook_deliveries')
      .set({ dispatched_at: dispatchedAt })
      .where('id', 'in', slice)
      .where('dispatched_at', 'is', null)
      .execute();
  }
}

/** What one attempt needs: where to send, what, and the secrets to sign with. Undefined once the endpoint is gone. */
export async function deliveryToSend(db: Db, id: string, now: Date) {
  const row = await db
    .selectFrom('webhook_deliveries')
    .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
    // An offer's visitor is stored once, on its routing's row, not in each of a stage's offer.created deliveries.
    .leftJoin('routings', (join) =>
      join
        .onRef('routings.routing_id', '=', 'webhook_deliveries.routing_id')
        .on('webhook_deliveries.event_type', '=', 'offer.created'),
    )
    .select([
      'webhook_deliveries.payload',
      'webhook_deliveries.status',
      'webhook_deliveries.event_id',
      'webhook_endpoints.url',
      'webhook_endpoints.secret',
      'webhook_endpoints.previous_secret',
      'webhook_endpoints.previous_secret_expires_at',
      'webhook_endpoints.enabled',
      'routings.visitor',
    ])
    .where('webhook_deliveries.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { status, event_id: eventId, url, enabled } = row;
  const payload = withOfferVisitor(row.payload, row.visitor);
  return { payload, status, eventId, url, enabled: enabled === 1, secrets: signingSecrets(row, now).secrets };
}

/** The body of an offer.created delivery, with its routing's visitor (the same on every attempt, so signed alike). */
function withOfferVisitor(payload: string, visitor: string | null): string {
  if (visitor === null) return payload;
  const event = JSON.parse(payload) as { data: Record<string, unknown> };
  if ('visitor' in event.data) return payload; // recorded before the visitor was stored once
  return JSON.stringify({ ...event, data: { ...event.data, visitor: JSON.parse(visitor) } });
}

/** Records one attempt; a successful one settles the delivery. Idempotent per attempt number. */
export async function recordWebhookAttempt(
  db: Db,
  deliveryId: string,
  attempt: WebhookAttempt & { succeeded: boolean },
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('webhook_attempts')
      .values({
        delivery_id: deliveryId,
        attempt: attempt.attempt,
        attempted_at: attempt.attemptedAt,
        status_code: attempt.statusCode,
        error: attempt.error,
        duration_ms: attempt.durationMs,
      })
      .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doNothing())
      .execute();
    await tx
      .updateTable('webhook_deliveries')
      .set({
        attempts: attempt.attempt,
        updated_at: attempt.attemptedAt,
        ...(attempt.succeeded && { status: 'succeeded' }),
      })
      .where('id', '=', deliveryId)
      .where('status', '=', 'pending')
      .execute();
  });
}

/** Retries have run out (or the endpoint was disabled): the delivery stays visible as failed. */
export async function markDeliveryFailed(db: Db, deliveryId: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', updated_at: new Date().toISOString() })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

/** The endpoint's most recent deliveries, newest first, each with its attempts. */
export async function recentDeliveries(db: Db, endpointId: string, limit: number): Promise<WebhookDelivery[]> {
  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id', 'event_id', 'event_type', 'status', 'created_at', 'updated_at'])
    .where('endpoint_id', '=', endpointId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  if (deliveries.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      deliveries.map((row) => row.id),
    )
    .orderBy('attempt')
    .execute();
  return deliveries.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status as WebhookDelivery['status'],
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        attemptedAt: attempt.attempted_at,
        statusCode: attempt.status_code,
        error: attempt.error,
        durationMs: attempt.duration_ms,
      })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}
