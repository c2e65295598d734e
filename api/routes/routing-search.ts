// Finding routings: GET /v1/routings, newest first, a page at a time. Admins only: the experience key reads a routing
// by its id (GET /v1/routings/{id}) and has never been able to list them, and the list shows visitors' details.
import { searchRoutings } from '../../store/routing-search';
import { admin } from '../access';
import { json, operation } from '../operations';
import { encodeCursor, routingPageSchema, routingSearchQuerySchema } from '../schemas/reports';

export const routingSearchOperations = [
  operation({
    method: 'get',
    path: '/v1/routings',
    operationId: 'listRoutings',
    tag: 'Routings',
    summary: 'Find routings: newest first, filtered, paginated by cursor',
    access: admin,
    query: routingSearchQuerySchema,
    responses: {
      200: json(
        routingPageSchema,
        'A page of routings. Pages follow each other by `cursor`: routings started meanwhile never shift a page.',
      ),
    },
    handle: async ({ query: { cursor, limit, ...filters } }, { deps }) => {
      const page = await searchRoutings(deps.db, filters, { ...(cursor && { after: cursor }), limit });
      return {
        status: 200,
        body: { routings: page.routings, nextCursor: page.next ? encodeCursor(page.next) : null },
      };
    },
  }),
];
