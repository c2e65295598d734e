// The outbound click tracker's state: per provider its keys and settings, and the clicks on tracked links, each
// redeemable by the one visitor who first routes with its token.
import type { OutboundProvider } from '../domain/integrations';
import { type Db, retryOnConflict } from './database';
import type { OutboundClicksTable } from './schema';
import type { SecretBox } from './secret-box';

export interface Tracker {
  provider: OutboundProvider;
  /** base64url HMAC key the tracked links are signed with. */
  linkKey: string;
  /** The provider's secret for its calls to the tracker (Outreach's webhook secret). */
  extensionSecret?: string;
  publicBaseUrl: string;
  landingHosts: string[];
}

export interface TrackerSettings {
  publicBaseUrl: string;
  landingHosts: string[];
  extensionSecret?: string | undefined;
}

// The link key and the extension secret are sealed like the connections' secrets (CONNECTIONS_ENCRYPTION_KEY), each
// bound to its provider and field. A value stored in clear (trackers set up before sealing) is sealed on first read.
const keyContext = (provider: OutboundProvider) => `outbound_tracker:${provider}:link_key`;
const secretContext = (provider: OutboundProvider) => `outbound_tracker:${provider}:extension_secret`;
const isSealed = (value: string) => value.startsWith('v1.');

export async function getTracker(db: Db, box: SecretBox, provider: OutboundProvider): Promise<Tracker | undefined> {
  const row = await db.selectFrom('outbound_trackers').selectAll().where('provider', '=', provider).executeTakeFirst();
  if (!row) return undefined;
  if (!isSealed(row.link_key) || (row.extension_secret !== null && !isSealed(row.extension_secret))) {
    await db
      .updateTable('outbound_trackers')
      .set({
        ...(!isSealed(row.link_key) && { link_key: box.seal(row.link_key, keyContext(provider)) }),
        ...(row.extension_secret !== null &&
          !isSealed(row.extension_secret) && {
            extension_secret: box.seal(row.extension_secret, secretContext(provider)),
          }),
      })
      .where('provider', '=', provider)
      .where('link_key', '=', row.link_key)
      .execute();
  }
  const open = (value: string, context: string) => (isSealed(value) ? box.open(value, context) : value);
  return {
    provider,
    linkKey: open(row.link_key, keyContext(provider)),
    ...(row.extension_secret !== null && { extensionSecret: open(row.extension_secret, secretContext(provider)) }),
    publicBaseUrl: row.public_base_url,
    landingHosts: JSON.parse(row.landing_hosts) as string[],
  };
}

/**
 * Sets the tracker's settings, creating it with `newLinkKey` on first use. The link key is kept on later calls, so
 * links already sent keep working; a secret not given keeps the one stored.
 */
export async function putTracker(
  db: Db,
  box: SecretBox,
  provider: OutboundProvider,
  settings: TrackerSettings,
  newLinkKey: () => string,
): Promise<Tracker> {
  const now = new Date().toISOString();
  const values = {
    public_base_url: settings.publicBaseUrl,
    landing_hosts: JSON.stringify(settings.landingHosts.map((host) => host.toLowerCase())),
    updated_at: now,
    ...(settings.extensionSecret !== undefined && {
      extension_secret: box.seal(settings.extensionSecret, secretContext(provider)),
    }),
  };
  await retryOnConflict(() =>
    db
      .insertInto('outbound_trackers')
      .values({ provider, link_key: box.seal(newLinkKey(), keyContext(provider)), extension_secret: null, ...values })
      .onConflict((oc) => oc.column('provider').doUpdateSet(values))
      .execute(),
  );
  return (await getTracker(db, box, provider)) as Tracker;
}

export interface Click {
  provider: OutboundProvider;
  mailingId?: string;
  prospectId?: string;
  prospectEmail?: string;
  senderEmail: string;
  url: string;
  clickedAt: string;
}

export async function recordClick(db: Db, tokenHash: string, click: Click, expiresAt: string): Promise<void> {
  await db
    .insertInto('outbound_clicks')
    .values({
      token_hash: tokenHash,
      provider: click.provider,
      mailing_id: click.mailingId ?? null,
      prospect_id: click.prospectId ?? null,
      prospect_email: click.prospectEmail ?? null,
      sender_email: click.senderEmail,
      url: click.url,
      clicked_at: click.clickedAt,
      expires_at: expiresAt,
      visitor_id: null,
    })
    .execute();
}

const toClick = (row: OutboundClicksTable): Click => ({
  provider: row.provider as OutboundProvider,
  ...(row.mailing_id !== null && { mailingId: row.mailing_id }),
  ...(row.prospect_id !== null && { prospectId: row.prospect_id }),
  ...(row.prospect_email !== null && { prospectEmail: row.prospect_email }),
  senderEmail: row.sender_email,
  url: row.url,
  clickedAt: row.clicked_at,
});

export type ClickRefusal = 'unknown' | 'expired' | 'redeemed_by_another_visitor';

/**
 * The click whose token hashes to `tokenHash`, for `visitorId`: the first visitor to present an unexpired token
 * claims it; the same visitor may present it again (a later routing of theirs), anyone else is refused (a copied
 * or replayed token).
 */
export async function redeemClick(
  db: Db,
  tokenHash: string,
  visitorId: string,
  now: Date,
): Promise<{ click: Click } | { refused: ClickRefusal }> {
  const row = await db.selectFrom('outbound_clicks').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  if (!row) return { refused: 'unknown' };
  if (Date.parse(row.expires_at) <= now.getTime()) return { refused: 'expired' };
  if (row.visitor_id === null) {
    // Claimed only if still unclaimed: of two visitors racing, one wins and the other reads the winner.
    await db
      .updateTable('outbound_clicks')
      .set({ visitor_id: visitorId })
      .where('token_hash', '=', tokenHash)
      .where('visitor_id', 'is', null)
      .execute();
    const claimed = await db
      .selectFrom('outbound_clicks')
      .select('visitor_id')
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (claimed?.visitor_id !== visitorId) return { refused: 'redeemed_by_another_visitor' };
    return { click: toClick(row) };
  }
  return row.visitor_id === visitorId ? { click: toClick(row) } : { refused: 'redeemed_by_another_visitor' };
}
