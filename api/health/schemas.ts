// The answers of GET /livez and GET /readyz (runtime/readiness.ts builds them), described for /openapi.json.
import { z } from 'zod';

export const livenessSchema = z
  .object({ status: z.literal('alive') })
  .meta({ id: 'Liveness', description: 'The process answers; no dependency is checked.' });

const checksSchema = z
  .object({ database: z.enum(['ok', 'unavailable']), temporal: z.enum(['ok', 'unavailable']) })
  .meta({ description: 'How each dependency answered its check.' });

export const readinessSchema = z
  .object({ status: z.literal('ready'), checks: checksSchema })
  .meta({ id: 'Readiness', description: 'The database and Temporal each answered within the check timeout.' });

export const notReadySchema = z
  .object({
    error: z.object({
      code: z
        .enum(['database_unavailable', 'temporal_unavailable', 'dependencies_unavailable', 'shutting_down'])
        .meta({ description: 'The dependency that failed its check (`dependencies_unavailable`: both did).' }),
      message: z.string(),
      details: z.object({ checks: checksSchema }).optional(),
    }),
  })
  .meta({ id: 'NotReady', description: 'The error shape, naming what is unavailable.' });
