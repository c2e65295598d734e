// Rule request envelopes: creating, reordering, reading a version and dry-running rules.
import { z } from 'zod';
import { ruleInputSchema } from '../../domain/rules';
import { visitorSchema } from '../../domain/visitor';

export const createRuleSchema = ruleInputSchema
  .extend({
    /** 0-based place in the ordered list; appended when omitted. */
    position: z.number().int().min(0).optional(),
  })
  .meta({ id: 'CreateRuleRequest' });

export const ruleOrderSchema = z
  .strictObject({ ids: z.array(z.string().min(1)).max(10_000).meta({ uniqueItems: true }) })
  .meta({ id: 'RuleOrder' });

/** `GET /v1/rules?version=n` reads an earlier rule-set version; the current one without it. */
export const ruleSetVersionQuerySchema = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

/** A dry run: which rule and reps a visitor would be routed to, starting nothing. */
export const simulateSchema = z
  .strictObject({
    type: z.enum(['pounce', 'inbound']).default('inbound'),
    visitor: visitorSchema,
  })
  .meta({ id: 'SimulateRequest' });
