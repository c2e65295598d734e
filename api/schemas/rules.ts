// Rule request envelopes: creating, reordering, reading a version, drafts and dry-running rules.
import { z } from 'zod';
import { ruleInputSchema } from '../../domain/rules';
import { visitorSchema } from '../../domain/visitor';

export const createRuleSchema = ruleInputSchema
  .extend({
    /** 0-based place in the ordered list; appended when omitted. */
    position: z.number().int().min(0).optional(),
  })
  .meta({ id: 'CreateRuleRequest' });

/** Repeated ids are refused by shape (400) before any `If-Match` is compared. */
export const ruleOrderSchema = z
  .strictObject({
    ids: z
      .array(z.string().min(1))
      .max(10_000)
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a rule twice')
      .meta({ uniqueItems: true }),
  })
  .meta({ id: 'RuleOrder' });

/** `GET /v1/rules?version=n` reads an earlier rule-set version; the current one without it. */
export const ruleSetVersionQuerySchema = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

/** A dry run: which rule and reps a visitor would be routed to, starting nothing. */
export const simulateSchema = z
  .strictObject({
    type: z.enum(['pounce', 'inbound']).default('inbound'),
    visitor: visitorSchema,
    /** When to judge working hours and daily caps at; now when absent. */
    at: z.iso.datetime({ offset: true }).optional(),
  })
  .meta({ id: 'SimulateRequest' });

/** Starts the draft as a copy of the current rules, or of an earlier version (to roll back through a draft). */
export const startDraftSchema = z
  .strictObject({ fromVersion: z.number().int().min(1).max(2_147_483_647).optional() })
  .meta({ id: 'StartDraftRequest' });

export const publishDraftSchema = z
  .strictObject({
    /** The admin key names nobody: the publishing admin says who they are, recorded with the version. */
    // One pattern says both rules: not blank, and no NUL (a pattern of our own replaces the document's NUL pattern).
    publishedBy: z
      .string()
      .min(1)
      .max(200)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is the character this pattern refuses.
      .regex(/^[^\u0000]*[^\s\u0000][^\u0000]*$/, 'must not be blank or contain NUL characters')
      .optional(),
    /** Publish even though the live rules changed since the draft started, replacing those changes. */
    force: z.boolean().default(false),
  })
  .meta({ id: 'PublishDraftRequest' });
