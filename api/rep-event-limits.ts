// The bounds on reps' event streams (README, "Configuration"): how far a reconnecting stream may replay, how many
// streams one credential may hold open, and how long a client may leave written events unread.

export interface RepEventStreamLimits {
  /** A resume that missed more of the rep's events than this starts with `reset` instead of a replay. */
  replayMaxEvents: number;
  /** A resume whose first missed event is older than this starts with `reset` instead of a replay. */
  replayMaxAgeMs: number;
  /** Open streams one credential (the admin key, a rep's token) may hold in one API process; more answer 429. */
  streamsPerPrincipal: number;
  /** A stream whose client leaves what was written to it unread for this long is closed. */
  stallTimeoutMs: number;
}

export const defaultRepEventStreamLimits: RepEventStreamLimits = {
  replayMaxEvents: 1000,
  replayMaxAgeMs: 3_600_000,
  streamsPerPrincipal: 10,
  stallTimeoutMs: 30_000,
};
