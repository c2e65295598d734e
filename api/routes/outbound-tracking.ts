// The outbound click tracker ("who sent the email the visitor clicked", issue 16 point 3). Admins set it up per
// provider and may mint tracked links (/v1, operations). Outside /v1, without our credentials: Outreach's mailing
// links extension call, answered with signed tracked links (its own signature checked), and the public redirect a
// click lands on, which records mailing, prospect and sender and goes to the original link only, with a click token
// for the landing page to pass in `visitor.outbound.token`.
import type { ResponseConfig, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import {
  CLICK_TOKEN_TTL_HOURS,
  isTrackableUrl,
  landingUrl,
  MAX_TRACKED_URL_LENGTH,
  newClickToken,
  newLinkKey,
  onLandingSite,
  signLinkToken,
  unverifiedProvider,
  verifyLinkToken,
} from '../../connectors/link-tracking/link-tokens';
import {
  linkReplacementRequestSchema,
  linkReplacementResponse,
  OUTREACH_SIGNATURE_HEADER,
  outreachSignatureValid,
} from '../../connectors/outreach/link-tracker';
import { type OutboundProvider, outboundProviderSchema } from '../../domain/integrations';
import type { Db } from '../../store/database';
import { getTracker, putTracker, recordClick, type Tracker } from '../../store/outbound-tracking';
import type { SecretBox } from '../../store/secret-box';
import { admin } from '../access';
import { HttpError, notFound, parseOr400 } from '../http-error';
import { json, operation } from '../operations';
import { errorResponseSchema } from '../schemas/errors';
import { publicUrlOf } from './connections';

export const OUTREACH_EXTENSION_PATH = '/tracking/outreach/links';
export const CLICK_PATH = '/tracking/click';
/**
 * Outreach sends the links of one email, far fewer; but the limit holds every body the contract allows (200 links of
 * 4,096 characters, up to 3 UTF-8 bytes each), so a valid call is never refused for its size.
 */
const EXTENSION_BODY_LIMIT = '4mb';

const email = z.email().max(320);
const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.-]+$/, 'a host name'); // no flags: a JSON Schema pattern cannot carry one

const providerParams = z.strictObject({ provider: outboundProviderSchema });

const trackerInputSchema = z
  .strictObject({
    publicBaseUrl: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .optional()
      .meta({
        description:
          'The service’s public URL (scheme and host, as recipients reach it): tracked links point there. By ' +
          'default the server’s PUBLIC_URL, else the address this request reached it at.',
      }),
    landingHosts: z
      .array(hostName)
      .max(50)
      .meta({
        description:
          'Sites whose pages receive the click token (`outbound_click` query parameter) when a click is redirected ' +
          'there (the host or its subdomains); links to other sites are redirected without it.',
      }),
    extensionSecret: z
      .string()
      .min(16)
      .max(500)
      .optional()
      .meta({
        description:
          'Outreach: the app’s webhook secret, which signs its mailing links extension calls ' +
          '(`Outreach-Webhook-Signature`). Kept when not given.',
      }),
  })
  .meta({ id: 'OutreachTrackerInput' });

const salesloftTrackerInputSchema = trackerInputSchema
  .omit({ extensionSecret: true })
  .meta({ id: 'SalesloftTrackerInput' });

const trackerSchema = z
  .strictObject({
    provider: outboundProviderSchema,
    publicBaseUrl: z.string(),
    landingHosts: z.array(z.string()),
    extensionSecretSet: z.boolean(),
    extensionUrl: z.string().optional().meta({ description: 'Outreach: the service URL to give the extension.' }),
  })
  .meta({ id: 'OutboundTracker' });

const trackedLinkInputSchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(MAX_TRACKED_URL_LENGTH),
    senderEmail: email,
    prospectEmail: email.optional(),
    mailingId: z.string().min(1).max(64).optional(),
  })
  .meta({ id: 'TrackedLinkInput' });

const trackedLinkSchema = z.strictObject({ link: z.string() }).meta({ id: 'TrackedLink' });

const trimmed = (url: string) => url.replace(/\/+$/, '');

/** The settings with `publicBaseUrl` filled in: PUBLIC_URL, else the address this request came to. */
const withBaseUrl = <T extends { publicBaseUrl?: string | undefined }>(
  body: T,
  req: Request,
  deps: { connections: { publicUrl?: string } },
): T & { publicBaseUrl: string } => ({
  ...body,
  publicBaseUrl: body.publicBaseUrl ?? publicUrlOf(req, deps.connections),
});
const clickLink = (tracker: Tracker, token: string) => `${trimmed(tracker.publicBaseUrl)}${CLICK_PATH}/${token}`;

const trackerView = (tracker: Tracker) => ({
  provider: tracker.provider,
  publicBaseUrl: tracker.publicBaseUrl,
  landingHosts: tracker.landingHosts,
  extensionSecretSet: tracker.extensionSecret !== undefined,
  ...(tracker.provider === 'outreach' && {
    extensionUrl: `${trimmed(tracker.publicBaseUrl)}${OUTREACH_EXTENSION_PATH}`,
  }),
});

async function trackerOr404(db: Db, secrets: SecretBox, provider: OutboundProvider): Promise<Tracker> {
  const tracker = await getTracker(db, secrets, provider);
  if (!tracker) throw notFound('the tracker of', provider);
  return tracker;
}

export const outboundTrackingOperations = [
  // One operation per provider: only Outreach's tracker takes the secret that signs its extension calls, and a
  // separate body schema states that in the contract.
  operation({
    method: 'put',
    path: '/v1/outbound-tracking/outreach',
    operationId: 'putOutreachTracker',
    tag: 'Outbound tracking',
    summary: 'Set up the click tracker for Outreach (its public URL, landing sites, the extension’s secret)',
    access: admin,
    body: trackerInputSchema,
    responses: { 200: json(trackerSchema, 'The tracker; its signing key is made once and kept.') },
    handle: async ({ body }, { deps, req }) => ({
      status: 200,
      body: trackerView(
        await putTracker(deps.db, deps.connections.secrets, 'outreach', withBaseUrl(body, req, deps), newLinkKey),
      ),
    }),
  }),
  operation({
    method: 'put',
    path: '/v1/outbound-tracking/salesloft',
    operationId: 'putSalesloftTracker',
    tag: 'Outbound tracking',
    summary: 'Set up the click tracker for Salesloft (its public URL and landing sites)',
    access: admin,
    body: salesloftTrackerInputSchema,
    responses: { 200: json(trackerSchema, 'The tracker; its signing key is made once and kept.') },
    handle: async ({ body }, { deps, req }) => ({
      status: 200,
      body: trackerView(
        await putTracker(deps.db, deps.connections.secrets, 'salesloft', withBaseUrl(body, req, deps), newLinkKey),
      ),
    }),
  }),
  operation({
    method: 'post',
    path: '/v1/outbound-tracking/{provider}/links',
    operationId: 'createTrackedLink',
    tag: 'Outbound tracking',
    summary:
      'A tracked link for a sender (and prospect): for Salesloft templates, or any tool without a link extension',
    access: admin,
    params: providerParams,
    body: trackedLinkInputSchema,
    responses: { 201: json(trackedLinkSchema, 'The signed link, valid 90 days.') },
    failures: { 404: 'not_found: the provider has no tracker yet.' },
    handle: async ({ params, body }, { deps }) => {
      const tracker = await trackerOr404(deps.db, deps.connections.secrets, params.provider);
      const token = signLinkToken(tracker.linkKey, { provider: params.provider, ...body });
      return { status: 201, body: { link: clickLink(tracker, token) } };
    },
  }),
];

/** The public routes, mounted before /v1's credential checks (api/app.ts). */
export function outboundTrackingRouter(db: Db, secrets: SecretBox): Router {
  const router = Router();

  router.post(
    OUTREACH_EXTENSION_PATH,
    express.raw({ type: () => true, limit: EXTENSION_BODY_LIMIT }),
    async (req, res) => {
      const tracker = await getTracker(db, secrets, 'outreach');
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const signature = req.get(OUTREACH_SIGNATURE_HEADER);
      if (!tracker?.extensionSecret || !outreachSignatureValid(tracker.extensionSecret, rawBody, signature)) {
        throw new HttpError(401, 'bad_signature', `${OUTREACH_SIGNATURE_HEADER} does not sign this body`);
      }
      let parsedJson: unknown;
      try {
        parsedJson = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new HttpError(400, 'invalid_request', 'the body is not JSON');
      }
      const request = parseOr400(linkReplacementRequestSchema, parsedJson);
      const senderEmail = request.meta.user?.email;
      const replacements = new Map<string, string>();
      // Without a sender there is nobody to route to: the links stay as they are.
      if (senderEmail && email.safeParse(senderEmail).success) {
        const prospectEmail = request.meta.prospect?.email ?? undefined;
        // `data` holds the links as other extensions left them (e.g. a shortener's); `meta.urls` maps the links the
        // sender wrote to those. A click goes on along that chain, unless only the written link is on a landing
        // site: then it goes there, so the page gets the click token (a redirect in between would drop it).
        const writtenOf = new Map(Object.entries(request.meta.urls ?? {}).map(([written, now]) => [now, written]));
        for (const link of request.data) {
          if (!isTrackableUrl(link)) continue;
          const written = writtenOf.get(link);
          const target =
            written !== undefined &&
            isTrackableUrl(written) &&
            !onLandingSite(link, tracker.landingHosts) &&
            onLandingSite(written, tracker.landingHosts)
              ? written
              : link;
          const token = signLinkToken(tracker.linkKey, {
            provider: 'outreach',
            url: target,
            senderEmail,
            ...(prospectEmail && email.safeParse(prospectEmail).success && { prospectEmail }),
            ...(request.meta.prospect?.id && { prospectId: request.meta.prospect.id.slice(0, 64) }),
            ...(request.meta.mailing?.id && { mailingId: request.meta.mailing.id.slice(0, 64) }),
          });
          replacements.set(link, clickLink(tracker, token));
        }
      }
      res.json(linkReplacementResponse(replacements));
    },
  );

  router.get(`${CLICK_PATH}/:token`, async (req, res) => {
    const token = req.params.token;
    const provider = outboundProviderSchema.safeParse(unverifiedProvider(token));
    const tracker = provider.success ? await getTracker(db, secrets, provider.data) : undefined;
    const verified = tracker ? verifyLinkToken(tracker.linkKey, token) : { refused: 'malformed' as const };
    // A forged, altered or expired link goes nowhere: no redirect to anything the token did not sign.
    if (!tracker || 'refused' in verified) {
      throw new HttpError(404, 'not_found', 'this link is unknown or has expired');
    }
    const { claims } = verified;
    const click = newClickToken();
    const now = new Date();
    await recordClick(
      db,
      click.hash,
      {
        provider: claims.provider,
        senderEmail: claims.senderEmail,
        url: claims.url,
        clickedAt: now.toISOString(),
        ...(claims.prospectEmail && { prospectEmail: claims.prospectEmail }),
        ...(claims.prospectId && { prospectId: claims.prospectId }),
        ...(claims.mailingId && { mailingId: claims.mailingId }),
      },
      new Date(now.getTime() + CLICK_TOKEN_TTL_HOURS * 3_600_000).toISOString(),
    );
    res.set('cache-control', 'no-store').set('referrer-policy', 'no-referrer');
    res.redirect(302, landingUrl(claims.url, click.token, tracker.landingHosts));
  });

  return router;
}

const failure = (description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema: errorResponseSchema } },
});

/** The public routes' place in the contract (api/openapi.ts). */
export const outboundTrackingRoutes: RouteConfig[] = [
  {
    method: 'post',
    path: OUTREACH_EXTENSION_PATH,
    operationId: 'outreachLinkReplacement',
    tags: ['Outbound tracking'],
    summary: 'Outreach’s mailing links custom tracker extension: replaces an email’s links with tracked ones',
    description:
      'Called by Outreach before an email goes out, signed with `Outreach-Webhook-Signature` (hex HMAC-SHA256 of the ' +
      'body under the app’s webhook secret, set with `PUT /v1/outbound-tracking/outreach`). Needs no credential.',
    request: {
      headers: z.object({ 'outreach-webhook-signature': z.string() }),
      body: { content: { 'application/json': { schema: linkReplacementRequestSchema } } },
    },
    responses: {
      200: {
        description: 'Each http(s) link to its tracked replacement (none when the call names no sender).',
        content: { 'application/json': { schema: z.object({ data: z.record(z.string(), z.string()) }) } },
      },
      400: failure('invalid_request: the body is not the extension’s payload.'),
      401: failure('bad_signature: no Outreach tracker secret, or the signature does not match the body.'),
      413: failure('payload_too_large: over 4 MB.'),
      500: failure('internal: an unexpected failure.'),
      503: failure('database_unavailable: the database cannot be reached; retry later.'),
    },
  },
  {
    method: 'get',
    path: `${CLICK_PATH}/{token}`,
    operationId: 'followTrackedLink',
    tags: ['Outbound tracking'],
    summary: 'A recipient clicked a tracked link: the click is recorded and they go on to the original link',
    description:
      'Public. The click (mailing, prospect, sender) is recorded with a click token, added to the original link as ' +
      '`outbound_click` when the link is on one of the tracker’s landing sites; the experience passes it as ' +
      '`visitor.outbound.token`, and the outbound stage then routes to the sender.',
    request: { params: z.object({ token: z.string() }) },
    responses: {
      302: {
        description: 'To the original link (only the one the token signed).',
        headers: { Location: { description: 'The original link.', schema: { type: 'string' } } },
      },
      404: failure('not_found: a forged, altered or expired link.'),
      500: failure('internal: an unexpected failure.'),
      503: failure('database_unavailable: the database cannot be reached; retry later.'),
    },
  },
];
