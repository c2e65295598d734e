// Everything one bench run measured, as the figures returned it.
import type { AcceptRaceResult, ModerateAcceptResult } from '../figures/accept-race';
import type { OutcomeCost } from '../figures/cost-per-routing';
import type { FairnessResult } from '../figures/fairness';
import type { MemoryResult } from '../figures/memory';
import type { MatchingCase } from '../figures/rule-matching';
import type { ThroughputResult } from '../figures/throughput';
import type { TrafficResult } from '../figures/traffic';
import type { LightLatency, ModerateLatency } from '../figures/trigger-to-offer';

export interface BenchResults {
  lightLoad?: LightLatency;
  /** Through the all-in-one process `npm start` runs (eager starts), next to a floor whose starts are eager too. */
  lightLoadAllInOne?: LightLatency;
  moderateLoad?: ModerateLatency;
  accept?: AcceptRaceResult;
  /** The same races arriving at the moderate load's rate. */
  acceptModerate?: ModerateAcceptResult;
  cost?: OutcomeCost[];
  throughput?: ThroughputResult;
  matching?: MatchingCase[];
  fairness?: FairnessResult;
  memory?: MemoryResult;
  /** The website traffic model: measured last, as its open pounce routings stay open. */
  traffic?: TrafficResult;
  /** What the service ran on, e.g. "dev server, SQLite" or "local cluster, PostgreSQL". */
  layout?: string;
  /** Phases that failed, with why: their rows are missing from the table. */
  errors: Record<string, string>;
  /** Wall time of each phase, seconds. */
  phaseSeconds: Record<string, number>;
}
