// What every figure's measurement gets: the configuration, the running service, its reps, and the floor worker.
import type { BenchConfig } from './config';
import type { JsonHttp } from './driver/http';
import type { BenchReps } from './driver/scenarios';
import type { FloorWorker } from './floor/floor-worker';
import type { BenchService } from './service/start-service';

export interface BenchContext {
  config: BenchConfig;
  service: BenchService;
  http: JsonHttp;
  reps: BenchReps;
  floor: FloorWorker;
  /** Prints progress to stderr, so stdout carries only the table. */
  log: (message: string) => void;
}
