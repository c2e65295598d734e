// Counts a workflow history's events and estimates its Temporal Cloud billable actions, per the documented rules
// (docs.temporal.io/cloud/actions): one each for the workflow start, every timer started, search attribute upsert,
// signal received or sent, update accepted, activity scheduled or retried; two for a child workflow; and all local
// activities recorded by one workflow task (its markers) together as one. Refused updates and queries are billed
// too but leave nothing in the history: the caller counts those.
import type { History } from '@temporalio/common/lib/proto-utils';

export interface HistoryCost {
  events: number;
  actions: number;
  /** Actions by kind, for seeing what drives them. */
  breakdown: Record<string, number>;
}

type Event = NonNullable<History['events']>[number];

/** The kind of billable action an event is, with how many; undefined for events that are not billed. */
function billable(event: Event): [kind: string, count: number] | undefined {
  if (event.workflowExecutionStartedEventAttributes) return ['workflow started', 1];
  if (event.timerStartedEventAttributes) return ['timer started', 1];
  if (event.upsertWorkflowSearchAttributesEventAttributes) return ['search attributes upserted', 1];
  if (event.workflowExecutionSignaledEventAttributes) return ['signal received', 1];
  if (event.signalExternalWorkflowExecutionInitiatedEventAttributes) return ['signal sent', 1];
  if (event.workflowExecutionUpdateAcceptedEventAttributes) return ['update accepted', 1];
  if (event.activityTaskScheduledEventAttributes) return ['activity scheduled', 1];
  const attempt = event.activityTaskStartedEventAttributes?.attempt ?? 1;
  if (attempt > 1) return ['activity retried', 1];
  if (event.startChildWorkflowExecutionInitiatedEventAttributes) return ['child workflow', 2];
  if (event.workflowExecutionContinuedAsNewEventAttributes) return ['continued as new', 1];
  if (event.workflowExecutionOptionsUpdatedEventAttributes) return ['options updated', 1];
  return undefined;
}

export function historyCost(history: History): HistoryCost {
  const events = history.events ?? [];
  const breakdown: Record<string, number> = {};
  const add = (kind: string, count: number) => {
    breakdown[kind] = (breakdown[kind] ?? 0) + count;
  };
  const markerTasks = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker) markerTasks.add(String(marker.workflowTaskCompletedEventId));
    const kind = billable(event);
    if (kind) add(...kind);
  }
  if (markerTasks.size > 0) add('local activity batches (one per workflow task)', markerTasks.size);
  const actions = Object.values(breakdown).reduce((sum, count) => sum + count, 0);
  return { events: events.length, actions, breakdown };
}
