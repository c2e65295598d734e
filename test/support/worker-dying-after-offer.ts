// A routing worker that dies (SIGKILL, no goodbye) right after a local activity has shown new offers of a routing
// whose id starts with DIE_AFTER_OFFER_PREFIX: the workflow task that made them never completes, so its retry on
// another worker must reconcile what reps were shown. With WITH_API=1 it is the all-in-one process: it serves the
// API too, on the worker's connection, so the routings it starts hand their first task straight to it (eagerly).
// Started by test/integration/faults.test.ts.
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import type { RoutingStart } from '../../activities/routing';
import { startApi } from '../../api/start-api';
import { startProcess } from '../../runtime/process';
import { connectWorker } from '../../runtime/sdk-runtime';
import type { RoutingProjectionChange } from '../../store/projection';
import { createRoutingWorker } from '../../worker/create-worker';

const prefix = process.env.DIE_AFTER_OFFER_PREFIX as string;

async function main() {
  const { config, target, db, logger, lifecycle } = await startProcess('worker');
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
              const { routingId, created } = input.args[0] as Partial<RoutingProjectionChange>;
              if (!routingId?.startsWith(prefix)) return result;
              // Offers are shown by beginRouting (a first stage offered first available or in turn) or by
              // writeRoutingProjection.
              const shown =
                context.info.activityType === 'beginRouting'
                  ? ((result as RoutingStart).firstStage?.shown.length ?? 0)
                  : context.info.activityType === 'writeRoutingProjection'
                    ? (created?.length ?? 0)
                    : 0;
              if (shown > 0) process.kill(process.pid, 'SIGKILL');
              return result;
            },
          },
        }),
      ],
    },
  });
  const running = worker.run();
  // It serves no health endpoint: this line tells the test it polls (its JSON log lines never equal it).
  process.stdout.write('polling\n');
  if (process.env.WITH_API === '1') {
    await startApi({ config, target, db, logger, lifecycle, isReady: () => true, workerConnection: connection });
  }
  await running;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
