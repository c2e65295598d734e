// Admin configuration of reps (with their presence) and groups.
import { Router } from 'express';
import { groupInputSchema, presenceSchema, userInputSchema } from '../../domain/users';
import type { Db } from '../../store/database';
import {
  deleteGroup,
  deleteUser,
  getGroup,
  getUser,
  listGroups,
  listUsers,
  putGroup,
  putUser,
  setPresence,
} from '../../store/directory';
import { mintRepToken, revokeRepTokens } from '../../store/rep-tokens';
import { assertActsFor, assertAdmin } from '../auth';
import { notFound, parseOr400 } from '../http-error';
import { checkIdParam } from '../path-params';
import type { RoutingGateway } from '../routing-gateway';

export function directoryRouter(db: Db, routings: RoutingGateway): Router {
  const router = Router();
  router.param('id', checkIdParam);

  router.get('/v1/users', async (_req, res) => {
    assertAdmin(res);
    res.json({ users: await listUsers(db) });
  });

  router.put('/v1/users/:id', async (req, res) => {
    assertAdmin(res);
    const id = req.params.id;
    const { user, created } = await putUser(db, id, parseOr400(userInputSchema, req.body));
    res.status(created ? 201 : 200).json(user);
  });

  /** A rep may read their own record too: the console shows them their name and presence. */
  router.get('/v1/users/:id', async (req, res) => {
    assertActsFor(res, req.params.id, { adminToo: true });
    const user = await getUser(db, req.params.id);
    if (!user) throw notFound('user', req.params.id);
    res.json(user);
  });

  router.delete('/v1/users/:id', async (req, res) => {
    assertAdmin(res);
    if (!(await deleteUser(db, req.params.id))) throw notFound('user', req.params.id);
    res.status(204).end();
  });

  router.put('/v1/users/:id/presence', async (req, res) => {
    assertActsFor(res, req.params.id, { adminToo: true });
    const { status } = parseOr400(presenceSchema, req.body);
    const changed = await setPresence(db, req.params.id, status);
    if (!changed) throw notFound('user', req.params.id);
    await routings.startWebhookDeliveries(db, changed.webhookDeliveryIds);
    res.json(changed.user);
  });

  /** Mints a token that acts only for this rep. Shown once: only its hash is stored. */
  router.post('/v1/users/:id/tokens', async (req, res) => {
    assertAdmin(res);
    if (!(await getUser(db, req.params.id))) throw notFound('user', req.params.id);
    res.status(201).json({ userId: req.params.id, token: await mintRepToken(db, req.params.id) });
  });

  router.delete('/v1/users/:id/tokens', async (req, res) => {
    assertAdmin(res);
    if (!(await getUser(db, req.params.id))) throw notFound('user', req.params.id);
    res.json({ userId: req.params.id, revoked: await revokeRepTokens(db, req.params.id) });
  });

  router.get('/v1/groups', async (_req, res) => {
    assertAdmin(res);
    res.json({ groups: await listGroups(db) });
  });

  router.put('/v1/groups/:id', async (req, res) => {
    assertAdmin(res);
    const id = req.params.id;
    const { group, created } = await putGroup(db, id, parseOr400(groupInputSchema, req.body));
    res.status(created ? 201 : 200).json(group);
  });

  router.get('/v1/groups/:id', async (req, res) => {
    assertAdmin(res);
    const group = await getGroup(db, req.params.id);
    if (!group) throw notFound('group', req.params.id);
    res.json(group);
  });

  router.delete('/v1/groups/:id', async (req, res) => {
    assertAdmin(res);
    if (!(await deleteGroup(db, req.params.id))) throw notFound('group', req.params.id);
    res.status(204).end();
  });

  return router;
}
