// What a rep sees: their live offers and open conversations.
import { Router } from 'express';
import type { Db } from '../../store/database';
import { getUser } from '../../store/directory';
import { liveOffersForRep, openConversationsForRep } from '../../store/projection';
import { assertActsFor } from '../auth';
import { notFound } from '../http-error';
import { checkIdParam } from '../path-params';

export function repsRouter(db: Db): Router {
  const router = Router();
  router.param('id', checkIdParam);

  router.get('/v1/reps/:id/offers', async (req, res) => {
    assertActsFor(res, req.params.id, { adminToo: true });
    if (!(await getUser(db, req.params.id))) throw notFound('user', req.params.id);
    res.json({ offers: await liveOffersForRep(db, req.params.id) });
  });

  router.get('/v1/reps/:id/conversations', async (req, res) => {
    assertActsFor(res, req.params.id, { adminToo: true });
    if (!(await getUser(db, req.params.id))) throw notFound('user', req.params.id);
    res.json({ conversations: await openConversationsForRep(db, req.params.id) });
  });

  return router;
}
