// What every figure's measurement gets: the configuration, the running service, its reps, and the floor service.
import type { BenchConfig } from './config';
import type { JsonHttp } from './driver/http';
import type { BenchReps } from './driver/scenarios';
import type { Floor } from './floor/floor-process';
import type { BenchService } from './service/start-service';

export interface BenchContext {
  config: BenchConfig;
  service: BenchService;
  http: JsonHttp;
  reps: BenchReps;
  /** The floor service, laid out as the service's API and worker are (its starts queued, not eager). */
  floor: Floor;
  /** Prints progress to stderr, so stdout carries only the table. */
  log: (message: string) => void;
}
