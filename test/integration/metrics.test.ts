// GET /metrics: Prometheus figures move as routings run.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('metrics', () => {
  const suite = useTestService();
  let ruleId: string;

  before(async () => {
    await putReps(suite.admin, ['mo', 'ned']);
    await putReps(suite.admin, ['ola'], 'away');
    ruleId = (
      await createRule(suite.admin, { name: 'all', routeTo: { users: ['mo', 'ned'] }, offerTimeoutSeconds: 60 })
    ).id;
  });

  /** The value of one sample line, e.g. `routing_offers_total{result="made"}`. */
  const sample = (text: string, line: string) => {
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found === undefined ? 0 : Number(found.slice(line.length + 1));
  };

  test('outcomes by rule, offers by result, eager starts, latency histograms and presence are exported', async () => {
    const connected = `routing_outcomes_total{outcome="connected",rule="${ruleId}"}`;
    const start = await (await fetch(`${suite.service.baseUrl}/metrics`)).text();

    const routingId = uniqueRoutingId('metrics');
    await suite.admin.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v' } });
    await offerFor(suite.admin, 'mo', routingId);
    assert.equal((await suite.admin.accept(routingId, 'mo')).status, 200);
    await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`);

    const response = await fetch(`${suite.service.baseUrl}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    // Counters are process-wide and other test files share this process only through their own services,
    // so compare against the figures read before this routing.
    assert.equal(sample(text, connected) - sample(start, connected), 1);
    assert.equal(
      sample(text, 'routing_offers_total{result="made"}') - sample(start, 'routing_offers_total{result="made"}'),
      2,
    );
    assert.equal(
      sample(text, 'routing_offers_total{result="accepted"}') -
        sample(start, 'routing_offers_total{result="accepted"}'),
      1,
    );
    assert.equal(
      sample(text, 'routing_offers_total{result="withdrawn"}') -
        sample(start, 'routing_offers_total{result="withdrawn"}'),
      1,
    );
    // Its first workflow task went straight to this process's worker, in the start's response.
    const eager = 'routing_workflow_starts_total{dispatch="eager"}';
    const queued = 'routing_workflow_starts_total{dispatch="queued"}';
    assert.equal(sample(text, eager) - sample(start, eager), 1);
    assert.equal(sample(text, queued) - sample(start, queued), 0);
    assert.ok(sample(text, 'routing_time_to_first_offer_seconds_count') >= 1);
    assert.ok(sample(text, 'routing_time_to_accept_seconds_count') >= 1);
    assert.equal(sample(text, 'routing_reps{status="available"}'), 2);
    assert.equal(sample(text, 'routing_reps{status="away"}'), 1);
    assert.ok(sample(text, 'process_resident_memory_bytes') > 0);
  });
});
