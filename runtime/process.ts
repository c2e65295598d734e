// What every scale-out process sets up first: configuration, logger, SDK runtime, signal handling, the Temporal
// target from the environment, and the database (closed last on shutdown).
import pino from 'pino';
import { type Config, loadConfig } from '../config';
import { type Db, openDatabase } from '../store/database';
import { Lifecycle } from './lifecycle';
import { installSdkRuntime, type TemporalTarget, temporalTargetFromEnvironment } from './temporal';

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
  installSdkRuntime(logger, config.SDK_METRICS_ADDRESS);
  const lifecycle = new Lifecycle(logger);
  lifecycle.stopOnSignals();
  lifecycle.logFatalErrors();
  const target = temporalTargetFromEnvironment(config.TEMPORAL_NAMESPACE);
  const db = await openDatabase(config.database);
  lifecycle.onStop('database', () => db.destroy());
  return { config, logger, lifecycle, target, db };
}
