// The click tracker's tokens and the connectors' reading of a 429: a link token verifies only under its key,
// unaltered and unexpired; the click token goes only to landing sites; a wait comes from Retry-After, else the
// reset header, else a minute, within bounds.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  CLICK_TOKEN_PARAM,
  isTrackableUrl,
  LINK_TOKEN_TTL_DAYS,
  landingUrl,
  newLinkKey,
  signLinkToken,
  unverifiedProvider,
  verifyLinkToken,
} from '../../connectors/link-tracking/link-tokens';
import { outreachSignatureValid } from '../../connectors/outreach/link-tracker';
import { rateLimitWaitSeconds } from '../../connectors/provider-client';

const claims = {
  provider: 'outreach' as const,
  url: 'https://www.landing.test/pricing',
  senderEmail: 'sender@example.test',
  prospectEmail: 'prospect@lead.test',
  mailingId: '123',
};

describe('link tokens', () => {
  test('a token verifies under its key until it expires, and names its provider', () => {
    const key = newLinkKey();
    const now = new Date('2026-06-01T00:00:00Z');
    const token = signLinkToken(key, claims, now);
    assert.equal(unverifiedProvider(token), 'outreach');
    const verified = verifyLinkToken(key, token, now);
    assert.ok('claims' in verified);
    assert.equal(verified.claims.url, claims.url);
    assert.equal(verified.claims.senderEmail, claims.senderEmail);
    const later = new Date(now.getTime() + LINK_TOKEN_TTL_DAYS * 86_400_000);
    assert.deepEqual(verifyLinkToken(key, token, later), { refused: 'expired' });
  });

  test('another key, an altered payload or a malformed token is refused', () => {
    const key = newLinkKey();
    const token = signLinkToken(key, claims);
    assert.deepEqual(verifyLinkToken(newLinkKey(), token), { refused: 'bad_signature' });
    const [payload, signature] = token.split('.') as [string, string];
    const altered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), url: 'https://evil.test/' }),
    ).toString('base64url');
    assert.deepEqual(verifyLinkToken(key, `${altered}.${signature}`), { refused: 'bad_signature' });
    assert.deepEqual(verifyLinkToken(key, 'nodot'), { refused: 'malformed' });
    assert.deepEqual(verifyLinkToken(key, `${token}.extra`), { refused: 'malformed' });
    // Signed by the key but not claims: refused all the same.
    const junk = Buffer.from('{"v":2}').toString('base64url');
    const junkSignature = createHmac('sha256', Buffer.from(key, 'base64url')).update(junk).digest('base64url');
    assert.deepEqual(verifyLinkToken(key, `${junk}.${junkSignature}`), { refused: 'malformed' });
  });

  test('the click token is added on landing sites and their subdomains only', () => {
    const url = new URL(landingUrl('https://www.landing.test/a?b=1', 'tok', ['landing.test']));
    assert.equal(url.searchParams.get(CLICK_TOKEN_PARAM), 'tok');
    assert.equal(url.searchParams.get('b'), '1');
    assert.equal(landingUrl('https://notlanding.test/a', 'tok', ['landing.test']), 'https://notlanding.test/a');
    assert.equal(
      landingUrl('https://landing.test.evil.example/', 'tok', ['landing.test']),
      'https://landing.test.evil.example/',
    );
  });

  test('only http(s) links of bounded length are tracked', () => {
    assert.ok(isTrackableUrl('https://x.test/'));
    assert.ok(!isTrackableUrl('javascript:alert(1)'));
    assert.ok(!isTrackableUrl('mailto:a@b.test'));
    assert.ok(!isTrackableUrl(`https://x.test/${'a'.repeat(3000)}`));
  });

  test('Outreach’s signature is the hex HMAC-SHA256 of the raw body', () => {
    const body = Buffer.from('{"data":[]}');
    const signature = createHmac('sha256', 'secret').update(body).digest('hex');
    assert.ok(outreachSignatureValid('secret', body, signature));
    assert.ok(!outreachSignatureValid('other', body, signature));
    assert.ok(!outreachSignatureValid('secret', Buffer.from('{"data":[1]}'), signature));
    assert.ok(!outreachSignatureValid('secret', body, undefined));
    assert.ok(!outreachSignatureValid('secret', body, 'zz'));
  });
});

describe('rate-limit waits', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const wait = (headers: Record<string, string>) => rateLimitWaitSeconds(new Headers(headers), now);

  test('Retry-After in seconds or as a date, else the reset time, else a minute; bounded', () => {
    assert.equal(wait({ 'retry-after': '7' }), 7);
    assert.equal(wait({ 'retry-after': new Date(now + 30_000).toUTCString() }), 30);
    assert.equal(wait({ 'x-ratelimit-reset': String(now / 1000 + 90) }), 90);
    assert.equal(wait({}), 60);
    assert.equal(wait({ 'retry-after': '0' }), 1);
    assert.equal(wait({ 'retry-after': '999999' }), 3600);
  });
});
