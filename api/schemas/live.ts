// Answers and queries of the live panel (GET /v1/live/routings) and of a rep's "why" (GET /v1/reps/{id}/routings).
import { z } from 'zod';
import type { RepRoutingView } from '../../domain/rep-why';
import type { InFlightRouting } from '../../store/live-routings';
import { queryInteger, routingSearchQuerySchema } from './reports';

const timestamp = z.iso.datetime();
const routingType = z.enum(['pounce', 'inbound']);

/** How many in-flight routings the snapshot holds at most, newest first. */
export const LIVE_ROUTINGS_MAX = 500;

const inFlightRoutingSchema = z
  .object({
    routingId: z.string(),
    type: z.string(),
    visitor: z.record(z.string(), z.unknown()).and(z.object({ id: z.string() })),
    ruleId: z.string().nullable(),
    startedAt: timestamp,
    offers: z
      .array(z.object({ repId: z.string(), stage: z.string(), offeredAt: timestamp, expiresAt: timestamp }))
      .meta({ description: 'Its offers waiting for an answer: none between stages or while owners are looked up.' }),
  })
  .meta({ id: 'InFlightRouting' });

export const liveRoutingsSchema = z
  .object({
    lastEventId: z
      .number()
      .int()
      .meta({
        description:
          'The newest rep event when the snapshot was read: follow `GET /v1/live/events` with it as `Last-Event-ID` ' +
          'and nothing that happened since is missed (an event the snapshot already shows may come again).',
      }),
    routings: z.array(inFlightRoutingSchema).meta({ description: `Newest first, at most ${LIVE_ROUTINGS_MAX}.` }),
    truncated: z.boolean().meta({ description: `More than ${LIVE_ROUTINGS_MAX} routings are in flight.` }),
  })
  .meta({ id: 'LiveRoutings' }) satisfies z.ZodType<{ routings: InFlightRouting[] }, unknown>;

export const repRoutingsQuerySchema = routingSearchQuerySchema
  .pick({ since: true, until: true, type: true, visitorId: true, visitorEmail: true, cursor: true })
  .extend({
    limit: queryInteger(1, 25).default(10).meta({ description: 'Routings per page (1-25, 10 by default).' }),
  });

const repRoutingSchema = z
  .object({
    routingId: z.string(),
    type: routingType,
    status: routingSearchQuerySchema.shape.status
      .unwrap()
      .meta({ description: '`routing` while open, otherwise the outcome (never who connected).' }),
    startedAt: timestamp,
    endedAt: timestamp.nullable(),
    rule: z.object({ id: z.string(), name: z.string() }).nullable(),
    visitor: z.object({
      id: z.string(),
      name: z.string().optional(),
      email: z.string().optional(),
      company: z.string().optional(),
    }),
    why: z.object({
      code: z.string().meta({
        description:
          '`offered` (see `offer`); else the reason the last stage naming this rep recorded for them (`away`, ' +
          '`offline`, `at_capacity`, `already_tried`, `not_chat_user`, or any newer eligibility reason, as the ' +
          'routing recorded it), or `eligible_not_offered` (eligible, but others were offered first); not named ' +
          'in any stage: `no_rule_matched`, or `not_named` (the visitor matched `rule`, which named this rep in no ' +
          'stage it reached: another rule caught them). `not_recorded`: the explanation is no longer kept.',
      }),
      stage: z.string().optional(),
      offer: z
        .object({
          result: z.enum(['pending', 'accepted', 'declined', 'timed_out', 'withdrawn']),
          offeredAt: timestamp,
          expiresAt: timestamp,
          endedAt: timestamp.nullable(),
        })
        .optional(),
    }),
  })
  .meta({ id: 'RepRouting' }) satisfies z.ZodType<RepRoutingView, unknown>;

export const repRoutingsPageSchema = z
  .object({
    routings: z.array(repRoutingSchema).meta({ description: 'Newest first (by start, then routing id).' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .meta({ id: 'RepRoutingsPage' });
