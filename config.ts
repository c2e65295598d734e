// Service configuration from the environment, validated once at start-up.
import path from 'node:path';
import { z } from 'zod';
import { defaultRepEventStreamLimits, type RepEventStreamLimits } from './api/rep-event-limits';
import { type OutboundPolicy, outboundPolicy, parseAllowedHosts } from './outbound/destination-policy';
import type { DatabaseConfig } from './store/database';
import { parseEncryptionKey } from './store/secret-box';

const port = z.coerce.number().int().min(0).max(65_535);

const environmentSchema = z.object({
  PORT: port.default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  /** A PostgreSQL server to keep the routing data in, instead of the SQLite file under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** A Temporal frontend to use instead of starting the embedded dev server. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  /** Port of the PostgreSQL server `npm run start:cluster` keeps under DATA_DIR when DATABASE_URL is unset. */
  LOCAL_POSTGRES_PORT: port.default(5433),
  TASK_QUEUE: z.string().min(1).default('routing'),
  /**
   * Routings a worker keeps in memory between their tasks. The SDK's default grows with the heap (about 2,300 here)
   * and put a worker with 10,000 open routings at 1 GiB; one evicted is replayed from its short history when next
   * needed.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(1000),
  /**
   * The SDK's deadlock detection: a workflow activation running longer than this many seconds fails its task. 0 (the
   * default) turns it off: the SDK starts and joins a watchdog thread for every call into a workflow, which was the
   * largest CPU cost per routing and, on busy cores, the largest source of latency (worker/workflow-isolate.ts).
   */
  WORKER_DEADLOCK_TIMEOUT_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  /** Key for configuration endpoints; generated into DATA_DIR/api-keys.json when unset. */
  ADMIN_API_KEY: z.string().min(16).optional(),
  /** Key for the chat experience's routing requests; generated like the admin key when unset. */
  EXPERIENCE_API_KEY: z.string().min(16).optional(),
  /**
   * Encrypts connection secrets (OAuth tokens, client secrets, private keys) at rest: 32 bytes as 64 hex digits or
   * base64. Generated into DATA_DIR/connections-key when unset; API and worker processes must share it.
   */
  CONNECTIONS_ENCRYPTION_KEY: z
    .string()
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      try {
        parseEncryptionKey(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
  /** Port of the worker process's /metrics (scale-out mode; the all-in-one process serves /metrics on PORT). */
  METRICS_PORT: port.default(9464),
  /** host:port for the Temporal SDK's own Prometheus metrics (task latencies, slots, polls); off when unset. */
  SDK_METRICS_ADDRESS: z.string().min(1).optional(),
  /**
   * Rate limits, per API process: requests per RATE_LIMIT_WINDOW_SECONDS for the experience key, each rep (all
   * their tokens), the admin key, and each client address without valid credentials.
   */
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  RATE_LIMIT_EXPERIENCE: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_REP: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_ADMIN: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_UNAUTHENTICATED: z.coerce.number().int().min(1).default(30),
  /**
   * Proxies in front of the API whose X-Forwarded-For names the client (Express's `trust proxy`): a hop count, or
   * comma-separated addresses or CIDR ranges. Unset, the connecting address is the client's.
   */
  TRUST_PROXY: z
    .string()
    .min(1)
    .transform((value) => (/^\d+$/.test(value) ? Number(value) : value))
    .optional(),
  /**
   * Internal destinations outbound calls (webhook deliveries) may reach after all: comma-separated host names, IP
   * addresses and CIDR ranges. Loopback, private, link-local and metadata addresses are refused otherwise.
   */
  OUTBOUND_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((list, context) => {
      try {
        return parseAllowedHosts(list);
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /**
   * Retention, in days (0 keeps forever), applied hourly by a Temporal Schedule: finished routings (with their offers,
   * conversation and visitor; never one whose conversation is still active), reps' stream events, webhook
   * deliveries that are over, and clicks on tracked outbound links.
   */
  RETENTION_FINISHED_ROUTINGS_DAYS: z.coerce.number().int().min(0).default(90),
  RETENTION_REP_EVENTS_DAYS: z.coerce.number().int().min(0).default(7),
  RETENTION_WEBHOOK_DELIVERIES_DAYS: z.coerce.number().int().min(0).default(30),
  RETENTION_OUTBOUND_CLICKS_DAYS: z.coerce.number().int().min(0).default(30),
  /**
   * The service's address as browsers and providers reach it (scheme, host, optional path), when the API sits behind
   * a proxy: the OAuth callback URL given to providers, and the default base of tracked links. Unset: each request's
   * own Host (with TRUST_PROXY, X-Forwarded-Host and -Proto).
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((url) => !/[?#]/.test(url), 'must have no query or fragment')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** How long a Salesforce stage waits on a live lookup when the synced copy has no match (then `crm_timeout`). */
  LIVE_LOOKUP_BUDGET_MS: z.coerce.number().int().min(1).max(10_000).default(300),
  /** Minutes between a connection's scheduled incremental syncs. */
  CONNECTION_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** A reconnecting event stream that missed more of its rep's events than this gets `reset` instead of a replay. */
  REP_EVENTS_REPLAY_MAX_EVENTS: z.coerce.number().int().min(0).default(defaultRepEventStreamLimits.replayMaxEvents),
  /** ...or whose first missed event is older than this. */
  REP_EVENTS_REPLAY_MAX_AGE_SECONDS: z.coerce
    .number()
    .min(0)
    .default(defaultRepEventStreamLimits.replayMaxAgeMs / 1000),
  /** Event streams one credential (admin key, rep token) may hold open in one API process; more answer 429. */
  REP_EVENTS_STREAMS_PER_CREDENTIAL: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultRepEventStreamLimits.streamsPerPrincipal),
  /** An event stream whose client leaves what it was sent unread this long is closed. */
  REP_EVENTS_STALL_TIMEOUT_SECONDS: z.coerce
    .number()
    .positive()
    .default(defaultRepEventStreamLimits.stallTimeoutMs / 1000),
  /**
   * Presence follows the console: a rep whose every own event stream has been gone this long is set away (reason
   * `console_disconnected`). Unset: off. API and worker processes read it alike.
   */
  CONSOLE_PRESENCE_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  /** How long an open stream counts as there without its API process renewing it (so a crashed process's runs out). */
  CONSOLE_PRESENCE_LEASE_SECONDS: z.coerce.number().int().min(3).max(3_600).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof environmentSchema> & {
  dataDir: string;
  database: DatabaseConfig;
  outboundPolicy: OutboundPolicy;
};

/** The bounds on reps' event streams, from the configuration. */
export const repEventStreamLimits = (config: Config): RepEventStreamLimits => ({
  replayMaxEvents: config.REP_EVENTS_REPLAY_MAX_EVENTS,
  replayMaxAgeMs: config.REP_EVENTS_REPLAY_MAX_AGE_SECONDS * 1000,
  streamsPerPrincipal: config.REP_EVENTS_STREAMS_PER_CREDENTIAL,
  stallTimeoutMs: config.REP_EVENTS_STALL_TIMEOUT_SECONDS * 1000,
});

export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('\n  ');
    throw new Error(`invalid configuration:\n  ${problems}`);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  const database: DatabaseConfig = parsed.data.DATABASE_URL
    ? { kind: 'postgres', url: parsed.data.DATABASE_URL }
    : { kind: 'sqlite', file: path.join(dataDir, 'routing.sqlite') };
  return { ...parsed.data, dataDir, database, outboundPolicy: outboundPolicy(parsed.data.OUTBOUND_ALLOWED_HOSTS) };
}
