// Privacy requests: erasing one visitor's personal data, from the store and from Temporal's workflow histories.
import { z } from 'zod';
import { type VisitorErasure, visitorErasureSchema, visitorSchema } from '../../domain/visitor';
import { eraseVisitorRows, routingsOfVisitor } from '../../store/visitor-erasure';
import { admin } from '../access';
import { json, operation } from '../operations';

export const visitorsOperations = [
  /**
   * In an order that a failure at any step (Temporal or the database unreachable: 503) can simply be retried: open
   * routings are cancelled and closed first, so none writes the visitor again; then their histories are deleted
   * while the store still lists them; then the store's rows go, in one transaction.
   */
  operation({
    method: 'delete',
    path: '/v1/visitors/{id}',
    operationId: 'eraseVisitor',
    tag: 'Visitors',
    summary: "Erase a visitor's personal data (privacy requests)",
    access: admin,
    params: z.object({
      id: visitorSchema.shape.id.meta({ description: 'Visitor id, as routings were started with.' }),
    }),
    callsTemporal: true,
    responses: {
      200: json(
        visitorErasureSchema,
        "What was erased: the visitor's routings (open ones cancelled first) with their offers, conversations, reps' " +
          'events and webhook deliveries, their workflow histories, and the outbound link clicks they redeemed. Repeatable; a visitor with nothing stored ' +
          'gets zeros.',
      ),
    },
    handle: async ({ params: { id: visitorId } }, { deps: { db, routings: gateway } }) => {
      const routings = await routingsOfVisitor(db, visitorId);
      let cancelledRoutings = 0;
      for (const routing of routings) {
        if (routing.status === 'routing' && (await gateway.closeForErasure(routing.routingId))) cancelledRoutings++;
      }
      let workflowHistories = 0;
      for (const routing of routings) if (await gateway.deleteHistory(routing.routingId)) workflowHistories++;
      const rows = await eraseVisitorRows(
        db,
        visitorId,
        routings.map((routing) => routing.routingId),
      );
      const erasure: VisitorErasure = { visitorId, cancelledRoutings, erased: { ...rows, workflowHistories } };
      return { status: 200, body: erasure };
    },
  }),
];
