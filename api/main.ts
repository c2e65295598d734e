// An API process for scale-out: serves HTTP against a Temporal cluster and the shared database. Start as many as
// the load needs behind a load balancer; any of them can serve any rep's event stream.
import pino from 'pino';
import { loadConfig } from '../config';
import { Lifecycle } from '../runtime/lifecycle';
import { installSdkRuntime, temporalTargetFromEnvironment } from '../runtime/temporal';
import { openDatabase } from '../store/database';
import { startApi } from './start-api';

async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL }).child({ process: 'api' });
  installSdkRuntime(logger, config.SDK_METRICS_ADDRESS);
  const lifecycle = new Lifecycle(logger);
  lifecycle.stopOnSignals();
  const target = temporalTargetFromEnvironment(config.TEMPORAL_NAMESPACE);
  const db = await openDatabase(config.database);
  lifecycle.onStop('database', () => db.destroy());
  // Routings are started as soon as Temporal takes them; workers pick them up when they poll.
  const api = await startApi({ config, target, db, logger, lifecycle, isReady: () => true });
  logger.info({ url: api.url, temporal: target.connection.address }, 'api ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
