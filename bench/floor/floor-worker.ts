// The floor workflows' worker, run inside the bench process on its own task queue of the bench's Temporal server.
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { MarkBoard } from './marks';

export const floorTaskQueue = 'bench-floor';

const quiet = () => undefined;

/** Bundles bench/workflows/floor.ts; webpack's chatter is dropped, its errors still fail the bundle. */
export function bundleFloorWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/floor'),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
}

export interface FloorWorker {
  marks: MarkBoard;
  /** A client on the floor worker's own connection: its starts can be eager, handed straight to this worker. */
  localClient: Client;
  stop(): Promise<void>;
}

export async function startFloorWorker(address: string, workflowBundle: WorkflowBundle): Promise<FloorWorker> {
  const connection = await NativeConnection.connect({ address });
  const marks = new MarkBoard();
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue: floorTaskQueue,
    activities: marks.activities,
    workflowBundle,
  });
  const running = worker.run();
  return {
    marks,
    localClient: new Client({ connection, namespace: 'default' }),
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
