// Prometheus metrics for routing: outcomes by rule, offers by result, speed to lead, and reps by presence.
// Counters follow what each database write really changed, so a retried or repeated write counts nothing twice;
// the process that made the change counts it (the worker, or the API for an outcome it wrote first).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../store/database';
import type { AppliedRoutingChange } from '../store/projection';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const routingOutcomes = new Counter({
  name: 'routing_outcomes_total',
  help: 'Routings that reached an outcome, by outcome and matched rule id',
  labelNames: ['outcome', 'rule'] as const,
  registers: [registry],
});

export const offers = new Counter({
  name: 'routing_offers_total',
  help: 'Offers made (result="made") and ended, by result',
  labelNames: ['result'] as const,
  registers: [registry],
});

export const routingStarts = new Counter({
  name: 'routing_workflow_starts_total',
  help:
    'Routing starts sent by this API process, by how the first workflow task reached a worker: "eager" (handed to ' +
    'this process\'s own worker in the start\'s response) or "queued" (through the task queue). A repeated trigger ' +
    'of a running routing starts nothing and counts as queued',
  labelNames: ['dispatch'] as const,
  registers: [registry],
});

export const longPollsOpen = new Gauge({
  name: 'routing_long_polls_open',
  help:
    'Temporal calls held open by this API process for `waitSeconds` long polls; each counts until the SDK call has ' +
    'settled (the routing ended, the wait timed out, or the client went away), so a wait left running shows here',
  registers: [registry],
});

export const repEventStreamsOpen = new Gauge({
  name: 'routing_rep_event_streams_open',
  help: "Reps' event streams (GET /v1/reps/:id/events) open in this API process",
  registers: [registry],
});

export const timeToFirstOffer = new Histogram({
  name: 'routing_time_to_first_offer_seconds',
  help: 'From the routing starting to its first offer',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const timeToAccept = new Histogram({
  name: 'routing_time_to_accept_seconds',
  help: 'From the first offer to the accept, for connected routings',
  buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
  registers: [registry],
});

/** Reps by presence, read from the database at scrape time so every API process reports the same truth. */
export function registerPresenceGauge(db: Db): void {
  if (registry.getSingleMetric('routing_reps')) registry.removeSingleMetric('routing_reps');
  new Gauge({
    name: 'routing_reps',
    help: 'Chat users by presence status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('users')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .where('chat_user', '=', 1)
        .groupBy('status')
        .execute();
      this.reset();
      for (const status of ['available', 'away', 'offline']) {
        this.set({ status }, Number(rows.find((row) => row.status === status)?.count ?? 0));
      }
    },
  });
}

/** Records what one projection write changed about a routing's progress. */
export function observeRoutingChange(applied: AppliedRoutingChange): void {
  if (applied.offersMade > 0) offers.inc({ result: 'made' }, applied.offersMade);
  for (const result of applied.offersClosed) offers.inc({ result });
  const routing = applied.finished;
  if (!routing) return;
  routingOutcomes.inc({ outcome: routing.status, rule: routing.ruleId ?? 'none' });
  if (routing.firstOfferAt) {
    timeToFirstOffer.observe((Date.parse(routing.firstOfferAt) - Date.parse(routing.startedAt)) / 1000);
    if (routing.status === 'connected' && routing.endedAt) {
      timeToAccept.observe((Date.parse(routing.endedAt) - Date.parse(routing.firstOfferAt)) / 1000);
    }
  }
}
