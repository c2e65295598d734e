import { z } from 'zod';
import { idSchema } from '../../domain/users';
import { visitorSchema } from '../../domain/visitor';

export const startRoutingSchema = z
  .strictObject({
    /** Idempotency key: the same id again returns the same routing. Generated when absent. */
    routingId: idSchema.optional(),
    type: z.enum(['pounce', 'inbound']),
    experienceId: z.string().min(1).max(200).optional(),
    visitor: visitorSchema,
  })
  .meta({ id: 'StartRoutingRequest' });
export type StartRouting = z.infer<typeof startRoutingSchema>;

export const repActionSchema = z.strictObject({ repId: idSchema }).meta({ id: 'RepAction' });

export const routingStateQuerySchema = z.strictObject({
  /** Long-poll: wait up to this many seconds for the routing to reach an outcome. */
  // An empty or blank value is refused, not read as 0 (which is what Number('') gives).
  waitSeconds: z
    .preprocess(
      (value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value),
      z.coerce.number().min(0).max(60),
    )
    .optional(),
});
