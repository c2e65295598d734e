// The connector settings in the environment: defaults, and a clear refusal naming the variable for a bad value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../config';

test('connector settings: defaults', () => {
  const config = loadConfig({});
  assert.equal(config.PUBLIC_URL, undefined);
  assert.equal(config.LIVE_LOOKUP_BUDGET_MS, 300);
  assert.equal(config.CONNECTION_SYNC_INTERVAL_MINUTES, 15);
  assert.equal(config.RETENTION_OUTBOUND_CLICKS_DAYS, 30);
});

test('connector settings: set, and PUBLIC_URL without its trailing slash', () => {
  const config = loadConfig({
    PUBLIC_URL: 'https://routing.example.com/api/',
    LIVE_LOOKUP_BUDGET_MS: '750',
    CONNECTION_SYNC_INTERVAL_MINUTES: '60',
  });
  assert.equal(config.PUBLIC_URL, 'https://routing.example.com/api');
  assert.equal(config.LIVE_LOOKUP_BUDGET_MS, 750);
  assert.equal(config.CONNECTION_SYNC_INTERVAL_MINUTES, 60);
});

test('connector settings: a bad value is refused, naming the variable', () => {
  for (const [name, value] of [
    ['PUBLIC_URL', 'routing.example.com'],
    ['PUBLIC_URL', 'ftp://routing.example.com'],
    ['PUBLIC_URL', 'https://routing.example.com/?a=b'],
    ['LIVE_LOOKUP_BUDGET_MS', '0'],
    ['LIVE_LOOKUP_BUDGET_MS', 'fast'],
    ['CONNECTION_SYNC_INTERVAL_MINUTES', '0'],
    ['CONNECTION_SYNC_INTERVAL_MINUTES', '1.5'],
    ['RETENTION_OUTBOUND_CLICKS_DAYS', '-1'],
  ]) {
    assert.throws(() => loadConfig({ [name as string]: value }), new RegExp(`${name}:`), `${name}=${value}`);
  }
});

test('console presence: off by default, its grace and lease read and bounded', () => {
  const off = loadConfig({});
  assert.equal(off.CONSOLE_PRESENCE_GRACE_SECONDS, undefined);
  assert.equal(off.CONSOLE_PRESENCE_LEASE_SECONDS, 30);
  const on = loadConfig({ CONSOLE_PRESENCE_GRACE_SECONDS: '120', CONSOLE_PRESENCE_LEASE_SECONDS: '10' });
  assert.equal(on.CONSOLE_PRESENCE_GRACE_SECONDS, 120);
  assert.equal(on.CONSOLE_PRESENCE_LEASE_SECONDS, 10);
  for (const [name, value] of [
    ['CONSOLE_PRESENCE_GRACE_SECONDS', '0'],
    ['CONSOLE_PRESENCE_GRACE_SECONDS', 'soon'],
    ['CONSOLE_PRESENCE_LEASE_SECONDS', '1'],
  ] as const) {
    assert.throws(() => loadConfig({ [name]: value }), new RegExp(name));
  }
});
