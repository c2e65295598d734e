// What the bench's service processes tell the bench over their IPC channel.

export interface ReadyMessage {
  type: 'ready';
  /** The API's listening port. */
  port?: number;
  /** The worker's workflow cache size: bounds how many open routings it keeps in memory. */
  maxCachedWorkflows?: number;
}

export interface StatsMessage {
  type: 'stats';
  memory: NodeJS.MemoryUsage;
}

export type ChildMessage = ReadyMessage | StatsMessage;

/** Sent by the bench: answer with a StatsMessage. */
export interface StatsRequest {
  type: 'stats';
}

export function sendToParent(message: ChildMessage): void {
  process.send?.(message);
}

/** Answers the bench's stats requests; shared by both service processes. */
export function answerStatsRequests(): void {
  process.on('message', (message: StatsRequest) => {
    if (message?.type === 'stats') sendToParent({ type: 'stats', memory: process.memoryUsage() });
  });
}

/**
 * Exits on SIGTERM, SIGINT, or the bench going away (its IPC channel closing). Installed first thing, so a process
 * still starting never lingers; once the service is up, `stopWith` makes exiting stop it in order first (which also
 * lets a --cpu-prof profile be written).
 */
export function exitOnSignal(): { stopWith(stop: () => Promise<void>): void } {
  let stop: (() => Promise<void>) | undefined;
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    (stop ?? (async () => undefined))().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('disconnect', onSignal);
  return {
    stopWith(given) {
      stop = given;
    },
  };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this process is started by bench/run.ts`);
  return value;
}
