// Routing requests from experiences, and reps' answers to offers.
import { bodyRepOnly, connectedRepOrAdmin, experienceOrAdmin } from '../access';
import { json, linksTo, operation, withLinks } from '../operations';
import { idParams } from '../path-params';
import {
  acceptedSchema,
  cancelledSchema,
  conversationEndedSchema,
  declinedSchema,
  routingStartedSchema,
  routingStateSchema,
} from '../schemas/responses';
import { repActionSchema, routingStateQuerySchema, startRoutingSchema } from '../schemas/routings';

const routingLinks = linksTo('/routingId', [
  'getRouting',
  'cancelRouting',
  'acceptOffer',
  'declineOffer',
  'endConversation',
]);
const routingRefused =
  'The workflow refused the answer, with its reason as the code: already_assigned (another rep accepted), ' +
  'not_offered (this rep holds no live offer) or routing_closed.';

export const routingsOperations = [
  operation({
    method: 'post',
    path: '/v1/routings',
    operationId: 'startRouting',
    tag: 'Routings',
    summary: 'Start routing a visitor (idempotent on `routingId`)',
    access: experienceOrAdmin,
    body: startRoutingSchema,
    callsTemporal: true,
    responses: {
      202: withLinks(
        json(routingStartedSchema, 'Started, or the routing already started under this id.'),
        routingLinks,
      ),
    },
    handle: async ({ body }, { deps }) => ({ status: 202, body: await deps.routings.start(body) }),
  }),
  operation({
    method: 'get',
    path: '/v1/routings/{id}',
    operationId: 'getRouting',
    tag: 'Routings',
    summary: "A routing's status, rule, stages, offers and trace",
    access: experienceOrAdmin,
    params: idParams.routing,
    query: routingStateQuerySchema,
    callsTemporal: true,
    responses: { 200: json(routingStateSchema, 'The routing now, or once it has an outcome (`waitSeconds`).') },
    failures: { 404: 'not_found: no such routing.' },
    handle: async ({ params, query }, { deps, res }) => {
      // A long poll whose client has gone releases its Temporal call at once ('close' after the answer is harmless).
      const clientGone = new AbortController();
      res.on('close', () => clientGone.abort());
      return { status: 200, body: await deps.routings.state(params.id, query.waitSeconds, clientGone.signal) };
    },
  }),
  operation({
    method: 'post',
    path: '/v1/routings/{id}/accept',
    operationId: 'acceptOffer',
    tag: 'Routings',
    summary: 'A rep accepts their offer; the first accept wins',
    access: bodyRepOnly,
    params: idParams.routing,
    body: repActionSchema,
    callsTemporal: true,
    responses: { 200: json(acceptedSchema, 'This rep won the conversation.') },
    failures: { 404: 'not_found: no such routing.', 409: routingRefused },
    handle: async ({ params, body }, { deps }) => ({
      status: 200,
      body: await deps.routings.accept(params.id, body.repId),
    }),
  }),
  operation({
    method: 'post',
    path: '/v1/routings/{id}/decline',
    operationId: 'declineOffer',
    tag: 'Routings',
    summary: 'A rep declines their offer',
    access: bodyRepOnly,
    params: idParams.routing,
    body: repActionSchema,
    callsTemporal: true,
    responses: { 200: json(declinedSchema, 'Declined.') },
    failures: { 404: 'not_found: no such routing.', 409: routingRefused },
    handle: async ({ params, body }, { deps }) => ({
      status: 200,
      body: await deps.routings.decline(params.id, body.repId),
    }),
  }),
  operation({
    method: 'post',
    path: '/v1/routings/{id}/cancel',
    operationId: 'cancelRouting',
    tag: 'Routings',
    summary: 'The visitor left: cancel the routing',
    access: experienceOrAdmin,
    params: idParams.routing,
    callsTemporal: true,
    responses: { 200: json(cancelledSchema, "The routing's status after the cancel.") },
    failures: { 404: 'not_found: no such routing.', 409: 'routing_closed: the routing already has an outcome.' },
    handle: async ({ params }, { deps }) => ({ status: 200, body: await deps.routings.cancel(params.id) }),
  }),
  /** The conversation is over: the rep's capacity is freed. The routing workflow has already finished. */
  operation({
    method: 'post',
    path: '/v1/routings/{id}/end',
    operationId: 'endConversation',
    tag: 'Routings',
    summary: "The conversation is over: free the rep's capacity",
    // Finds the connected rep, and answers 409 not_connected when there is none.
    access: connectedRepOrAdmin,
    params: idParams.routing,
    responses: { 200: json(conversationEndedSchema, 'Ended.') },
    failures: { 409: 'not_connected: the routing has no open conversation.' },
    handle: async ({ params }, { deps, actsFor }) => {
      await deps.routings.endConversation(params.id);
      return { status: 200, body: { routingId: params.id, repId: actsFor, ended: true } };
    },
  }),
];
