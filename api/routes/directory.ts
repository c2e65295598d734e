// Admin configuration of reps (with their presence) and groups.
import { groupInputSchema, presenceSchema, userInputSchema } from '../../domain/users';
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
import { activeConversationCounts, lastConversationTimes } from '../../store/projection';
import { mintRepToken, revokeRepTokens } from '../../store/rep-tokens';
import { admin, pathRepOrAdmin } from '../access';
import { notFound } from '../http-error';
import { json, linksTo, noContent, operation, withLinks } from '../operations';
import { idParams } from '../path-params';
import {
  groupListSchema,
  groupSchema,
  repTokenSchema,
  revokedTokensSchema,
  userListSchema,
  userSchema,
} from '../schemas/responses';

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

export const directoryOperations = [
  operation({
    method: 'get',
    path: '/v1/users',
    operationId: 'listUsers',
    tag: 'Users',
    summary: 'List users (reps) with their presence and open conversations',
    access: admin,
    responses: { 200: json(userListSchema, 'Every user, by id.') },
    handle: async (_input, { deps }) => {
      const users = await listUsers(deps.db);
      const ids = users.map((user) => user.id);
      const [active, last] = await Promise.all([
        activeConversationCounts(deps.db, ids),
        lastConversationTimes(deps.db, ids),
      ]);
      const listed = users.map((user) => ({
        ...user,
        activeConversations: active.get(user.id) ?? 0,
        lastConversationAt: last.get(user.id) ?? null,
      }));
      return { status: 200, body: { users: listed } };
    },
  }),
  operation({
    method: 'put',
    path: '/v1/users/{id}',
    operationId: 'putUser',
    tag: 'Users',
    summary: 'Create or replace a user',
    access: admin,
    params: idParams.user,
    body: userInputSchema,
    responses: {
      200: withLinks(json(userSchema, 'Replaced.'), userLinks),
      201: withLinks(json(userSchema, 'Created.'), userLinks),
    },
    failures: { 409: 'duplicate_email: another user already has this email.' },
    handle: async ({ params, body }, { deps }) => {
      const { user, created } = await putUser(deps.db, params.id, body);
      return { status: created ? 201 : 200, body: user };
    },
  }),
  /** A rep may read their own record too: the console shows them their name and presence. */
  operation({
    method: 'get',
    path: '/v1/users/{id}',
    operationId: 'getUser',
    tag: 'Users',
    summary: 'Read a user; a rep may read their own',
    access: pathRepOrAdmin,
    params: idParams.user,
    responses: { 200: json(userSchema, 'The user.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      const user = await getUser(deps.db, params.id);
      if (!user) throw notFound('user', params.id);
      return { status: 200, body: user };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/users/{id}',
    operationId: 'deleteUser',
    tag: 'Users',
    summary: 'Delete a user, take them out of every group and revoke their tokens',
    access: admin,
    params: idParams.user,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      if (!(await deleteUser(deps.db, params.id))) throw notFound('user', params.id);
      return { status: 204 };
    },
  }),
  operation({
    method: 'put',
    path: '/v1/users/{id}/presence',
    operationId: 'setPresence',
    tag: 'Users',
    summary: "Set a rep's presence",
    access: pathRepOrAdmin,
    params: idParams.user,
    body: presenceSchema,
    callsTemporal: true,
    responses: { 200: json(userSchema, 'The user with the new presence.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params, body }, { deps }) => {
      const changed = await setPresence(deps.db, params.id, body.status);
      if (!changed) throw notFound('user', params.id);
      await deps.routings.startWebhookDeliveries(changed.webhookDeliveryIds);
      return { status: 200, body: changed.user };
    },
  }),
  /** Mints a token that acts only for this rep. Shown once: only its hash is stored. */
  operation({
    method: 'post',
    path: '/v1/users/{id}/tokens',
    operationId: 'mintRepToken',
    tag: 'Users',
    summary: 'Mint a token that acts only for this rep',
    access: admin,
    params: idParams.user,
    responses: { 201: json(repTokenSchema, 'The new token, shown this once.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      if (!(await getUser(deps.db, params.id))) throw notFound('user', params.id);
      return { status: 201, body: { userId: params.id, token: await mintRepToken(deps.db, params.id) } };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/users/{id}/tokens',
    operationId: 'revokeRepTokens',
    tag: 'Users',
    summary: "Revoke every one of a rep's tokens",
    access: admin,
    params: idParams.user,
    responses: { 200: json(revokedTokensSchema, 'How many were revoked.') },
    failures: { 404: 'not_found: no such user.' },
    handle: async ({ params }, { deps }) => {
      if (!(await getUser(deps.db, params.id))) throw notFound('user', params.id);
      return { status: 200, body: { userId: params.id, revoked: await revokeRepTokens(deps.db, params.id) } };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/groups',
    operationId: 'listGroups',
    tag: 'Groups',
    summary: 'List groups',
    access: admin,
    responses: { 200: json(groupListSchema, 'Every group, by id.') },
    handle: async (_input, { deps }) => ({ status: 200, body: { groups: await listGroups(deps.db) } }),
  }),
  operation({
    method: 'put',
    path: '/v1/groups/{id}',
    operationId: 'putGroup',
    tag: 'Groups',
    summary: 'Create or replace a group',
    access: admin,
    params: idParams.group,
    body: groupInputSchema,
    responses: {
      200: withLinks(json(groupSchema, 'Replaced.'), groupLinks),
      201: withLinks(json(groupSchema, 'Created.'), groupLinks),
    },
    failures: { 400: 'invalid_json, invalid_request, or unknown_reference: `members` names users that do not exist.' },
    handle: async ({ params, body }, { deps }) => {
      const { group, created } = await putGroup(deps.db, params.id, body);
      return { status: created ? 201 : 200, body: group };
    },
  }),
  operation({
    method: 'get',
    path: '/v1/groups/{id}',
    operationId: 'getGroup',
    tag: 'Groups',
    summary: 'Read a group',
    access: admin,
    params: idParams.group,
    responses: { 200: json(groupSchema, 'The group.') },
    failures: { 404: 'not_found: no such group.' },
    handle: async ({ params }, { deps }) => {
      const group = await getGroup(deps.db, params.id);
      if (!group) throw notFound('group', params.id);
      return { status: 200, body: group };
    },
  }),
  operation({
    method: 'delete',
    path: '/v1/groups/{id}',
    operationId: 'deleteGroup',
    tag: 'Groups',
    summary: 'Delete a group',
    access: admin,
    params: idParams.group,
    responses: { 204: noContent },
    failures: { 404: 'not_found: no such group.' },
    handle: async ({ params }, { deps }) => {
      if (!(await deleteGroup(deps.db, params.id))) throw notFound('group', params.id);
      return { status: 204 };
    },
  }),
];
