// Query parameters and answers of the routing search (GET /v1/routings) and the reports (GET /v1/reports/...).
// Every constraint the server checks is in the schema, so /openapi.json states it: a schema-valid request is answered.
import { z } from 'zod';
import { idSchema } from '../../domain/users';
import { visitorSchema } from '../../domain/visitor';
import type { Delays, FirstOfferShareRow, OutcomesRow, RepOffersRow, SpeedToLeadRow } from '../../store/reports';
import type { RoutingPosition, RoutingSummary } from '../../store/routing-search';

const routingStatuses = [
  'routing',
  'connected',
  'meeting_booker',
  'no_rep',
  'no_match',
  'cancelled',
  'expired',
  'superseded',
] as const;

/** An empty or blank value is refused rather than read as 0 (what Number('') gives). */
export const queryInteger = (min: number, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value),
    z.coerce.number().int().min(min).max(max),
  );

/**
 * An instant with its offset, normalised to UTC as stored (`2026-12-03T11:00:00.000Z`). Only the fields' ranges are
 * checked: a day past its month's end rolls over into the next month, as JavaScript's Date does.
 */
export const instant = (description: string) =>
  z
    .string()
    .regex(
      /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$/,
      'must be a date and time with Z or an offset, like 2026-12-03T09:00:00Z',
    )
    .transform((value) => new Date(value).toISOString())
    .meta({ description });

const since = instant('From this instant on (inclusive).');
const until = instant('Up to this instant (exclusive).');
const type = z.enum(['pounce', 'inbound']).meta({ description: 'Only pounce or only inbound routings.' });
const ruleId = idSchema.meta({ description: 'Only routings (offers) of this rule.' });

// --- Routing search -------------------------------------------------------------------------------------------------

/** `<startedAt>_<routingId>`: any value of this shape is a position in the newest-first order. */
const CURSOR_PATTERN = /^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z)_([A-Za-z0-9._:@-]{1,200})$/;

export const encodeCursor = (position: RoutingPosition) => `${position.startedAt}_${position.routingId}`;

export const routingSearchQuerySchema = z.strictObject({
  since: since.optional(),
  until: until.optional(),
  status: z.enum(routingStatuses).meta({ description: '`routing` (still open) or an outcome.' }).optional(),
  ruleId: ruleId.optional(),
  repId: idSchema.meta({ description: 'Only routings offered to this rep, or assigned to them.' }).optional(),
  type: type.optional(),
  visitorId: visitorSchema.shape.id.meta({ description: 'Only routings of this visitor id.' }).optional(),
  visitorEmail: z
    .email()
    .max(320)
    .meta({ description: 'Only routings of visitors with this email (any case).' })
    .optional(),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'must be a nextCursor this search returned')
    .transform((value): RoutingPosition => {
      const [, startedAt, routingId] = CURSOR_PATTERN.exec(value) as RegExpExecArray;
      return { startedAt: startedAt as string, routingId: routingId as string };
    })
    .meta({ description: 'Where the previous page ended: its `nextCursor`. Opaque: pass it back as it is.' })
    .optional(),
  limit: queryInteger(1, 200).default(50).meta({ description: 'Routings per page (1-200, 50 by default).' }),
});

const routingSummarySchema = z
  .object({
    routingId: z.string(),
    type: z.string(),
    status: z.string(),
    ruleId: z.string().nullable(),
    repId: z.string().nullable(),
    visitor: visitorSchema,
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    firstOfferAt: z.string().nullable(),
    acceptedAt: z.string().nullable(),
  })
  .meta({ id: 'RoutingSummary' }) satisfies z.ZodType<RoutingSummary>;

export const routingPageSchema = z
  .object({
    routings: z.array(routingSummarySchema).meta({ description: 'Newest first (by start, then routing id).' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'RoutingPage' });

// --- Reports --------------------------------------------------------------------------------------------------------

const DEFAULT_WINDOW_DAYS = 7;

const reportWindow = {
  since: since.optional().meta({
    description: `From this instant on (inclusive); ${DEFAULT_WINDOW_DAYS} days before \`until\` by default.`,
  }),
  until: until.optional().meta({ description: 'Up to this instant (exclusive); now by default.' }),
  ruleId: ruleId.optional(),
  type: type.optional(),
};

/** The window a report covers: `until` now and `since` a week earlier unless given. */
export function windowOf(query: { since?: string; until?: string }): { since: string; until: string } {
  const until = query.until ?? new Date().toISOString();
  const since = query.since ?? new Date(Date.parse(until) - DEFAULT_WINDOW_DAYS * 86_400_000).toISOString();
  return { since, until };
}

const grouping = (byDefault: 'day' | 'rule') =>
  z
    .enum(['day', 'hour', 'rule', 'rep'])
    .default(byDefault)
    .meta({
      description:
        "Rows per UTC day or hour of the routings' starts, per rule, or per rep the routing was assigned to " +
        `(\`${byDefault}\` by default).`,
    });

export const speedToLeadQuerySchema = z.strictObject({ ...reportWindow, groupBy: grouping('day') });
export const outcomesQuerySchema = z.strictObject({ ...reportWindow, groupBy: grouping('rule') });
export const repsQuerySchema = z.strictObject(reportWindow);

const rowKey = z.string().nullable().meta({
  description:
    "The UTC day's or hour's start (ISO 8601), the rule id or the rep id; null for routings with no rule or no rep.",
});
const reportWindowSchema = z.object({ since: z.string(), until: z.string() });

const delaysSchema = z
  .object({
    count: z.number().int().meta({ description: 'Routings with this delay.' }),
    medianMs: z.number().nullable().meta({ description: 'Milliseconds; null when none.' }),
    p90Ms: z.number().nullable().meta({ description: '90th percentile (linear interpolation), milliseconds.' }),
  })
  .meta({ id: 'Delays' }) satisfies z.ZodType<Delays>;

export const speedToLeadSchema = z
  .object({
    window: reportWindowSchema,
    rows: z.array(
      z.object({
        key: rowKey,
        routings: z.number().int(),
        toFirstOffer: delaysSchema.meta({ description: "From the routing's start to its first offer." }),
        toAccept: delaysSchema.meta({ description: "From the routing's start to a rep's accept." }),
      }) satisfies z.ZodType<SpeedToLeadRow>,
    ),
  })
  .meta({ id: 'SpeedToLeadReport' });

export const outcomesSchema = z
  .object({
    window: reportWindowSchema,
    rows: z.array(
      z.object({
        key: rowKey,
        routings: z.number().int(),
        open: z.number().int().meta({ description: 'Still routing.' }),
        outcomes: z.object({
          connected: z.number().int(),
          meeting_booker: z.number().int(),
          no_rep: z.number().int(),
          no_match: z.number().int(),
          expired: z.number().int(),
          cancelled: z.number().int(),
          superseded: z.number().int(),
        }),
      }) satisfies z.ZodType<OutcomesRow>,
    ),
  })
  .meta({ id: 'OutcomesReport' });

export const repsSchema = z
  .object({
    window: reportWindowSchema,
    reps: z.array(
      z.object({
        repId: z.string(),
        offered: z.number().int().meta({ description: 'Offers made to the rep in the window.' }),
        accepted: z.number().int(),
        declined: z.number().int(),
        timedOut: z.number().int(),
        withdrawn: z.number().int().meta({ description: 'Closed because another rep accepted or the routing ended.' }),
        pending: z.number().int(),
      }) satisfies z.ZodType<RepOffersRow>,
    ),
  })
  .meta({ id: 'RepsReport' });

export const firstOfferSharesSchema = z
  .object({
    window: reportWindowSchema,
    rows: z.array(
      z.object({
        ruleId: z.string(),
        stage: z.string(),
        repId: z.string(),
        firstOffers: z.number().int().meta({ description: 'Routings whose first offer went to this rep (too).' }),
        routings: z.number().int().meta({ description: 'Routings whose first offer was made in this rule and stage.' }),
        share: z
          .number()
          .meta({ description: "The rep's part of those first offers, each split evenly among the reps it went to." }),
        fairShare: z.number().meta({
          description: 'The mean of 1 / (reps eligible in the stage at the first offer) over those routings.',
        }),
      }) satisfies z.ZodType<FirstOfferShareRow>,
    ),
  })
  .meta({ id: 'FirstOfferSharesReport' });
