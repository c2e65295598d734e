// Admin sync of CRM and outbound records: bulk upserts, each request all or nothing.
import { outboundProviderSchema, prospectSyncSchema, salesforceSyncSchema } from '../../domain/integrations';
import { upsertProspects, upsertSalesforce } from '../../store/integrations';
import { admin } from '../access';
import { json, operation } from '../operations';
import { prospectSyncResultSchema, salesforceSyncResultSchema } from '../schemas/responses';

/** The limit api/app.ts gives the parser of /v1/integrations bodies. */
const SYNC_BODY_LIMIT = '20 MB';

export const integrationsOperations = [
  operation({
    method: 'put',
    path: '/v1/integrations/salesforce',
    operationId: 'syncSalesforce',
    tag: 'Integrations',
    summary: 'Upsert Salesforce contacts, leads, accounts and account team members, and remove those it names',
    access: admin,
    body: salesforceSyncSchema,
    bodyLimit: SYNC_BODY_LIMIT,
    responses: { 200: json(salesforceSyncResultSchema, 'Upserted, in one transaction.') },
    handle: async ({ body }, { deps }) => ({ status: 200, body: await upsertSalesforce(deps.db, body) }),
  }),
  ...outboundProviderSchema.options.map((provider) =>
    operation({
      method: 'put',
      path: `/v1/integrations/${provider}`,
      operationId: `sync${provider[0]?.toUpperCase()}${provider.slice(1)}Prospects`,
      tag: 'Integrations',
      summary: `Upsert ${provider} prospects`,
      access: admin,
      body: prospectSyncSchema,
      bodyLimit: SYNC_BODY_LIMIT,
      responses: { 200: json(prospectSyncResultSchema, 'Upserted, in one transaction.') },
      handle: async ({ body }, { deps }) => ({ status: 200, body: await upsertProspects(deps.db, provider, body) }),
    }),
  ),
];
