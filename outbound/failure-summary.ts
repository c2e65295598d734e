// What to record about an outbound request that failed: a generic reason an admin can act on, never the raw socket
// error, whose addresses and ports would map the inside network for whoever reads the record.
import { DestinationNotAllowedError } from './guarded-dispatcher';

export type OutboundFailure =
  | 'destination not allowed'
  | 'host not found'
  | 'connection refused'
  | 'timed out'
  | 'TLS error'
  | 'no response';

/** The error and its causes, outermost first (fetch wraps the socket's error as its `cause`). */
function* causes(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

function reasonOf(error: unknown): OutboundFailure | undefined {
  if (error instanceof DestinationNotAllowedError) return 'destination not allowed';
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (name === 'TimeoutError' || name === 'ConnectTimeoutError' || name === 'HeadersTimeoutError') return 'timed out';
  if (typeof code !== 'string') return undefined;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') return 'host not found';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ETIMEDOUT' || (code.startsWith('UND_ERR_') && code.endsWith('_TIMEOUT'))) return 'timed out';
  // OpenSSL's certificate codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ...) and Node's ERR_TLS_/ERR_SSL_.
  if (/^ERR_(TLS|SSL)_|CERT|^UNABLE_TO_/.test(code)) return 'TLS error';
  return undefined;
}

/** The error's whole chain of messages, for the operator's log only. */
export function outboundErrorDetail(error: unknown): string {
  return [...causes(error)].map((cause) => (cause instanceof Error ? cause.message : String(cause))).join(': ');
}

/** A generic reason for a failed outbound request; anything unrecognised (a reset, a closed socket) is "no response". */
export function outboundFailure(error: unknown): OutboundFailure {
  for (const cause of causes(error)) {
    const reason = reasonOf(cause);
    if (reason) return reason;
  }
  return 'no response';
}
