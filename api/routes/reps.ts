// What a rep sees: their live offers, open conversations, and why recent routings offered them or not.
import { type RepRoutingView, repRoutingView, unexplainedRoutingView } from '../../domain/rep-why';
import type { RoutingStatus, RoutingType } from '../../domain/routing';
import { getUser } from '../../store/directory';
import { liveOffersForRep, openConversationsForRep } from '../../store/projection';
import { searchRoutings } from '../../store/routing-search';
import { pathRepOrAdmin } from '../access';
import { HttpError, notFound } from '../http-error';
import { json, operation } from '../operations';
import { idParams } from '../path-params';
import { repRoutingsPageSchema, repRoutingsQuerySchema } from '../schemas/live';
import { encodeCursor } from '../schemas/reports';
import { liveOffersSchema, openConversationsSchema } from '../schemas/responses';

export const repsOperations = [
  operation({
    method: 'get',
    path: '/v1/reps/{id}/offers',
    operationId: 'listRepOffers',
    tag: 'Reps',
    summary: "A rep's live offers across routings",
    access: pathRepOrAdmin,
    params: idParams.user,
    responses: { 200: json(liveOffersSchema, 'Pending offers, oldest first.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      if (!(await getUser(deps.db, params.id))) throw notFound('user', params.id);
      return { status: 200, body: { offers: await liveOffersForRep(deps.db, params.id) } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/reps/{id}/conversations',
    operationId: 'listRepConversations',
    tag: 'Reps',
    summary: "A rep's open (connected, not yet ended) conversations",
    access: pathRepOrAdmin,
    params: idParams.user,
    responses: { 200: json(openConversationsSchema, 'Open conversations with their visitor, oldest first.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      if (!(await getUser(deps.db, params.id))) throw notFound('user', params.id);
      return { status: 200, body: { conversations: await openConversationsForRep(deps.db, params.id) } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/reps/{id}/routings',
    operationId: 'listRepRoutings',
    tag: 'Reps',
    summary: 'Recent routings, each with why it offered this rep its visitor or why not',
    access: pathRepOrAdmin,
    params: idParams.user,
    query: repRoutingsQuerySchema,
    callsTemporal: true,
    responses: {
      200: json(
        repRoutingsPageSchema,
        "Every recent routing (not only this rep's), newest first, each told from its own recorded explanation " +
          '(what `GET /v1/routings/{id}` shows) as far as it concerns this rep: never which other reps it named, ' +
          'offered or connected. Narrow it to a visitor with `visitorId` or `visitorEmail`.',
      ),
    },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params, query: { cursor, limit, ...filters } }, { deps }) => {
      if (!(await getUser(deps.db, params.id))) throw notFound('user', params.id);
      const page = await searchRoutings(deps.db, filters, { ...(cursor && { after: cursor }), limit });
      const routings = await Promise.all(
        page.routings.map(async (routing): Promise<RepRoutingView> => {
          try {
            const state = await deps.routings.recordedState(routing.routingId, routing.status !== 'routing');
            return repRoutingView(state, params.id);
          } catch (error) {
            if (!(error instanceof HttpError && error.status === 404)) throw error;
            // Its workflow history is gone (Temporal keeps closed ones for its retention): only the row is left.
            return unexplainedRoutingView({
              ...routing,
              type: routing.type as RoutingType,
              status: routing.status as RoutingStatus,
            });
          }
        }),
      );
      return {
        status: 200,
        body: { routings, nextCursor: page.next ? encodeCursor(page.next) : null },
      };
    },
  }),
];
