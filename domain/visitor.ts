import { z } from 'zod';

// Limits on what a visitor may carry. The visitor is stored once per routing and shown with every offer, so these
// bound what one request can make the service store, send to reps and put in the routing's Temporal history.
export const visitorLimits = {
  /** Keys in `fields`. */
  fieldKeys: 50,
  /** Keys in `utm`. */
  utmKeys: 20,
  /** Characters in a `fields` or `utm` key. */
  keyLength: 100,
  /** Characters in a `fields` string value (also each string in a list). */
  fieldValueLength: 1000,
  /** Items in a `fields` list. */
  fieldListItems: 50,
  /** Characters in a `utm` value. */
  utmValueLength: 500,
  /** Entries in `segments`, and characters in each. */
  segments: 100,
  segmentLength: 200,
} as const;

/** A record with at most `max` keys, stated in the schema (`maxProperties`) so /openapi.json shows the limit. */
function boundedRecord<V extends z.ZodType>(value: V, max: number, what: string) {
  return z
    .record(z.string().min(1).max(visitorLimits.keyLength), value)
    .refine((record) => Object.keys(record).length <= max, { message: `${what} may hold at most ${max} keys` })
    .meta({ maxProperties: max, propertyNames: { minLength: 1, maxLength: visitorLimits.keyLength } });
}

const fieldScalar = z.union([z.string().max(visitorLimits.fieldValueLength), z.number(), z.boolean(), z.null()]);

/** A custom field: a string, number, boolean or null, or a list of those. No nested objects. */
const fieldValue = z.union([fieldScalar, z.array(fieldScalar).max(visitorLimits.fieldListItems)]);

/** The website visitor being routed, as the experience (chat widget) knows them. */
export const visitorSchema = z
  .strictObject({
    id: z.string().min(1).max(200),
    email: z.email().max(320).optional(),
    name: z.string().max(200).optional(),
    company: z.string().max(200).optional(),
    domain: z.string().max(253).optional(),
    country: z.string().max(100).optional(),
    segments: z.array(z.string().max(visitorLimits.segmentLength)).max(visitorLimits.segments).optional(),
    fields: boundedRecord(fieldValue, visitorLimits.fieldKeys, 'fields')
      .meta({
        description:
          'Custom fields rules can match (`fields.<key>`): at most 50 keys of 1-100 characters; each value a string ' +
          '(up to 1,000 characters), number, boolean or null, or a list of up to 50 of those.',
      })
      .optional(),
    utm: boundedRecord(z.string().max(visitorLimits.utmValueLength), visitorLimits.utmKeys, 'utm')
      .meta({ description: 'UTM parameters: at most 20 keys of 1-100 characters, values up to 500 characters.' })
      .optional(),
    outbound: z
      .strictObject({
        provider: z.enum(['outreach', 'salesloft']),
        senderEmail: z.email().max(320).optional(),
        prospectEmail: z.email().max(320).optional(),
        token: z
          .string()
          .min(32)
          .max(64)
          .regex(/^[A-Za-z0-9_-]+$/, 'a click token (base64url)')
          .optional()
          .meta({
            description:
              'The click token the landing page received in its `outbound_click` query parameter from a tracked ' +
              'link: the outbound stage then routes to that email’s sender and prospect. Redeemable by one visitor, ' +
              'for 24 hours; a forged, expired or other visitor’s token is ignored.',
          }),
      })
      .optional(),
    salesforce: z
      .strictObject({
        contactId: z.string().max(64).optional(),
        leadId: z.string().max(64).optional(),
        accountId: z.string().max(64).optional(),
      })
      .optional(),
  })
  .meta({ id: 'Visitor' });

export type Visitor = z.infer<typeof visitorSchema>;

/** `DELETE /v1/visitors/:id`: how much of the visitor's data was erased, per kind. */
export const visitorErasureSchema = z
  .strictObject({
    visitorId: z.string(),
    /** Routings that were still routing, cancelled before being erased. */
    cancelledRoutings: z.int().min(0),
    erased: z.strictObject({
      routings: z.int().min(0),
      offers: z.int().min(0),
      conversations: z.int().min(0),
      repEvents: z.int().min(0),
      webhookDeliveries: z.int().min(0),
      outboundClicks: z.int().min(0),
      workflowHistories: z.int().min(0),
    }),
  })
  .meta({ id: 'VisitorErasure' });

export type VisitorErasure = z.infer<typeof visitorErasureSchema>;
