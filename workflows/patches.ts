// Ids of deliberate changes to the routing workflow, each guarded with `patched(id)` so routings started before the
// change replay their old path (README, "Changing the routing workflow safely").

/** An outcome an update decided is written by a regular activity, once the deciding workflow task is durable. */
export const DURABLE_OUTCOME_WRITE = 'durable-outcome-write';
