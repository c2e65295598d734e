// WORKER_DEADLOCK_TIMEOUT_SECONDS: 0 runs workflows without the SDK's per-call watchdog (the patched SDK accepts 0,
// which the released one refuses when it sets up the sandbox), and a positive value still fails a workflow task
// that never yields.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { workflowIsolateOptions } from '../../worker/workflow-isolate';
import type { answersAtOnce, spinsForever } from '../support/workflows/sandbox-probes';

const address = process.env.TEST_TEMPORAL_ADDRESS as string;

describe('workflow deadlock detection', () => {
  let connection: NativeConnection;
  let client: Client;

  before(async () => {
    connection = await NativeConnection.connect({ address });
    client = new Client({ connection, namespace: 'default' });
  });
  after(() => connection.close());

  /** Runs `body` with a worker on its own task queue whose deadlock timeout is `seconds`. */
  async function withWorker(seconds: number, body: (taskQueue: string) => Promise<void>): Promise<void> {
    const taskQueue = `deadlock-${randomUUID()}`;
    const worker = await Worker.create({
      connection,
      namespace: 'default',
      taskQueue,
      workflowsPath: require.resolve('../support/workflows/sandbox-probes'),
      ...workflowIsolateOptions(seconds),
    });
    await worker.runUntil(body(taskQueue));
  }

  test('off (0, the default): workflows run', async () => {
    await withWorker(0, async (taskQueue) => {
      const answer = await client.workflow.execute<typeof answersAtOnce>('answersAtOnce', {
        taskQueue,
        workflowId: `answers-${randomUUID()}`,
      });
      assert.equal(answer, 'answered');
    });
  });

  test('on: a workflow task that never yields fails as a deadlock, and the worker goes on', async () => {
    await withWorker(1, async (taskQueue) => {
      const handle = await client.workflow.start<typeof spinsForever>('spinsForever', {
        taskQueue,
        workflowId: `spins-${randomUUID()}`,
      });
      try {
        let failure: string | undefined;
        for (let tries = 0; tries < 100 && failure === undefined; tries++) {
          const { events } = await handle.fetchHistory();
          failure = events?.find((event) => event.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes
            ?.failure?.message as string | undefined;
          if (failure === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.match(failure ?? 'no failed workflow task', /timed out after 1000ms/);
        // The sandbox was freed: the same worker still runs other workflows.
        const answer = await client.workflow.execute<typeof answersAtOnce>('answersAtOnce', {
          taskQueue,
          workflowId: `answers-${randomUUID()}`,
        });
        assert.equal(answer, 'answered');
      } finally {
        await handle.terminate();
      }
    });
  });
});
