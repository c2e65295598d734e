// Tells a process soon after any process commits rep events to the database, so its event streams deliver them
// at once instead of at their next poll. PostgreSQL: the writer's transaction NOTIFYs (delivered only on commit,
// so the rows are there) and a dedicated connection LISTENs. SQLite: every commit appends to the write-ahead log,
// so a file watch on it (inotify on Linux) wakes on every process's writes, this one's included.
// Either way a wake is a hint to look, not the event itself: polling stays as the safety net.
import { type FSWatcher, watch } from 'node:fs';
import { Client } from 'pg';
import type { DatabaseConfig } from './database';

/** The NOTIFY channel appendRepEvents signals on PostgreSQL. */
export const REP_EVENTS_CHANNEL = 'rep_events_appended';

/** How long to wait before watching again after the watch broke (a lost connection, a removed file). */
const REWATCH_DELAY_MS = 1000;

export interface AppendWatch {
  close(): void;
}

/** Calls `onAppend` after commits that may have appended rep events, from any process using `database`. */
export function watchRepEventAppends(database: DatabaseConfig, onAppend: () => void): AppendWatch {
  return database.kind === 'postgres'
    ? listenForNotify(database.url, onAppend)
    : watchWriteAheadLog(database.file, onAppend);
}

/** Re-establishes a broken watch after a pause, waking once when it is back in case something was missed. */
function keepWatching(start: (broken: () => void) => () => void, onAppend: () => void): AppendWatch {
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let stopCurrent = () => {};
  const begin = (first: boolean) => {
    if (closed) return;
    let broke = false;
    const stop = start(() => {
      if (broke || closed) return;
      broke = true;
      retry = setTimeout(() => begin(false), REWATCH_DELAY_MS).unref();
      queueMicrotask(() => stop()); // `start` may report a break before it has returned its stop
    });
    stopCurrent = stop;
    if (!first) onAppend();
  };
  begin(true);
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      stopCurrent();
    },
  };
}

function listenForNotify(url: string, onAppend: () => void): AppendWatch {
  return keepWatching((broken) => {
    const client = new Client({ connectionString: url });
    client.on('notification', onAppend);
    client.on('error', broken); // e.g. the server restarted; without a listener it would end the process
    client.on('end', broken);
    client
      .connect()
      .then(() => client.query(`LISTEN ${REP_EVENTS_CHANNEL}`))
      .catch(broken);
    return () => void client.end().catch(() => undefined);
  }, onAppend);
}

function watchWriteAheadLog(file: string, onAppend: () => void): AppendWatch {
  return keepWatching((broken) => {
    let watcher: FSWatcher;
    try {
      // The log exists while any connection has the database open, as this process does; a checkpoint rewinds it
      // in place. `rename` means it was replaced or removed, so the watch would see nothing more.
      watcher = watch(`${file}-wal`, { persistent: false }, (eventType) =>
        eventType === 'rename' ? broken() : onAppend(),
      );
    } catch {
      broken();
      return () => undefined;
    }
    watcher.on('error', broken);
    return () => watcher.close();
  }, onAppend);
}
