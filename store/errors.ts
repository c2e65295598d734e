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
