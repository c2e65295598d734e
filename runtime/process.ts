// What every scale-out process sets up first: configuration, logger, signal handling, the Temporal target from the
// environment, and the database (closed last on shutdown). A worker process installs the SDK runtime itself
// (sdk-runtime.ts), so an API process does not load the worker SDK.
import pino from 'pino';
import { type Config, loadConfig } from '../config';
import { type Db, openDatabase } from '../store/database';
import { Lifecycle } from './lifecycle';
import { type TemporalTarget, temporalTargetFromEnvironment } from './temporal';

export interface ProcessBase {
  config: Config;
  logger: pino.Logger;
  lifecycle: Lifecycle;
  target: TemporalTarget;
  db: Db;
}

export async function startProcess(role: 'api' | 'worker'): Promise<ProcessBase> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL }).child({ process: role });
  const lifecycle = new Lifecycle(logger);
  lifecycle.stopOnSignals();
  lifecycle.logFatalErrors();
  const target = temporalTargetFromEnvironment(config.TEMPORAL_NAMESPACE);
  const db = await openDatabase(config.database);
  lifecycle.onStop('database', () => db.destroy());
  return { config, logger, lifecycle, target, db };
}
