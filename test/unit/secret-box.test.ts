// Connection secrets at rest (store/secret-box.ts): AES-256-GCM, each value bound to its row and field.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { newEncryptionKey, parseEncryptionKey, SecretBox } from '../../store/secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  test('opens what it sealed, and never seals the same text the same way twice', () => {
    const sealed = box.seal('refresh-token-value', 'connection:a:secrets');
    assert.equal(box.open(sealed, 'connection:a:secrets'), 'refresh-token-value');
    assert.ok(!sealed.includes('refresh-token-value'));
    assert.notEqual(box.seal('refresh-token-value', 'connection:a:secrets'), sealed);
  });

  test('refuses another context, another key and any alteration', () => {
    const sealed = box.seal('secret', 'connection:a:secrets');
    assert.throws(() => box.open(sealed, 'connection:b:secrets'));
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'connection:a:secrets'));
    const [version, nonce, tag, ciphertext = ''] = sealed.split('.');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assert.throws(() =>
      box.open([version, nonce, tag, flipped.toString('base64url')].join('.'), 'connection:a:secrets'),
    );
    assert.throws(() => box.open('plain text', 'connection:a:secrets'), /not a sealed secret/);
  });

  test('keys are 32 bytes, as hex or base64; a generated one parses', () => {
    const key = randomBytes(32);
    assert.deepEqual(parseEncryptionKey(key.toString('hex')), key);
    assert.deepEqual(parseEncryptionKey(key.toString('base64')), key);
    assert.deepEqual(parseEncryptionKey(`${key.toString('base64url')}\n`), key);
    assert.equal(parseEncryptionKey(newEncryptionKey()).length, 32);
    assert.throws(() => parseEncryptionKey('too-short'), /32 bytes/);
    assert.throws(() => new SecretBox(randomBytes(16)), /32 bytes/);
  });
});
