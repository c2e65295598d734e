// Service configuration from the environment, validated once at start-up.
import path from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);

const environmentSchema = z.object({
  PORT: port.default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  /** A Temporal frontend to use instead of starting the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TASK_QUEUE: z.string().min(1).default('routing'),
  /** Key for configuration endpoints; generated into DATA_DIR/api-keys.json when unset. */
  ADMIN_API_KEY: z.string().min(16).optional(),
  /** Key for the chat experience's routing requests; generated like the admin key when unset. */
  EXPERIENCE_API_KEY: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof environmentSchema> & { dataDir: string };

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n  ');
    throw new Error(`invalid configuration:\n  ${problems}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}
