// How the SDK runs workflow code in its V8 sandbox. Its deadlock detection (`isolateExecutionTimeout`) makes Node start
// and join a watchdog thread for every call into the sandbox, several per workflow task: about 0.1 ms of CPU each on
// an idle core, far more once the cores are busy, where it cost the worker a third of its CPU per routing and tripled
// the trigger-to-offer p99 (README, "Round robin and where a routing's CPU goes"). The SDK only accepts a positive
// timeout, so patches/@temporalio+worker+1.24.0.patch (applied by patch-package at install) lets 0 mean none.

/** Worker options for a deadlock timeout in seconds; 0 turns detection off. */
export function workflowIsolateOptions(deadlockTimeoutSeconds: number): { isolateExecutionTimeout: number } {
  return { isolateExecutionTimeout: deadlockTimeoutSeconds * 1000 };
}
