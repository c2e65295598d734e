// Which destinations outbound calls (webhook deliveries, CRM connectors) may reach: any public address, and
// nothing on the inside network (loopback, private, link-local with the cloud metadata services, CGNAT, ...) unless
// the operator allows it with OUTBOUND_ALLOWED_HOSTS. Pure: the connect-time check is in ./guarded-dispatcher.ts.
import { BlockList, isIP } from 'node:net';

/** Why an address is internal; undefined for a public one. */
export type InternalAddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared (CGNAT)'
  | 'multicast'
  | 'reserved';

type Range = readonly [address: string, prefix: number];

// Node's BlockList matches an IPv4 rule against the IPv4-mapped IPv6 form too (::ffff:10.0.0.1), so each range is
// listed once, in its own family.
const internalRanges: Record<InternalAddressKind, readonly Range[]> = {
  unspecified: [
    ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host on Linux
    ['::', 128],
  ],
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  private: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7], // unique local addresses, with AWS's metadata service at fd00:ec2::254
  ],
  'link-local': [
    ['169.254.0.0', 16], // with the cloud metadata services at 169.254.169.254
    ['fe80::', 10],
  ],
  'shared (CGNAT)': [['100.64.0.0', 10]], // with Alibaba Cloud's metadata service at 100.100.100.200
  multicast: [
    ['224.0.0.0', 4],
    ['ff00::', 8],
  ],
  reserved: [
    ['192.0.0.0', 24], // IETF protocol assignments, with Oracle Cloud's metadata service at 192.0.0.192
    ['198.18.0.0', 15], // benchmarking, often used inside networks
    ['240.0.0.0', 4], // reserved, and the broadcast address 255.255.255.255
    ['::', 96], // IPv4-compatible IPv6 (deprecated): another spelling of an IPv4 address
    ['64:ff9b::', 96], // NAT64: a translator would forward it to any IPv4 address, internal ones included
    ['64:ff9b:1::', 48], // local-use NAT64
    ['fec0::', 10], // site-local (deprecated private)
  ],
};

const familyOf = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

function blockListOf(ranges: readonly Range[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of ranges) list.addSubnet(address, prefix, familyOf(address));
  return list;
}

const internalLists = Object.entries(internalRanges).map(
  ([kind, ranges]) => [kind as InternalAddressKind, blockListOf(ranges)] as const,
);

/** `[::1]` (a URL's hostname) and `::1` name the same address. */
const unbracketed = (host: string) => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host);

/** A host name as DNS compares it: case-insensitive, trailing dot optional. */
const normalisedName = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** The kind of internal address `address` is (IPv4, IPv6 or IPv4-mapped IPv6), or undefined for a public one. */
export function internalAddressKind(address: string): InternalAddressKind | undefined {
  const ip = unbracketed(address);
  if (isIP(ip) === 0) throw new Error(`not an IP address: ${address}`);
  const family = familyOf(ip);
  return internalLists.find(([, list]) => list.check(ip, family))?.[0];
}

/** An allowance's address or name, and its CIDR prefix length if any. */
function splitEntry(entry: string): [string, string | undefined, ...string[]] {
  const [address = '', ...rest] = entry.split('/');
  return [unbracketed(address), ...(rest as [string | undefined, ...string[]])];
}

const hostNamePattern =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?)*$/;

/**
 * Splits OUTBOUND_ALLOWED_HOSTS (comma-separated host names, IP addresses and CIDR ranges) into its entries, or
 * throws naming the first entry that is none of those.
 */
export function parseAllowedHosts(list: string): string[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries) {
    const [address, prefix, ...rest] = splitEntry(entry);
    const ipFamily = isIP(address);
    const validPrefix =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (ipFamily === 6 ? 128 : 32));
    const valid =
      rest.length === 0 &&
      (ipFamily !== 0 ? validPrefix : prefix === undefined && hostNamePattern.test(normalisedName(address)));
    if (!valid) throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
  }
  return entries;
}

export interface OutboundPolicy {
  /** Why a connection to `address` (which `host` resolved to, or which `host` is) is refused; undefined if allowed. */
  refusal(host: string, address: string): string | undefined;
  /** The same judgement for a URL's host before any DNS lookup: only a literal address can be judged then. */
  refusalOfLiteralHost(host: string): string | undefined;
}

/** The policy for the given allowances (entries of OUTBOUND_ALLOWED_HOSTS, see `parseAllowedHosts`). */
export function outboundPolicy(allowances: readonly string[] = []): OutboundPolicy {
  const allowedNames = new Set<string>();
  const allowedAddresses = new BlockList();
  for (const entry of parseAllowedHosts(allowances.join(','))) {
    const [address, prefix] = splitEntry(entry);
    if (isIP(address) === 0) allowedNames.add(normalisedName(address));
    else if (prefix === undefined) allowedAddresses.addAddress(address, familyOf(address));
    else allowedAddresses.addSubnet(address, Number(prefix), familyOf(address));
  }
  const refusal = (host: string, address: string) => {
    if (allowedNames.has(normalisedName(unbracketed(host)))) return undefined;
    const ip = unbracketed(address);
    if (allowedAddresses.check(ip, familyOf(ip))) return undefined;
    const kind = internalAddressKind(ip);
    return kind && `${ip}: ${kind} address`;
  };
  return {
    refusal,
    refusalOfLiteralHost: (host) => (isIP(unbracketed(host)) === 0 ? undefined : refusal(host, host)),
  };
}
