// The API contract as OpenAPI 3.1, generated once at start-up from the very zod schemas the routes parse requests
// with (api/schemas/), plus the response schemas in api/schemas/responses.ts. Served at GET /openapi.json.
// A route added to api/routes/ must be added here too: test/integration/openapi.test.ts fails until it is.
import {
  OpenAPIRegistry,
  OpenApiGeneratorV31,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';

import type { RequestHandler } from 'express';
import { z } from 'zod';
import { outboundProviderSchema, prospectSyncSchema, salesforceSyncSchema } from '../domain/integrations';
import { ruleInputSchema } from '../domain/rules';
import { groupInputSchema, idSchema, presenceSchema, userInputSchema } from '../domain/users';
import { visitorErasureSchema, visitorSchema } from '../domain/visitor';
import packageJson from '../package.json';
import { RETRY_AFTER_SECONDS } from '../runtime/outages';
import { livenessSchema, notReadySchema, readinessSchema } from './health/schemas';
import { stateRequestConstraints } from './openapi-constraints';
import { errorResponseSchema } from './schemas/errors';
import { repEventsQuerySchema } from './schemas/events';
import {
  acceptedSchema,
  cancelledSchema,
  conversationEndedSchema,
  declinedSchema,
  groupListSchema,
  groupSchema,
  healthSchema,
  liveOffersSchema,
  openConversationsSchema,
  prospectSyncResultSchema,
  publishedRuleSchema,
  reorderedRulesSchema,
  repTokenSchema,
  revokedTokensSchema,
  routingStartedSchema,
  routingStateSchema,
  ruleSetSchema,
  ruleSetVersionsSchema,
  salesforceSyncResultSchema,
  simulationSchema,
  userListSchema,
  userSchema,
} from './schemas/responses';
import { repActionSchema, routingStateQuerySchema, startRoutingSchema } from './schemas/routings';
import { createRuleSchema, ruleOrderSchema, ruleSetVersionQuerySchema, simulateSchema } from './schemas/rules';
import {
  webhookDeliveriesQuerySchema,
  webhookDeliveryListSchema,
  webhookEndpointInputSchema,
  webhookEndpointListSchema,
  webhookEndpointSchema,
} from './schemas/webhooks';

/** The three credentials, each sent as `Authorization: Bearer <key or token>`: one security scheme each. */
const credentials = {
  adminKey: 'The admin key (`ADMIN_API_KEY`): configures everything, and may act wherever a rep token may.',
  experienceKey: 'The experience key (`EXPERIENCE_API_KEY`), for the chat widget back end: starts and reads routings.',
  repToken:
    'A rep token, minted by an admin with `POST /v1/users/{id}/tokens`: acts only for that rep ' +
    '(the `{id}` in the path, or the `repId` in the body).',
} as const;
type Credential = keyof typeof credentials;

/** Who may call a /v1 operation: the text says it, `schemes` lists the credentials in the order to prefer them. */
const access = {
  admin: { text: 'the admin key', schemes: ['adminKey'] },
  experience: { text: 'the experience key or the admin key', schemes: ['experienceKey', 'adminKey'] },
  repOrAdmin: { text: "the rep's own token (`{id}`) or the admin key", schemes: ['repToken', 'adminKey'] },
  rep: { text: "only the rep's own token (the body's `repId`)", schemes: ['repToken'] },
  connectedRepOrAdmin: { text: "the connected rep's own token or the admin key", schemes: ['repToken', 'adminKey'] },
} satisfies Record<string, { text: string; schemes: Credential[] }>;

const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});
const failure = (description: string) => json(errorResponseSchema, description);
const noContent: ResponseConfig = { description: 'Done; no body.' };
/** Every /v1 operation is rate limited (api/rate-limits.ts). */
const rateLimited: ResponseConfig = {
  ...failure(
    'rate_limited: too many requests with this credential in the window (without valid credentials: from this ' +
      'address, and then whatever it sends until the window ends).',
  ),
  headers: {
    'Retry-After': {
      description: 'Seconds until the window resets.',
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
    RateLimit: {
      description: 'The remaining quota (IETF RateLimit header fields, draft 8).',
      schema: { type: 'string' },
    },
    'RateLimit-Policy': { description: 'The quota and its window.', schema: { type: 'string' } },
  },
};

/** Operations that call Temporal while the client waits (besides the database, which every /v1 operation needs). */
const callsTemporal = new Set([
  'setPresence',
  'startRouting',
  'getRouting',
  'acceptOffer',
  'declineOffer',
  'cancelRouting',
  'eraseVisitor',
]);
/** A dependency is out of reach (api/health/outages.ts): never the client's fault, and retrying later works. */
const unavailable = (operationId: string): ResponseConfig => ({
  ...failure(
    callsTemporal.has(operationId)
      ? 'database_unavailable, temporal_unavailable or worker_unavailable: the database or Temporal cannot be ' +
          'reached (or did not answer in time), or no routing worker is running to answer; retry after Retry-After.'
      : 'database_unavailable: the database cannot be reached (or did not answer in time); retry after Retry-After.',
  ),
  headers: {
    'Retry-After': {
      description: `Seconds to wait before retrying (${RETRY_AFTER_SECONDS}).`,
      required: true,
      schema: { type: 'integer', minimum: 0 },
    },
  },
});

const params = {
  user: z.object({ id: idSchema.meta({ description: 'User (rep) id.' }) }),
  group: z.object({ id: idSchema.meta({ description: 'Group id.' }) }),
  rule: z.object({ id: idSchema.meta({ description: 'Rule id, as the server assigned it.' }) }),
  routing: z.object({ id: idSchema.meta({ description: 'Routing id.' }) }),
  webhook: z.object({ id: idSchema.meta({ description: 'Webhook endpoint id, as the server assigned it.' }) }),
};

/**
 * OpenAPI links from an operation that creates something to the operations on it, so that clients (and the stateful
 * phase of test/integration/schemathesis.test.ts) can chain them: `id` is taken from the response at `idPointer`.
 */
function linksTo(idPointer: string, operationIds: string[]): ResponseConfig['links'] {
  return Object.fromEntries(
    operationIds.map((operationId) => [
      operationId[0]?.toUpperCase() + operationId.slice(1),
      { operationId, parameters: { id: `$response.body#${idPointer}` } },
    ]),
  );
}
const userLinks = linksTo('/id', [
  'getUser',
  'deleteUser',
  'setPresence',
  'mintRepToken',
  'revokeRepTokens',
  'listRepOffers',
  'listRepConversations',
]);
const groupLinks = linksTo('/id', ['getGroup', 'deleteGroup']);
const ruleLinks = linksTo('/id', ['replaceRule', 'deleteRule']);
const routingLinks = linksTo('/routingId', [
  'getRouting',
  'cancelRouting',
  'acceptOffer',
  'declineOffer',
  'endConversation',
]);
const webhookLinks = linksTo('/id', ['getWebhook', 'replaceWebhook', 'deleteWebhook', 'listWebhookDeliveries']);
const withLinks = (response: ResponseConfig, links: ResponseConfig['links']): ResponseConfig => ({
  ...response,
  links,
});

/** Registering or replacing a webhook endpoint also refuses a URL that points inside (api/routes/webhooks.ts). */
const webhookUrlRefused =
  'invalid_json, or invalid_request naming every invalid field in `details.issues`: among them `url` when its host ' +
  'is an internal address (loopback, private, link-local, ...) that OUTBOUND_ALLOWED_HOSTS does not allow.';
interface Operation {
  method: RouteConfig['method'];
  /** OpenAPI path syntax: `{id}`, not `:id`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  access: keyof typeof access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** The schema the route parses its body with. */
  body?: z.ZodType;
  /** Bodies above this size are refused with 413. */
  bodyLimit?: string;
  responses: Record<number, ResponseConfig>;
  /** Failures particular to this operation (404, 409, a more specific 400); the common ones are added. */
  failures?: Record<number, string>;
}

/** Adds what every /v1 operation shares: bearer auth and the failures its inputs and credentials can cause. */
function v1Route(op: Operation): RouteConfig {
  const common: Record<number, string> = {
    401: 'unauthenticated: no `Authorization: Bearer` header, or the key or token is not valid.',
    403: `forbidden: this operation accepts ${access[op.access].text}.`,
    500: 'internal: an unexpected failure (never with a stack trace).',
  };
  if (op.body || op.query || op.params) {
    common[400] = 'invalid_request, naming every invalid field (or path parameter) in `details.issues`.';
  }
  if (op.body) {
    common[400] = 'invalid_json, or invalid_request naming every invalid field in `details.issues`.';
    common[413] = `payload_too_large: the body is over ${op.bodyLimit ?? '1 MB'}.`;
    common[415] = 'unsupported_media_type: bodies must be `application/json`.';
  }
  const failures = { ...common, ...op.failures };
  return {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: `Accepts ${access[op.access].text}.`,
    security: access[op.access].schemes.map((scheme) => ({ [scheme]: [] })),
    request: {
      ...(op.params && { params: op.params }),
      ...(op.query && { query: op.query }),
      ...(op.body && { body: { required: true, content: { 'application/json': { schema: op.body } } } }),
    },
    responses: {
      ...op.responses,
      ...Object.fromEntries(Object.entries(failures).map(([status, text]) => [status, failure(text)])),
      429: rateLimited,
      503: unavailable(op.operationId),
    },
  };
}

const routingRefused =
  'The workflow refused the answer, with its reason as the code: already_assigned (another rep accepted), ' +
  'not_offered (this rep holds no live offer) or routing_closed.';

const operations: Operation[] = [
  // Users and groups (api/routes/directory.ts)
  {
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    tag: 'Users',
    summary: 'List users (reps) with their presence',
    access: 'admin',
    responses: { 200: json(userListSchema, 'Every user, by id.') },
  },
  {
    method: 'put',
    path: '/v1/users/{id}',
    operationId: 'putUser',
    tag: 'Users',
    summary: 'Create or replace a user',
    access: 'admin',
    params: params.user,
    body: userInputSchema,
    responses: {
      200: withLinks(json(userSchema, 'Replaced.'), userLinks),
      201: withLinks(json(userSchema, 'Created.'), userLinks),
    },
    failures: { 409: 'duplicate_email: another user already has this email.' },
  },
  {
    method: 'get',
    path: '/v1/users/{id}',
    operationId: 'getUser',
    tag: 'Users',
    summary: 'Read a user; a rep may read their own',
    access: 'repOrAdmin',
    params: params.user,
    responses: { 200: json(userSchema, 'The user.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'delete',
    path: '/v1/users/{id}',
    operationId: 'deleteUser',
    tag: 'Users',
    summary: 'Delete a user, take them out of every group and revoke their tokens',
    access: 'admin',
    params: params.user,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'put',
    path: '/v1/users/{id}/presence',
    operationId: 'setPresence',
    tag: 'Users',
    summary: "Set a rep's presence",
    access: 'repOrAdmin',
    params: params.user,
    body: presenceSchema,
    responses: { 200: json(userSchema, 'The user with the new presence.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'post',
    path: '/v1/users/{id}/tokens',
    operationId: 'mintRepToken',
    tag: 'Users',
    summary: 'Mint a token that acts only for this rep',
    access: 'admin',
    params: params.user,
    responses: { 201: json(repTokenSchema, 'The new token, shown this once.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'delete',
    path: '/v1/users/{id}/tokens',
    operationId: 'revokeRepTokens',
    tag: 'Users',
    summary: "Revoke every one of a rep's tokens",
    access: 'admin',
    params: params.user,
    responses: { 200: json(revokedTokensSchema, 'How many were revoked.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'get',
    path: '/v1/groups',
    operationId: 'listGroups',
    tag: 'Groups',
    summary: 'List groups',
    access: 'admin',
    responses: { 200: json(groupListSchema, 'Every group, by id.') },
  },
  {
    method: 'put',
    path: '/v1/groups/{id}',
    operationId: 'putGroup',
    tag: 'Groups',
    summary: 'Create or replace a group',
    access: 'admin',
    params: params.group,
    body: groupInputSchema,
    responses: {
      200: withLinks(json(groupSchema, 'Replaced.'), groupLinks),
      201: withLinks(json(groupSchema, 'Created.'), groupLinks),
    },
    failures: { 400: 'invalid_json, invalid_request, or unknown_reference: `members` names users that do not exist.' },
  },
  {
    method: 'get',
    path: '/v1/groups/{id}',
    operationId: 'getGroup',
    tag: 'Groups',
    summary: 'Read a group',
    access: 'admin',
    params: params.group,
    responses: { 200: json(groupSchema, 'The group.') },
    failures: { 404: 'not_found: no such group.' },
  },
  {
    method: 'delete',
    path: '/v1/groups/{id}',
    operationId: 'deleteGroup',
    tag: 'Groups',
    summary: 'Delete a group',
    access: 'admin',
    params: params.group,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such group.' },
  },

  // Rules (api/routes/rules.ts)
  {
    method: 'get',
    path: '/v1/rules',
    operationId: 'getRuleSet',
    tag: 'Rules',
    summary: 'Read the ordered rules: the current rule-set version, or an earlier one',
    access: 'admin',
    query: ruleSetVersionQuerySchema,
    responses: { 200: json(ruleSetSchema, 'The rule set.') },
    failures: { 404: 'not_found: no such rule-set version.' },
  },
  {
    method: 'get',
    path: '/v1/rules/versions',
    operationId: 'listRuleSetVersions',
    tag: 'Rules',
    summary: 'List the immutable rule-set versions, newest first',
    access: 'admin',
    responses: { 200: json(ruleSetVersionsSchema, 'Every version.') },
  },
  {
    method: 'post',
    path: '/v1/rules',
    operationId: 'createRule',
    tag: 'Rules',
    summary: 'Create a rule, publishing a new rule-set version',
    access: 'admin',
    body: createRuleSchema,
    responses: { 201: withLinks(json(publishedRuleSchema, 'The rule, with the version it published.'), ruleLinks) },
    failures: { 400: 'invalid_json, invalid_request, or unknown_reference: a target names a missing user or group.' },
  },
  {
    method: 'post',
    path: '/v1/rules/simulate',
    operationId: 'simulateRouting',
    tag: 'Rules',
    summary: 'Dry run: which rule and reps a visitor would be routed to, starting nothing',
    access: 'admin',
    body: simulateSchema,
    responses: { 200: json(simulationSchema, 'The matched rule and each stage, assuming nobody accepts.') },
  },
  {
    method: 'put',
    path: '/v1/rules/order',
    operationId: 'reorderRules',
    tag: 'Rules',
    summary: 'Reorder the rules, publishing a new rule-set version',
    access: 'admin',
    body: ruleOrderSchema,
    responses: { 200: json(reorderedRulesSchema, 'The new version and its rules in order.') },
    failures: { 400: 'invalid_json, or invalid_request: `ids` must list every current rule id exactly once.' },
  },
  {
    method: 'put',
    path: '/v1/rules/{id}',
    operationId: 'replaceRule',
    tag: 'Rules',
    summary: 'Replace a rule, publishing a new rule-set version',
    access: 'admin',
    params: params.rule,
    body: ruleInputSchema,
    responses: { 200: json(publishedRuleSchema, 'The rule, with the version it published.') },
    failures: {
      400: 'invalid_json, invalid_request, or unknown_reference: a target names a missing user or group.',
      404: 'not_found: no such rule.',
    },
  },
  {
    method: 'delete',
    path: '/v1/rules/{id}',
    operationId: 'deleteRule',
    tag: 'Rules',
    summary: 'Delete a rule, publishing a new rule-set version',
    access: 'admin',
    params: params.rule,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such rule.' },
  },

  // Routings (api/routes/routings.ts)
  {
    method: 'post',
    path: '/v1/routings',
    operationId: 'startRouting',
    tag: 'Routings',
    summary: 'Start routing a visitor (idempotent on `routingId`)',
    access: 'experience',
    body: startRoutingSchema,
    responses: {
      202: withLinks(
        json(routingStartedSchema, 'Started, or the routing already started under this id.'),
        routingLinks,
      ),
    },
  },
  {
    method: 'get',
    path: '/v1/routings/{id}',
    operationId: 'getRouting',
    tag: 'Routings',
    summary: "A routing's status, rule, stages, offers and trace",
    access: 'experience',
    params: params.routing,
    query: routingStateQuerySchema,
    responses: { 200: json(routingStateSchema, 'The routing now, or once it has an outcome (`waitSeconds`).') },
    failures: { 404: 'not_found: no such routing.' },
  },
  {
    method: 'post',
    path: '/v1/routings/{id}/accept',
    operationId: 'acceptOffer',
    tag: 'Routings',
    summary: 'A rep accepts their offer; the first accept wins',
    access: 'rep',
    params: params.routing,
    body: repActionSchema,
    responses: { 200: json(acceptedSchema, 'This rep won the conversation.') },
    failures: { 404: 'not_found: no such routing.', 409: routingRefused },
  },
  {
    method: 'post',
    path: '/v1/routings/{id}/decline',
    operationId: 'declineOffer',
    tag: 'Routings',
    summary: 'A rep declines their offer',
    access: 'rep',
    params: params.routing,
    body: repActionSchema,
    responses: { 200: json(declinedSchema, 'Declined.') },
    failures: { 404: 'not_found: no such routing.', 409: routingRefused },
  },
  {
    method: 'post',
    path: '/v1/routings/{id}/cancel',
    operationId: 'cancelRouting',
    tag: 'Routings',
    summary: 'The visitor left: cancel the routing',
    access: 'experience',
    params: params.routing,
    responses: { 200: json(cancelledSchema, "The routing's status after the cancel.") },
    failures: { 404: 'not_found: no such routing.', 409: 'routing_closed: the routing already has an outcome.' },
  },
  {
    method: 'post',
    path: '/v1/routings/{id}/end',
    operationId: 'endConversation',
    tag: 'Routings',
    summary: "The conversation is over: free the rep's capacity",
    access: 'connectedRepOrAdmin',
    params: params.routing,
    responses: { 200: json(conversationEndedSchema, 'Ended.') },
    failures: { 409: 'not_connected: the routing has no open conversation.' },
  },

  // Visitors (api/routes/visitors.ts)
  {
    method: 'delete',
    path: '/v1/visitors/{id}',
    operationId: 'eraseVisitor',
    tag: 'Visitors',
    summary: "Erase a visitor's personal data (privacy requests)",
    access: 'admin',
    params: z.object({
      id: visitorSchema.shape.id.meta({ description: 'Visitor id, as routings were started with.' }),
    }),
    responses: {
      200: json(
        visitorErasureSchema,
        "What was erased: the visitor's routings (open ones cancelled first) with their offers, conversations, reps' " +
          'events and webhook deliveries, and their workflow histories. Repeatable; a visitor with nothing stored ' +
          'gets zeros.',
      ),
    },
  },

  // Reps (api/routes/reps.ts)
  {
    method: 'get',
    path: '/v1/reps/{id}/offers',
    operationId: 'listRepOffers',
    tag: 'Reps',
    summary: "A rep's live offers across routings",
    access: 'repOrAdmin',
    params: params.user,
    responses: { 200: json(liveOffersSchema, 'Pending offers, oldest first.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'get',
    path: '/v1/reps/{id}/conversations',
    operationId: 'listRepConversations',
    tag: 'Reps',
    summary: "A rep's open (connected, not yet ended) conversations",
    access: 'repOrAdmin',
    params: params.user,
    responses: { 200: json(openConversationsSchema, 'Open conversations with their visitor, oldest first.') },
    failures: { 404: 'not_found: no such user.' },
  },
  {
    method: 'get',
    path: '/v1/reps/{id}/events',
    operationId: 'streamRepEvents',
    tag: 'Reps',
    summary: "A rep's live events as Server-Sent Events",
    access: 'repOrAdmin',
    params: params.user,
    query: repEventsQuerySchema,
    responses: {
      200: {
        description:
          'text/event-stream of `offer.created`, `offer.withdrawn`, `routing.connected` and `presence.changed` events, ' +
          'each with an `id`; reconnect with `Last-Event-ID` to receive exactly the events missed. Comment lines are ' +
          'sent as heartbeats. A new stream (no `Last-Event-ID`, or an empty one) starts with events from now on. ' +
          'A replay is capped (REP_EVENTS_REPLAY_MAX_EVENTS events, default 1000, the first at most ' +
          'REP_EVENTS_REPLAY_MAX_AGE_SECONDS old, default 3600, and the id still stored): beyond the caps the stream ' +
          'starts from now with an event `reset` (data `{"repId","reason"}`, reason `too_many_missed`, `too_old` or ' +
          '`unknown_event_id`; its `id` is where a later reconnect resumes), and the client refetches ' +
          '`GET /v1/reps/{id}/offers`. A client that leaves what it was sent unread for ' +
          'REP_EVENTS_STALL_TIMEOUT_SECONDS (default 30) is disconnected. One credential holds at most ' +
          'REP_EVENTS_STREAMS_PER_CREDENTIAL open streams (default 10) per API process: one more is answered ' +
          '429 with the code `too_many_streams`.',
        content: { 'text/event-stream': { schema: z.string() } },
      },
    },
    failures: { 404: 'not_found: no such user.', 400: 'invalid_request: Last-Event-ID is not an event id.' },
  },

  // Integrations (api/routes/integrations.ts): bulk upserts, each request all or nothing.
  {
    method: 'put',
    path: '/v1/integrations/salesforce',
    operationId: 'syncSalesforce',
    tag: 'Integrations',
    summary: 'Upsert Salesforce contacts, leads, accounts and account team members',
    access: 'admin',
    body: salesforceSyncSchema,
    bodyLimit: '20 MB',
    responses: { 200: json(salesforceSyncResultSchema, 'Upserted, in one transaction.') },
  },
  ...outboundProviderSchema.options.map(
    (provider): Operation => ({
      method: 'put',
      path: `/v1/integrations/${provider}`,
      operationId: `sync${provider[0]?.toUpperCase()}${provider.slice(1)}Prospects`,
      tag: 'Integrations',
      summary: `Upsert ${provider} prospects`,
      access: 'admin',
      body: prospectSyncSchema,
      bodyLimit: '20 MB',
      responses: { 200: json(prospectSyncResultSchema, 'Upserted, in one transaction.') },
    }),
  ),

  // Webhooks (api/routes/webhooks.ts)
  {
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    tag: 'Webhooks',
    summary: 'List webhook endpoints',
    access: 'admin',
    responses: { 200: json(webhookEndpointListSchema, 'Every endpoint, oldest first, with its signing secret.') },
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    tag: 'Webhooks',
    summary: 'Register an endpoint for the events it wants; the response holds its signing secret',
    access: 'admin',
    body: webhookEndpointInputSchema,
    responses: { 201: withLinks(json(webhookEndpointSchema, 'Registered.'), webhookLinks) },
    failures: { 400: webhookUrlRefused },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}',
    operationId: 'getWebhook',
    tag: 'Webhooks',
    summary: 'Read an endpoint',
    access: 'admin',
    params: params.webhook,
    responses: { 200: json(webhookEndpointSchema, 'The endpoint.') },
    failures: { 404: 'not_found: no such endpoint.' },
  },
  {
    method: 'put',
    path: '/v1/webhooks/{id}',
    operationId: 'replaceWebhook',
    tag: 'Webhooks',
    summary:
      'Replace an endpoint’s URL, events and state; `rotateSecret` issues a new secret, the previous one still signing for `previousSecretValidHours` (24 by default)',
    access: 'admin',
    params: params.webhook,
    body: webhookEndpointInputSchema,
    responses: { 200: json(webhookEndpointSchema, 'Replaced.') },
    failures: {
      404: 'not_found: no such endpoint.',
      400: webhookUrlRefused,
    },
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    operationId: 'deleteWebhook',
    tag: 'Webhooks',
    summary: 'Delete an endpoint; deliveries still retrying stop',
    access: 'admin',
    params: params.webhook,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such endpoint.' },
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary: 'The endpoint’s latest deliveries, newest first, each with its attempts and their status',
    access: 'admin',
    params: params.webhook,
    query: webhookDeliveriesQuerySchema,
    responses: { 200: json(webhookDeliveryListSchema, 'Latest deliveries.') },
    failures: { 404: 'not_found: no such endpoint.' },
  },
];

function buildDocument() {
  const registry = new OpenAPIRegistry();
  for (const [scheme, description] of Object.entries(credentials)) {
    registry.registerComponent('securitySchemes', scheme, { type: 'http', scheme: 'bearer', description });
  }

  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    tags: ['Service'],
    summary: 'Readiness: can routings be started?',
    responses: { 200: json(healthSchema, 'Ready.'), 503: json(healthSchema, 'Still starting.') },
  });
  registry.registerPath({
    method: 'get',
    path: '/livez',
    operationId: 'liveness',
    tags: ['Service'],
    summary: 'Liveness: does the process answer? Checks no dependency, so an outage never gets it restarted',
    responses: { 200: json(livenessSchema, 'Alive.') },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    tags: ['Service'],
    summary: 'Readiness: do the database and Temporal answer, each within 2 s? Load balancers send traffic only then',
    responses: {
      200: json(readinessSchema, 'Ready.'),
      503: {
        ...json(notReadySchema, 'Not ready: a dependency is unavailable, or the process is shutting down.'),
        headers: {
          'Retry-After': {
            description: 'Seconds to wait before checking again (absent while shutting down).',
            schema: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    tags: ['Service'],
    summary:
      'Prometheus metrics: routing outcomes by rule, offers by result, time to first offer and to accept, reps by presence',
    responses: {
      200: {
        description: 'Prometheus text exposition format.',
        content: { 'text/plain': { schema: z.string() } },
      },
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    tags: ['Service'],
    summary: 'This document',
    responses: { 200: json(z.looseObject({ openapi: z.string() }), 'The OpenAPI 3.1 document.') },
  });
  for (const op of operations) registry.registerPath(v1Route(op));

  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: packageJson.name,
      version: packageJson.version,
      description: packageJson.description,
      license: { name: packageJson.license, identifier: packageJson.license },
    },
    tags: ['Users', 'Groups', 'Rules', 'Routings', 'Visitors', 'Reps', 'Integrations', 'Webhooks', 'Service'].map(
      (name) => ({
        name,
      }),
    ),
  });
  stateRequestConstraints(document);
  return document;
}

/** Built when the API module loads, so a schema the generator cannot describe stops start-up rather than a request. */
export const openApiDocument = buildDocument();
const serialized = JSON.stringify(openApiDocument);

export const serveOpenApi: RequestHandler = (_req, res) => {
  res.type('application/json').send(serialized);
};
