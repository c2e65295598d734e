// Where a rep's event stream begins. A reconnecting client replays what it missed only while that is little and
// recent; otherwise it is told `reset` and refetches its offers, the current state, which is cheaper than a long
// replay of offers that have mostly closed since.
import type { Db } from '../store/database';
import { latestRepEventId, missedRepEvents } from '../store/rep-events';
import type { StreamScope } from './rep-event-hub';
import type { RepEventStreamLimits } from './rep-event-limits';

export type ResetReason = 'unknown_event_id' | 'too_many_missed' | 'too_old';

export interface StreamStart {
  /** The stream delivers the rep's events after this id. */
  after: number;
  /** Set when the client's cursor cannot be replayed: the stream then starts from now. */
  reset?: ResetReason;
}

/** `lastEventId` undefined: a new stream, which starts with what happens from now on. */
export async function streamStart(
  db: Db,
  repId: StreamScope,
  lastEventId: number | undefined,
  limits: Pick<RepEventStreamLimits, 'replayMaxEvents' | 'replayMaxAgeMs'>,
): Promise<StreamStart> {
  // Read first: an event appended while the cursor is judged is then still delivered.
  const now = await latestRepEventId(db);
  if (lastEventId === undefined) return { after: now };
  const { cursorStored, missedAt } = await missedRepEvents(db, repId, lastEventId, limits.replayMaxEvents + 1);
  const oldest = missedAt[0];
  // An id no longer stored may have had events after it removed too (retention), so nothing after it is trusted.
  const reset: ResetReason | undefined = !cursorStored
    ? 'unknown_event_id'
    : missedAt.length > limits.replayMaxEvents
      ? 'too_many_missed'
      : oldest !== undefined && Date.parse(oldest) < Date.now() - limits.replayMaxAgeMs
        ? 'too_old'
        : undefined;
  return reset ? { after: now, reset } : { after: lastEventId };
}
