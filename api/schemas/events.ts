import { z } from 'zod';

/** An SSE event id: a client resumes after the last one it saw. */
export const eventIdSchema = z.coerce.number().int().min(0);

export const repEventsQuerySchema = z
  .strictObject({
    /** For clients that cannot send the Last-Event-ID header on their first connection. */
    lastEventId: eventIdSchema.optional(),
  })
  .meta({ id: 'RepEventsQuery' });
