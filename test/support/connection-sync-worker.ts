// A worker process running connection syncs, for the SIGKILL test of test/integration/salesforce-sync.test.ts:
// the project's worker (createRoutingWorker) with the sync activities, on TASK_QUEUE, its connection secrets
// opened with CONNECTIONS_ENCRYPTION_KEY and its calls out allowed by OUTBOUND_ALLOWED_HOSTS.
import { ConnectionSessions } from '../../connectors/sessions';
import { guardedDispatcher } from '../../outbound/guarded-dispatcher';
import { startProcess } from '../../runtime/process';
import { connectWorker } from '../../runtime/sdk-runtime';
import { parseEncryptionKey, SecretBox } from '../../store/secret-box';
import { createRoutingWorker } from '../../worker/create-worker';

async function main() {
  const { config, target, db, logger } = await startProcess('worker');
  const secrets = new SecretBox(parseEncryptionKey(process.env.CONNECTIONS_ENCRYPTION_KEY as string));
  const sessions = new ConnectionSessions({ db, secrets, outbound: config.outboundPolicy });
  const worker = await createRoutingWorker({
    connection: await connectWorker(target),
    namespace: target.namespace,
    taskQueue: config.TASK_QUEUE,
    db,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string },
    logger,
    connectionSync: { sessions, dispatcher: guardedDispatcher(config.outboundPolicy) },
  });
  await worker.run();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
