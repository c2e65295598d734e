// The one shape every failure is answered with (built by api/http-error.ts), described for the OpenAPI document.
import { z } from 'zod';

export const fieldIssueSchema = z
  .object({
    field: z
      .string()
      .meta({ description: 'Dotted path of the offending field (`visitor.email`), or `body` / `query`.' }),
    message: z.string(),
  })
  .meta({ id: 'FieldIssue' });

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({
        description: 'Machine-readable reason.',
        examples: ['invalid_request', 'unauthenticated', 'forbidden', 'not_found', 'already_assigned'],
      }),
      message: z.string().meta({ description: 'Human-readable summary.' }),
      details: z
        .object({ issues: z.array(fieldIssueSchema) })
        .optional()
        .meta({ description: 'For `invalid_request` and `unknown_reference`: every invalid field.' }),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorResponse = z.infer<typeof errorResponseSchema>;
