// Domain failures the store reports; the API maps them to HTTP statuses.

/** The write would break a uniqueness rule (e.g. two users with one email). */
export class ConflictError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The request names users, groups or rules that do not exist. `field` is the request path that holds them. */
export class UnknownReferenceError extends Error {
  constructor(
    readonly field: string,
    readonly ids: readonly string[],
  ) {
    super(`unknown ids: ${ids.join(', ')}`);
  }
}

/** The caller's `If-Match` names a state of the rules or the draft that is no longer current. */
export class PreconditionFailedError extends Error {
  constructor(readonly current: string) {
    super(`the ${current} changed since you read it: read it again and reapply your change`);
  }
}

/** There is no draft rule set to read, change, publish or discard. */
export class NoDraftError extends Error {
  constructor() {
    super('there is no draft rule set: start one with POST /v1/rules/draft');
  }
}

/** The connection does not exist, was deleted, or has no grant yet (authorization pending). Not retryable. */
export class ConnectionUnavailableError extends Error {
  override readonly name = 'ConnectionUnavailableError';
  readonly nonRetryable = true;
}
