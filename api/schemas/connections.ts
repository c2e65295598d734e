// Requests and answers of /v1/connections (SPEC.md, "Connections"). Secrets go in, never out.
import { z } from 'zod';
import { connectionProviders, connectionStatuses } from '../../domain/connections';

const baseUrl = (description: string) =>
  z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .max(2000)
    .meta({
      description:
        `${description} Internal addresses (loopback, private, ...) are refused unless the operator allows them ` +
        'with OUTBOUND_ALLOWED_HOSTS.',
    });

/**
 * The shape of an unencrypted PEM private key, PKCS#8 or PKCS#1 (what node's createPrivateKey reads without a
 * passphrase), so that /openapi.json states it; whether the base64 decodes to an RSA key is checked on creation.
 * Spelled without \s or \d, which other regex dialects (an outside fuzzer's) read as any Unicode space or digit.
 */
const PEM_PRIVATE_KEY =
  /^[ \t\r\n]*-----BEGIN (RSA )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA )?PRIVATE KEY-----[ \t\r\n]*$/;

const clientId = z.string().min(1).max(500).meta({ description: "The connected app's client id (consumer key)." });

const oauthAuthSchema = z.strictObject({
  type: z.literal('oauth'),
  clientId,
  clientSecret: z
    .string()
    .min(1)
    .max(500)
    .meta({ description: "The app's client secret; stored encrypted, never returned." }),
});

const jwtAuthSchema = z.strictObject({
  type: z.literal('jwt'),
  clientId,
  username: z.string().min(1).max(320).meta({ description: 'The Salesforce user the assertions are issued for.' }),
  privateKey: z
    .string()
    .max(20_000)
    .regex(PEM_PRIVATE_KEY, { error: 'must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- ...)' })
    .meta({
      description:
        'PEM RSA private key (PKCS#8 or PKCS#1, unencrypted) whose certificate is uploaded to the connected app; ' +
        'stored encrypted, never returned. A block that decodes to no RSA key makes the connection `error`.',
    }),
});

const loginUrl = baseUrl(
  'Salesforce login URL (default https://login.salesforce.com; a sandbox: https://test.salesforce.com).',
);
const apiBaseUrl = baseUrl('REST API base (default https://api.outreach.io/api/v2, https://api.salesloft.com/v2).');
const tokenUrl = baseUrl(
  'OAuth token endpoint (default https://api.outreach.io/oauth/token, https://accounts.salesloft.com/oauth/token); ' +
    'the authorize endpoint is the same URL ending in /authorize.',
);

export const connectionInputSchema = z
  .discriminatedUnion('provider', [
    z.strictObject({
      provider: z.literal('salesforce'),
      auth: z.discriminatedUnion('type', [oauthAuthSchema, jwtAuthSchema]),
      loginUrl: loginUrl.optional(),
    }),
    z.strictObject({
      provider: z.literal('outreach'),
      auth: oauthAuthSchema,
      apiBaseUrl: apiBaseUrl.optional(),
      tokenUrl: tokenUrl.optional(),
    }),
    z.strictObject({
      provider: z.literal('salesloft'),
      auth: oauthAuthSchema,
      apiBaseUrl: apiBaseUrl.optional(),
      tokenUrl: tokenUrl.optional(),
    }),
  ])
  .meta({ id: 'ConnectionInput' });
export type ConnectionInput = z.infer<typeof connectionInputSchema>;

export const connectionSyncSchema = z
  .strictObject({
    full: z
      .boolean()
      .default(false)
      .meta({ description: 'Read everything again instead of what changed since the last sync.' }),
  })
  .meta({ id: 'ConnectionSyncRequest' });

/** The OAuth callback's query, as the provider sends it (RFC 6749 section 4.1.2). */
export const oauthCallbackQuerySchema = z.object({
  state: z.string().min(1).max(200),
  code: z.string().min(1).max(4000).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

export const connectionSchema = z
  .object({
    id: z.string(),
    provider: z.enum(connectionProviders),
    auth: z.object({ type: z.enum(['oauth', 'jwt']), clientId: z.string(), username: z.string().optional() }),
    loginUrl: z.string().optional(),
    apiBaseUrl: z.string().optional(),
    tokenUrl: z.string().optional(),
    instanceUrl: z.string().optional().meta({ description: "Salesforce: the org's API host, from the last token." }),
    status: z.enum(connectionStatuses),
    statusReason: z.string().optional().meta({ description: "With `error`: why, in the provider's words when given." }),
    lastSyncAt: z.string().optional().meta({ description: 'When the last successful sync read its data.' }),
    records: z.record(z.string(), z.int()).meta({ description: 'Records held per synced object.' }),
    apiBudget: z
      .object({ used: z.int(), limit: z.int() })
      .optional()
      .meta({ description: 'API calls used of the limit, as the provider reported them on the last sync.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Connection' });

export const createdConnectionSchema = connectionSchema
  .extend({
    authorizeUrl: z.string().optional().meta({
      description:
        'OAuth connections: where the admin grants access (PKCE S256 and `state` included; the state expires in 15 minutes). The provider then redirects to GET /connections/oauth/callback.',
    }),
  })
  .meta({ id: 'CreatedConnection' });

export const connectionListSchema = z.object({ connections: z.array(connectionSchema) }).meta({ id: 'ConnectionList' });

export const syncStartedSchema = z
  .object({ connectionId: z.string(), workflowId: z.string(), full: z.boolean() })
  .meta({ id: 'ConnectionSyncStarted' });

export const authorizationSchema = z
  .object({ authorizeUrl: z.string().meta({ description: 'Where the admin grants access; expires in 15 minutes.' }) })
  .meta({ id: 'ConnectionAuthorization' });
