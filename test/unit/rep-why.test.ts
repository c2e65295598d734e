// Why a routing offered a rep its visitor, or why not (domain/rep-why.ts), from the routing's recorded state.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { repRoutingView, whyForRep } from '../../domain/rep-why';
import type { Candidate, RoutingState } from '../../domain/routing';

const at = '2030-01-01T00:00:00.000Z';
const later = '2030-01-01T00:01:00.000Z';

function routing(overrides: Partial<RoutingState> = {}): RoutingState {
  return {
    routingId: 'r1',
    type: 'inbound',
    visitor: {
      id: 'v1',
      name: 'Jo',
      email: 'jo@bigco.test',
      outbound: { provider: 'outreach', senderEmail: 'zed@acme.test' },
    },
    status: 'routing',
    startedAt: at,
    endedAt: null,
    rule: { id: 'big', name: 'Big companies' },
    ruleSetVersion: 3,
    stages: [],
    offers: [],
    repId: null,
    meetingBooker: null,
    trace: [],
    ...overrides,
  };
}

const stage = (name: string, candidates: Candidate[]) => ({ name, startedAt: at, candidates });

describe('whyForRep', () => {
  test('an offered rep gets their latest offer, whatever the stages say of them later', () => {
    const state = routing({
      stages: [
        stage('route_to', [{ userId: 'ann', eligible: true }]),
        stage('fallback_1', [{ userId: 'ann', eligible: false, reason: 'already_tried' }]),
      ],
      offers: [
        {
          repId: 'ann',
          stage: 'route_to',
          decidedBy: 'first_available',
          offeredAt: at,
          expiresAt: later,
          endedAt: later,
          result: 'timed_out',
        },
      ],
    });
    assert.deepEqual(whyForRep(state, 'ann'), {
      code: 'offered',
      stage: 'route_to',
      offer: { result: 'timed_out', offeredAt: at, expiresAt: later, endedAt: later },
    });
  });

  test('a rep not offered gets the reason the last stage naming them recorded, even one this code does not know', () => {
    const state = routing({
      stages: [
        stage('route_to', [{ userId: 'bob', eligible: false, reason: 'away' }]),
        stage('fallback_1', [{ userId: 'bob', eligible: false, reason: 'outside_hours' as Candidate['reason'] }]),
        stage('fallback_2', [{ userId: 'cy', eligible: true }]),
      ],
    });
    assert.deepEqual(whyForRep(state, 'bob'), { code: 'outside_hours', stage: 'fallback_1' });
  });

  test('eligible but never offered; named by no stage; no rule at all', () => {
    const state = routing({ stages: [stage('route_to', [{ userId: 'cy', eligible: true }])] });
    assert.deepEqual(whyForRep(state, 'cy'), { code: 'eligible_not_offered', stage: 'route_to' });
    assert.deepEqual(whyForRep(state, 'dee'), { code: 'not_named' });
    assert.deepEqual(whyForRep(routing({ rule: null, status: 'no_match' }), 'dee'), { code: 'no_rule_matched' });
  });
});

describe('repRoutingView', () => {
  test('shows the visitor by name, email and company only: the rest may name other reps', () => {
    const view = repRoutingView(routing({ status: 'connected', repId: 'zed' }), 'ann');
    assert.deepEqual(view.visitor, { id: 'v1', name: 'Jo', email: 'jo@bigco.test' });
    assert.ok(!JSON.stringify(view).includes('zed'));
  });
});
