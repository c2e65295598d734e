// An API process for scale-out: serves HTTP against a Temporal cluster and the shared database. Start as many as
// the load needs behind a load balancer; any of them can serve any rep's event stream.
import { startProcess } from '../runtime/process';
import { startApi } from './start-api';

async function main() {
  const { config, logger, lifecycle, target, db } = await startProcess('api');
  // Routings are started as soon as Temporal takes them; workers pick them up when they poll.
  const api = await startApi({ config, target, db, logger, lifecycle, isReady: () => true });
  logger.info({ url: api.url, temporal: target.connection.address }, 'api ready');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
