// A routing worker that dies (SIGKILL, no goodbye) right after a local activity has shown new offers of a routing
// whose id starts with DIE_AFTER_OFFER_PREFIX: the workflow task that made them never completes, so its retry on
// another worker must reconcile what reps were shown. Started by test/integration/faults.test.ts.
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { startProcess } from '../../runtime/process';
import { connectWorker } from '../../runtime/temporal';
import type { RoutingProjectionChange } from '../../store/projection';
import { createRoutingWorker } from '../../worker/create-worker';

const prefix = process.env.DIE_AFTER_OFFER_PREFIX as string;

async function main() {
  const { config, target, db, logger } = await startProcess('worker');
  const connection = await connectWorker(target);
  const worker = await createRoutingWorker({
    connection,
    namespace: target.namespace,
    taskQueue: config.TASK_QUEUE,
    db,
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE as string },
    logger,
    interceptors: {
      activity: [
        (context) => ({
          inbound: {
            async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
              const result = await next(input);
              const change = input.args[0] as Partial<RoutingProjectionChange>;
              const showsOffers = (change.created?.length ?? 0) > 0 && change.routingId?.startsWith(prefix);
              if (context.info.activityType === 'writeRoutingProjection' && showsOffers) {
                process.kill(process.pid, 'SIGKILL');
              }
              return result;
            },
          },
        }),
      ],
    },
  });
  await worker.run();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
