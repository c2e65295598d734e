// Records admins sync in from Salesforce, Outreach and Salesloft. These schemas are the one source of the record
// types that the store, the owner lookups and the pure routing logic share.
import { z } from 'zod';
import { visitorSchema } from './visitor';

/** Rows per array in one request: a bulk upsert is one transaction, so it is bounded. */
export const MAX_SYNC_ROWS = 10_000;

const email = z.email().max(320);
/** Salesforce ids are 15 or 18 characters; a little room for other CRMs' ids. */
const recordId = z.string().min(1).max(64);

export const salesforceContactSchema = z
  .strictObject({
    id: recordId,
    email,
    ownerEmail: email,
    accountId: recordId.optional(),
  })
  .meta({ id: 'SalesforceContact' });
export type SalesforceContact = z.infer<typeof salesforceContactSchema>;

export const salesforceLeadSchema = z
  .strictObject({
    id: recordId,
    email,
    ownerEmail: email,
    company: z.string().max(255).optional(),
  })
  .meta({ id: 'SalesforceLead' });
export type SalesforceLead = z.infer<typeof salesforceLeadSchema>;

export const salesforceAccountSchema = z
  .strictObject({
    id: recordId,
    name: z.string().min(1).max(255),
    /** Websites or bare domains as Salesforce holds them; compared after normalisation. */
    domains: z.array(z.string().min(1).max(253)).max(100).default([]),
    ownerEmail: email,
  })
  .meta({ id: 'SalesforceAccount' });
export type SalesforceAccount = z.infer<typeof salesforceAccountSchema>;

export const accountTeamMemberSchema = z
  .strictObject({
    accountId: recordId,
    userEmail: email,
    role: z.string().min(1).max(200),
  })
  .meta({ id: 'AccountTeamMember' });
export type AccountTeamMember = z.infer<typeof accountTeamMemberSchema>;

const rows = <T extends z.ZodType>(row: T) => z.array(row).max(MAX_SYNC_ROWS);

/** Records a CRM without a connector deleted: removed in the same request, before its upserts. */
export const salesforceRemovalsSchema = z
  .strictObject({
    contactIds: rows(recordId).optional(),
    leadIds: rows(recordId).optional(),
    /** An account goes with its domains; its team members stay until removed too. */
    accountIds: rows(recordId).optional(),
    accountTeamMembers: rows(z.strictObject({ accountId: recordId, userEmail: email })).optional(),
  })
  .meta({ id: 'SalesforceRemovals' });
export type SalesforceRemovals = z.infer<typeof salesforceRemovalsSchema>;

export const salesforceSyncSchema = z
  .strictObject({
    contacts: rows(salesforceContactSchema).optional(),
    leads: rows(salesforceLeadSchema).optional(),
    accounts: rows(salesforceAccountSchema).optional(),
    accountTeamMembers: rows(accountTeamMemberSchema).optional(),
    remove: salesforceRemovalsSchema.optional(),
  })
  .meta({ id: 'SalesforceSync' });
export type SalesforceSync = z.infer<typeof salesforceSyncSchema>;

/** The outbound tools a visitor can arrive from: the visitor schema's list, so the two never drift apart. */
export const outboundProviderSchema = visitorSchema.shape.outbound.unwrap().shape.provider;
export type OutboundProvider = z.infer<typeof outboundProviderSchema>;

export const prospectSchema = z
  .strictObject({
    email,
    ownerEmail: email,
    /** Who last emailed the prospect; the sender when the click-through does not name one. */
    lastSenderEmail: email.optional(),
  })
  .meta({ id: 'Prospect' });
export type Prospect = z.infer<typeof prospectSchema>;

export const prospectSyncSchema = z.strictObject({ prospects: rows(prospectSchema) }).meta({ id: 'ProspectSync' });
export type ProspectSync = z.infer<typeof prospectSyncSchema>;
