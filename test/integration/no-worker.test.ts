// A routing whose workers are all gone cannot be asked its state: the query waits for a worker until its bound. That
// is an outage the client can wait out (503 with Retry-After), not a server bug.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { routingWorkflowType } from '../../workflows/messages';
import { uniqueRoutingId } from '../support/fixtures';
import { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

describe('no worker polling a routing', () => {
  let experience: HttpClient;
  let routingId: string;
  const suite = useTestService({
    cleanUp: async () => {
      await suite.service.env.client.workflow.getHandle(routingId).terminate();
    },
  });

  before(async () => {
    experience = new HttpClient(suite.service.baseUrl, suite.service.keys.experienceKey);
    // A routing on a task queue no worker has ever polled, as after every worker of a deployment stopped.
    routingId = uniqueRoutingId('no-worker');
    await suite.service.env.client.workflow.start(routingWorkflowType, {
      taskQueue: `nobody-polls-${randomUUID()}`,
      workflowId: routingId,
      args: [{ routingId, type: 'inbound', visitor: { id: 'v-no-worker' } }],
    });
  });

  test("reading the routing's state answers 503 with Retry-After once its bound is over, never 500", async () => {
    // The query waits for a worker for the whole of its bound (10 s), then gives up: on the test service's client,
    // which shares the worker's native connection as the all-in-one process does, that ends as a cancelled call.
    const response = await experience.get(`/v1/routings/${routingId}`);
    assert.equal(response.status, 503, JSON.stringify(response.body));
    assert.equal(response.body.error.code, 'temporal_unavailable');
    assert.ok(Number(response.headers.get('retry-after')) > 0);
  });
});
