// Ctrl-C (or SIGTERM) stops the bench's service processes and its dev server before exiting, instead of leaving
// them running. The Temporal SDK's own signal handling is turned off in the bench process for this.

const stops = new Set<() => Promise<void>>();

/** Runs `stop` if the bench is interrupted; returns the function that unregisters it. */
export function stopOnInterrupt(stop: () => Promise<void>): () => void {
  stops.add(stop);
  return () => stops.delete(stop);
}

export function exitOnInterrupt(log: (message: string) => void): void {
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the service`);
    void Promise.allSettled([...stops].map((stop) => stop())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
