// What a rep sees: their live offers and open conversations.
import { getUser } from '../../store/directory';
import { liveOffersForRep, openConversationsForRep } from '../../store/projection';
import { pathRepOrAdmin } from '../access';
import { notFound } from '../http-error';
import { json, operation } from '../operations';
import { idParams } from '../path-params';
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
];
