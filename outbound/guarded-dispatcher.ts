// An HTTP client dispatcher for outbound calls (webhook deliveries, CRM connectors) that refuses to connect to
// destinations the policy forbids. The check runs when connecting, on the addresses DNS has just returned, so a host
// name pointing inside, or re-pointed inside after it was checked (DNS rebinding), cannot get through.
//
// Why undici's Agent with our own lookup rather than request-filtering-agent: that library is an http.Agent, which
// Node's fetch cannot use, and its allow list takes addresses only; undici's dispatcher serves `fetch` (what the
// connectors will call) and lets host-name allowances be judged with the name in hand.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { OutboundPolicy } from './destination-policy';

/** A connection the policy refused; its message says why (for logs, not for anything a client can read). */
export class DestinationNotAllowedError extends Error {
  readonly code = 'ERR_DESTINATION_NOT_ALLOWED';
}

/**
 * Resolves like `dns.lookup`, keeping only the addresses the policy allows (Node may try any address it is given,
 * happy-eyeballs style), and fails when none is.
 */
function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => policy.refusal(hostname, entry.address) === undefined);
      const [first] = allowed;
      if (!first) {
        const refusal = addresses.map((entry) => policy.refusal(hostname, entry.address)).join(', ');
        return callback(new DestinationNotAllowedError(`${hostname}: ${refusal || 'no address'}`), '', 0);
      }
      if (options.all) return callback(null, allowed);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici dispatcher refusing every destination `policy` forbids: pass it as `fetch(url, { dispatcher })` with
 * undici's own `fetch`. Refusals fail the request with a `DestinationNotAllowedError` as the error's cause.
 */
export function guardedDispatcher(
  policy: OutboundPolicy,
  {
    connect: connectOptions,
    ...options
  }: Omit<Agent.Options, 'connect'> & { connect?: buildConnector.BuildOptions } = {},
): Agent {
  const connect = buildConnector({ ...connectOptions, lookup: guardedLookup(policy) });
  return new Agent({
    ...options,
    connect: (target, callback) => {
      // A literal address is connected to without a lookup, so it is judged here.
      const refusal = isIP(target.hostname) === 0 ? undefined : policy.refusal(target.hostname, target.hostname);
      if (refusal) return callback(new DestinationNotAllowedError(refusal), null);
      connect(target, callback);
    },
  });
}
