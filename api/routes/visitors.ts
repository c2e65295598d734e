// Privacy requests: erasing one visitor's personal data, from the store and from Temporal's workflow histories.
import { Router } from 'express';
import { type VisitorErasure, visitorSchema } from '../../domain/visitor';
import type { Db } from '../../store/database';
import { eraseRoutings, routingsOfVisitor } from '../../store/visitor-erasure';
import { assertAdmin } from '../auth';
import { parseOr400 } from '../http-error';
import type { RoutingGateway } from '../routing-gateway';

export function visitorsRouter(db: Db, gateway: RoutingGateway): Router {
  const router = Router();

  /**
   * In an order that a failure at any step (Temporal or the database unreachable: 503) can simply be retried: open
   * routings are cancelled and closed first, so none writes the visitor again; then their histories are deleted
   * while the store still lists them; then the store's rows go, in one transaction.
   */
  router.delete('/v1/visitors/:id', async (req, res) => {
    assertAdmin(res);
    const visitorId = parseOr400(visitorSchema.shape.id, req.params.id, 'id');
    const routings = await routingsOfVisitor(db, visitorId);
    let cancelledRoutings = 0;
    for (const routing of routings) {
      if (routing.status === 'routing' && (await gateway.closeForErasure(db, routing.routingId))) cancelledRoutings++;
    }
    let workflowHistories = 0;
    for (const routing of routings) if (await gateway.deleteHistory(routing.routingId)) workflowHistories++;
    const rows = await eraseRoutings(
      db,
      routings.map((routing) => routing.routingId),
    );
    const erasure: VisitorErasure = { visitorId, cancelledRoutings, erased: { ...rows, workflowHistories } };
    res.json(erasure);
  });

  return router;
}
