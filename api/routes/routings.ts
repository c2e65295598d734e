// Routing requests from experiences, and reps' answers to offers.
import { Router } from 'express';
import type { Db } from '../../store/database';
import { activeConversation, endConversation } from '../../store/projection';
import { assertActsFor, assertExperienceOrAdmin } from '../auth';
import { HttpError, parseOr400 } from '../http-error';
import { checkIdParam } from '../path-params';
import type { RoutingGateway } from '../routing-gateway';
import { repActionSchema, routingStateQuerySchema, startRoutingSchema } from '../schemas/routings';

export function routingsRouter(gateway: RoutingGateway, db: Db): Router {
  const router = Router();
  router.param('id', checkIdParam);

  router.post('/v1/routings', async (req, res) => {
    assertExperienceOrAdmin(res);
    const request = parseOr400(startRoutingSchema, req.body);
    res.status(202).json(await gateway.start(request));
  });

  router.get('/v1/routings/:id', async (req, res) => {
    assertExperienceOrAdmin(res);
    const { waitSeconds } = parseOr400(routingStateQuerySchema, req.query, 'query');
    // A long poll whose client has gone releases its Temporal call at once ('close' after the answer is harmless).
    const clientGone = new AbortController();
    res.on('close', () => clientGone.abort());
    res.json(await gateway.state(req.params.id, waitSeconds, clientGone.signal));
  });

  router.post('/v1/routings/:id/accept', async (req, res) => {
    const { repId } = parseOr400(repActionSchema, req.body);
    assertActsFor(res, repId, { adminToo: false });
    res.json(await gateway.accept(db, req.params.id, repId));
  });

  router.post('/v1/routings/:id/decline', async (req, res) => {
    const { repId } = parseOr400(repActionSchema, req.body);
    assertActsFor(res, repId, { adminToo: false });
    res.json(await gateway.decline(req.params.id, repId));
  });

  router.post('/v1/routings/:id/cancel', async (req, res) => {
    assertExperienceOrAdmin(res);
    res.json(await gateway.cancel(db, req.params.id));
  });

  /** The conversation is over: the rep's capacity is freed. The routing workflow has already finished. */
  router.post('/v1/routings/:id/end', async (req, res) => {
    const conversation = await activeConversation(db, req.params.id);
    if (!conversation) throw new HttpError(409, 'not_connected', `routing ${req.params.id} has no open conversation`);
    assertActsFor(res, conversation.rep_id, { adminToo: true });
    await endConversation(db, req.params.id, new Date().toISOString());
    res.json({ routingId: req.params.id, repId: conversation.rep_id, ended: true });
  });

  return router;
}
