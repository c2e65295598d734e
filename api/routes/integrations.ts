// Admin sync of CRM and outbound records: bulk upserts, each request all or nothing.
import { Router } from 'express';
import { outboundProviderSchema, prospectSyncSchema, salesforceSyncSchema } from '../../domain/integrations';
import type { Db } from '../../store/database';
import { upsertProspects, upsertSalesforce } from '../../store/integrations';
import { assertAdmin } from '../auth';
import { parseOr400 } from '../http-error';

export function integrationsRouter(db: Db): Router {
  const router = Router();

  router.put('/v1/integrations/salesforce', async (req, res) => {
    assertAdmin(res);
    res.json(await upsertSalesforce(db, parseOr400(salesforceSyncSchema, req.body)));
  });

  for (const provider of outboundProviderSchema.options) {
    router.put(`/v1/integrations/${provider}`, async (req, res) => {
      assertAdmin(res);
      res.json(await upsertProspects(db, provider, parseOr400(prospectSyncSchema, req.body)));
    });
  }

  return router;
}
