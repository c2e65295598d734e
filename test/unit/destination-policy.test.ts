// Which addresses outbound calls may reach: internal ones (IPv4, IPv6 and IPv4-mapped IPv6) are refused unless
// OUTBOUND_ALLOWED_HOSTS allows them by name, address or CIDR range.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internalAddressKind, outboundPolicy, parseAllowedHosts } from '../../outbound/destination-policy';

describe('destination policy', () => {
  test('internal IPv4, IPv6 and IPv4-mapped addresses are classified; public ones are not', () => {
    const cases: [string, string | undefined][] = [
      ['127.0.0.1', 'loopback'],
      ['127.255.255.254', 'loopback'],
      ['::1', 'loopback'],
      ['[::1]', 'loopback'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', 'unspecified'],
      ['::', 'unspecified'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['fd12:3456::1', 'private'],
      ['fd00:ec2::254', 'private'], // AWS metadata over IPv6
      ['169.254.169.254', 'link-local'], // cloud metadata
      ['fe80::1', 'link-local'],
      ['100.64.0.1', 'shared (CGNAT)'],
      ['100.100.100.200', 'shared (CGNAT)'], // Alibaba Cloud metadata
      ['224.0.0.1', 'multicast'],
      ['ff02::1', 'multicast'],
      ['255.255.255.255', 'reserved'], // broadcast
      ['192.0.0.192', 'reserved'], // Oracle Cloud metadata
      ['64:ff9b::a00:1', 'reserved'], // NAT64 of 10.0.0.1
      ['::7f00:1', 'reserved'], // IPv4-compatible 127.0.0.1
      // IPv4-mapped IPv6 forms are their IPv4 address.
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['::ffff:10.1.2.3', 'private'],
      ['::ffff:a9fe:a9fe', 'link-local'], // 169.254.169.254
      // Public.
      ['8.8.8.8', undefined],
      ['172.32.0.1', undefined],
      ['100.128.0.1', undefined],
      ['93.184.215.14', undefined],
      ['2606:4700:4700::1111', undefined],
      ['::ffff:8.8.8.8', undefined],
    ];
    for (const [address, kind] of cases) assert.equal(internalAddressKind(address), kind, address);
    assert.throws(() => internalAddressKind('localhost'), /not an IP address/);
  });

  test('without allowances every internal destination is refused, public ones are not', () => {
    const policy = outboundPolicy();
    assert.equal(policy.refusal('hooks.example.com', '93.184.215.14'), undefined);
    assert.match(policy.refusal('localhost', '127.0.0.1') ?? '', /loopback/);
    assert.match(policy.refusal('localhost', '::1') ?? '', /loopback/);
    assert.match(policy.refusal('rebound.example.com', '::ffff:169.254.169.254') ?? '', /link-local/);
    assert.match(policy.refusalOfLiteralHost('[fd00:ec2::254]') ?? '', /private/);
    // A name can only be judged once resolved.
    assert.equal(policy.refusalOfLiteralHost('localhost'), undefined);
  });

  test('allowances by address, CIDR range (IPv4 and IPv6) and host name', () => {
    const policy = outboundPolicy(['127.0.0.1', '10.20.0.0/16', 'fd00:1::/32', 'CRM.Internal.']);
    assert.equal(policy.refusal('127.0.0.1', '127.0.0.1'), undefined);
    assert.equal(policy.refusal('localhost', '::ffff:127.0.0.1'), undefined, 'the mapped form of an allowed address');
    assert.match(policy.refusal('127.0.0.2', '127.0.0.2') ?? '', /loopback/, 'only the one address');
    assert.match(policy.refusal('localhost', '::1') ?? '', /loopback/);
    assert.equal(policy.refusal('10.20.255.1', '10.20.255.1'), undefined);
    assert.match(policy.refusal('10.21.0.1', '10.21.0.1') ?? '', /private/);
    assert.equal(policy.refusal('[fd00:1:ffff::1]', 'fd00:1:ffff::1'), undefined);
    assert.match(policy.refusal('fd00:2::1', 'fd00:2::1') ?? '', /private/);
    assert.equal(policy.refusal('crm.internal', '10.99.0.5'), undefined, 'an allowed name, wherever it points');
    assert.match(policy.refusal('other.internal', '10.99.0.5') ?? '', /private/);
    assert.equal(policy.refusalOfLiteralHost('10.20.1.1'), undefined);
    assert.match(policy.refusalOfLiteralHost('169.254.169.254') ?? '', /link-local/);
  });

  test('OUTBOUND_ALLOWED_HOSTS is split on commas and each entry checked', () => {
    assert.deepEqual(parseAllowedHosts(''), []);
    assert.deepEqual(parseAllowedHosts(' 127.0.0.1, ::1 ,10.0.0.0/8,,crm.internal,[fd00::]/8'), [
      '127.0.0.1',
      '::1',
      '10.0.0.0/8',
      'crm.internal',
      '[fd00::]/8',
    ]);
    for (const bad of [
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/8/1',
      'crm.internal/8',
      'http://crm',
      'a b',
      '10.0.0.0/x',
    ]) {
      assert.throws(
        () => parseAllowedHosts(`127.0.0.1,${bad}`),
        new RegExp(bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
      );
    }
  });
});
