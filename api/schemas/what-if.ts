// POST /v1/rules/what-if and GET /v1/rules/what-if/{id}: the request, and the run as read (api/what-if-view.ts).
import { z } from 'zod';
import { instant } from './reports';

const window = {
  since: instant('Replay the routings started from this instant on (inclusive).'),
  until: instant('Up to this instant (exclusive); the time of the request when absent.').optional(),
  sample: z
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .meta({ description: 'Replay at most this many routings, spread evenly over the window.' })
    .optional(),
};

/** A rule-set version, or the draft: one or the other (both, or neither, is refused). */
export const whatIfRequestSchema = z
  .union([
    z.strictObject({
      version: z
        .number()
        .int()
        .min(1)
        .max(2_147_483_647)
        .meta({ description: 'The rule-set version to replay the window under (GET /v1/rules/versions).' }),
      ...window,
    }),
    z.strictObject({
      draft: z.literal(true).meta({ description: 'Replay the window under the draft rule set as it is now.' }),
      ...window,
    }),
  ])
  .meta({ id: 'WhatIfRequest', description: '`version` or `draft: true`, and the window.' });
export type WhatIfRequestBody = z.output<typeof whatIfRequestSchema>;

export const whatIfStartedSchema = z
  .object({ id: z.string(), status: z.literal('running') })
  .meta({ id: 'WhatIfStarted', description: 'Read the run with GET /v1/rules/what-if/{id}.' });

const outcomeSchema = z
  .object({ ruleId: z.string().nullable(), stage: z.string().nullable(), repIds: z.array(z.string()) })
  .meta({ id: 'WhatIfFirstOffer', description: 'A first offer: its rule, the stage that made it, and its reps.' });

const exampleSchema = z
  .object({ routingId: z.string(), visitorId: z.string(), before: outcomeSchema, after: outcomeSchema })
  .meta({ id: 'WhatIfExample' });

const countsSchema = z.object({ before: z.number().int(), after: z.number().int() });
const shareSchema = z.object({
  firstOffers: z.number().int().meta({ description: 'Routings whose first offer went to this rep (too).' }),
  share: z.number().meta({
    description:
      "The rep's part of all first offers, each routing's split evenly among the reps it went to (the shares add up " +
      "to 1, as the dashboard's first-offer shares).",
  }),
});

export const whatIfResultSchema = z
  .object({
    total: z.number().int().meta({ description: 'Routings replayed.' }),
    skipped: z.number().int().meta({
      description: 'Routings of the window recorded before what-if existed (no stage checks): not replayed.',
    }),
    changed: z
      .number()
      .int()
      .meta({ description: 'Routings whose rule, first-offer stage or first-offered reps differ.' }),
    ruleChanged: z.number().int(),
    stageChanged: z.number().int(),
    repsChanged: z.number().int(),
    nowUnmatched: z.number().int().meta({ description: 'Routings that matched a rule and would now match none.' }),
    rules: z.array(
      z.object({
        ruleId: z.string().nullable().meta({ description: 'null: no rule matched.' }),
        name: z.string().nullable(),
        ...countsSchema.shape,
      }),
    ),
    reps: z.array(
      z.object({
        repId: z.string(),
        before: shareSchema,
        after: shareSchema,
      }),
    ),
    examples: z.object({ changed: z.array(exampleSchema), nowUnmatched: z.array(exampleSchema) }),
  })
  .meta({ id: 'WhatIfResult' });

export const whatIfRunSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    request: z.object({
      version: z.number().int().optional(),
      draft: z.boolean().optional(),
      since: z.string(),
      until: z.string(),
      sample: z.number().int().optional(),
    }),
    ruleSetVersion: z.number().int().nullable(),
    progress: z.object({
      total: z.number().int().nullable().meta({ description: 'Routings to replay, once counted.' }),
      skipped: z
        .number()
        .int()
        .nullable()
        .meta({ description: 'Routings of the window recorded before what-if existed, not replayed; once counted.' }),
      replayed: z.number().int(),
    }),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    error: z.string().nullable(),
    result: whatIfResultSchema.optional().meta({ description: 'Once done.' }),
  })
  .meta({ id: 'WhatIfRun' });
