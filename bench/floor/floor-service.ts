// The bench's floor: the least service of a routing's shape on the same stack, in its own process. An Express app
// whose POST /v1/routings starts a workflow that makes its offer in one local activity and waits for one accept
// update, taken over HTTP; reps poll GET /v1/reps/:id/offers. The same driver runs it as the service (no
// authentication, any rep sees every offer). Its worker and client connect as the service's do: the client on its
// own connection, or with FLOOR_EAGER=1 on the worker's, starting workflows eagerly as the all-in-one process does.
import { Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import express from 'express';
import { loadConfig } from '../../config';
import { dataConverter } from '../../runtime/payload-compression';
import { connectWorker } from '../../runtime/sdk-runtime';
import { connectClient } from '../../runtime/temporal';
import { workflowIsolateOptions } from '../../worker/workflow-isolate';
import { floorAcceptUpdate, floorRouting } from '../workflows/floor';

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') }); // its bundling and state changes would crowd the bench's log
  const target = { connection: { address: process.env.TEMPORAL_ADDRESS as string }, namespace: 'default' };
  const taskQueue = process.env.TASK_QUEUE ?? 'bench-floor';
  const eager = process.env.FLOOR_EAGER === '1';
  const workerConnection = await connectWorker(target);
  const offers = new Set<string>();
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: target.namespace,
    taskQueue,
    workflowsPath: require.resolve('../workflows/floor'),
    activities: { offer: async (routingId: string) => void offers.add(routingId) },
    dataConverter,
    // The service's own setting and default, so both pay the same per call into the workflow sandbox.
    ...workflowIsolateOptions(loadConfig(process.env).WORKER_DEADLOCK_TIMEOUT_SECONDS),
  });
  const client = eager
    ? new Client({ connection: workerConnection, namespace: target.namespace, dataConverter })
    : (await connectClient(target)).client;

  const app = express();
  app.use(express.json());
  app.get('/readyz', (_req, res) => void res.status(worker.getState() === 'RUNNING' ? 200 : 503).json({}));
  app.post('/v1/routings', async (req, res) => {
    const { routingId } = req.body as { routingId: string };
    await client.workflow.start(floorRouting, {
      taskQueue,
      workflowId: routingId,
      args: [routingId],
      requestEagerStart: eager,
    });
    res.status(202).json({ routingId, status: 'routing' });
  });
  app.get('/v1/reps/:repId/offers', (_req, res) => {
    res.json({ offers: [...offers].map((routingId) => ({ routingId })) });
  });
  app.post('/v1/routings/:routingId/accept', async (req, res) => {
    const { routingId } = req.params;
    const { repId } = req.body as { repId: string };
    try {
      const handle = client.workflow.getHandle(routingId);
      const answer = await handle.executeUpdate(floorAcceptUpdate, { args: [{ repId }], updateId: `accept:${repId}` });
      offers.delete(routingId);
      res.json(answer);
    } catch (error) {
      // Refused by the validator, or the routing closed already (its winner accepted first).
      if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
      res.status(409).json({ error: { code: 'already_assigned' } });
    }
  });

  const running = worker.run();
  const server = app.listen(Number(process.env.PORT));
  process.once('SIGTERM', () => {
    server.close();
    worker.shutdown();
    void running.then(() => process.exit(0));
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
