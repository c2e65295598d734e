// Workflows that probe the SDK's sandbox settings (workflow-deadlock.test.ts), not routing.

/** Returns at once: runs only if the worker could set up its sandbox with the timeout it was given. */
export async function answersAtOnce(): Promise<string> {
  return 'answered';
}

/** Never yields: only the deadlock detection can end its activation. */
export async function spinsForever(): Promise<never> {
  for (;;) {
    // Deliberately empty: a synchronous loop no await ever interrupts.
  }
}
