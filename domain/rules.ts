import { z } from 'zod';
import { rotationPeriods } from './rotation';

export const conditionOps = [
  'equals',
  'not_equals',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'in',
  'not_in',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'not_exists',
  'includes',
] as const;
export type ConditionOp = (typeof conditionOps)[number];

const scalar = z.union([z.string().max(1000), z.number(), z.boolean()]);

/** Which kind of `value` each operator needs; `undefined` means the operator takes none. */
const valueKindByOp: Record<ConditionOp, 'scalar' | 'list' | 'number' | undefined> = {
  equals: 'scalar',
  not_equals: 'scalar',
  contains: 'scalar',
  not_contains: 'scalar',
  starts_with: 'scalar',
  ends_with: 'scalar',
  includes: 'scalar',
  in: 'list',
  not_in: 'list',
  gt: 'number',
  gte: 'number',
  lt: 'number',
  lte: 'number',
  exists: undefined,
  not_exists: undefined,
};

/** The check above, stated for /openapi.json: one branch per kind of `value`, each naming its operators. */
function valueByOpForOpenApi() {
  const opsOf = (kind: (typeof valueKindByOp)[ConditionOp]) => conditionOps.filter((op) => valueKindByOp[op] === kind);
  const scalarJson = { type: ['string', 'number', 'boolean'], maxLength: 1000 };
  return [
    { properties: { op: { enum: opsOf(undefined) }, value: false } },
    { properties: { op: { enum: opsOf('scalar') }, value: scalarJson }, required: ['value'] },
    { properties: { op: { enum: opsOf('list') }, value: { type: 'array', items: scalarJson } }, required: ['value'] },
    { properties: { op: { enum: opsOf('number') }, value: { type: 'number' } }, required: ['value'] },
  ];
}

export const conditionSchema = z
  .strictObject({
    /** Dotted path into the visitor: `email`, `fields.employees`, `utm.source`. */
    field: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a dotted path such as "fields.employees"'),
    op: z.enum(conditionOps),
    value: z.union([scalar, z.array(scalar).max(1000)]).optional(),
  })
  .superRefine((condition, ctx) => {
    const kind = valueKindByOp[condition.op];
    const { value } = condition;
    const problem =
      kind === undefined
        ? value !== undefined && `operator "${condition.op}" takes no value`
        : value === undefined
          ? `operator "${condition.op}" needs a value`
          : kind === 'list'
            ? !Array.isArray(value) && `operator "${condition.op}" needs an array value`
            : kind === 'number'
              ? typeof value !== 'number' && `operator "${condition.op}" needs a number value`
              : Array.isArray(value) && `operator "${condition.op}" needs a single value, not an array`;
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  })
  .meta({ id: 'Condition', oneOf: valueByOpForOpenApi() });
export type Condition = z.infer<typeof conditionSchema>;

export const criteriaSchema = z
  .strictObject({
    all: z.array(conditionSchema).max(100).optional(),
    any: z.array(conditionSchema).max(100).optional(),
  })
  .meta({ id: 'Criteria' });
export type Criteria = z.infer<typeof criteriaSchema>;

const idList = z.array(z.string().min(1).max(200)).max(1000);

/** Reps' weights in a round-robin stage, by user id; at most this many. */
const maxWeights = 1000;
const repWeights = z
  .record(z.string().min(1).max(200), z.int().min(1).max(100))
  .refine((weights) => Object.keys(weights).length <= maxWeights, {
    message: `may weigh at most ${maxWeights} reps`,
  })
  .meta({
    maxProperties: maxWeights,
    propertyNames: { minLength: 1, maxLength: 200 },
    description:
      'Round robin: how often each rep (by user id) is offered first relative to the others; a rep not named weighs 1. ' +
      'Weight 2 is offered first twice as often as weight 1. Other distributions ignore it.',
  });

/** A set of reps: named users, members of named groups, or every chat user. */
export const targetSchema = z
  .strictObject({
    users: idList.default([]),
    groups: idList.default([]),
    allUsers: z.boolean().default(false),
    weights: repWeights.optional(),
  })
  .meta({ id: 'Target' });
export type Target = z.infer<typeof targetSchema>;

/**
 * How a stage's reps are offered: everyone at once (first available), or one at a time, in a weighted rotation
 * (round robin) or least busy first. Each mode's implementation (workflows/distribution.ts), first offers
 * (domain/first-offers.ts) and console label (console/distributions.js) are maps keyed by this type, so a mode
 * added here does not compile until all exist.
 */
export const distributions = ['first_available', 'round_robin', 'least_busy'] as const;
export type Distribution = (typeof distributions)[number];

/** What an admin sends to create or replace a rule; the server assigns `id`. */
export const ruleInputSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    enabled: z.boolean().default(true),
    criteria: criteriaSchema.default({}),
    outbound: z
      .strictObject({
        enabled: z.boolean(),
        routeTo: z.enum(['sender', 'owner', 'both']).default('both'),
      })
      .default({ enabled: false, routeTo: 'both' }),
    salesforce: z
      .strictObject({
        enabled: z.boolean(),
        target: z.enum(['owner', 'account_team']).default('owner'),
        teamRoles: z.array(z.string().min(1).max(200)).max(100).optional(),
      })
      .default({ enabled: false, target: 'owner' }),
    routeTo: targetSchema.default({ users: [], groups: [], allUsers: false }),
    fallbacks: z.array(targetSchema).max(20).default([]),
    distribution: z.enum(distributions).default('first_available'),
    rotationResets: z
      .enum(rotationPeriods)
      .default('never')
      .meta({
        description:
          "Round robin: when the rotation's counts of first offers start again from zero: every UTC day, ISO week " +
          '(from Monday, UTC), UTC month, or never.',
      }),
    /** How long an offer stands: per rep for round robin and least busy, per stage for first available. */
    offerTimeoutSeconds: z.number().positive().max(86_400).default(30),
    meetingBooker: z.strictObject({ enabled: z.boolean() }).default({ enabled: true }),
    /** A connected conversation nobody has ended this long after its accept is ended for its rep; null: never. */
    endConversationAfterSeconds: z.number().int().min(1).max(2_592_000).nullable().default(null),
  })
  .meta({ id: 'RuleInput' });
export type RuleInput = z.infer<typeof ruleInputSchema>;

export const ruleSchema = ruleInputSchema.extend({ id: z.string() }).meta({ id: 'Rule' });
export type Rule = z.infer<typeof ruleSchema>;
