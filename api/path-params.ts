// Every `{id}` in a path names a user, group, rule, routing, rep or webhook: ids of one shape (the one a caller may
// choose for users and routings). Declared as an operation's `params` (api/operations.ts), so no malformed or overlong
// id reaches the database or Temporal, and the client is told which part of its request to fix.
import { z } from 'zod';
import { idSchema } from '../domain/users';

export const idParams = {
  user: z.object({ id: idSchema.meta({ description: 'User (rep) id.' }) }),
  group: z.object({ id: idSchema.meta({ description: 'Group id.' }) }),
  rule: z.object({ id: idSchema.meta({ description: 'Rule id, as the server assigned it.' }) }),
  routing: z.object({ id: idSchema.meta({ description: 'Routing id.' }) }),
  webhook: z.object({ id: idSchema.meta({ description: 'Webhook endpoint id, as the server assigned it.' }) }),
  whatIf: z.object({ id: idSchema.meta({ description: 'What-if run id, as the server assigned it.' }) }),
};
