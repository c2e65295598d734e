import { z } from 'zod';

/** The website visitor being routed, as the experience (chat widget) knows them. */
export const visitorSchema = z
  .strictObject({
    id: z.string().min(1).max(200),
    email: z.email().max(320).optional(),
    name: z.string().max(200).optional(),
    company: z.string().max(200).optional(),
    domain: z.string().max(253).optional(),
    country: z.string().max(100).optional(),
    segments: z.array(z.string().max(200)).max(200).optional(),
    fields: z.record(z.string().max(100), z.unknown()).optional(),
    utm: z.record(z.string().max(100), z.string().max(500)).optional(),
    outbound: z
      .strictObject({
        provider: z.enum(['outreach', 'salesloft']),
        senderEmail: z.email().optional(),
        prospectEmail: z.email().optional(),
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
