// Pure routing decisions: stage planning, eligibility and the outcome when nobody accepts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assessCandidate, type DirectoryView } from '../../domain/eligibility';
import { outcomeWithoutAccept } from '../../domain/outcome';
import { planStages } from '../../domain/stage-plan';
import { directoryEntry } from '../support/users';

const target = (partial: Partial<{ users: string[]; groups: string[]; allUsers: boolean }>) => ({
  users: [],
  groups: [],
  allUsers: false,
  ...partial,
});

describe('planStages', () => {
  const off = {
    outbound: { enabled: false, routeTo: 'both' as const },
    salesforce: { enabled: false, target: 'owner' as const },
  };
  const fromOutreach = { outbound: { provider: 'outreach' as const } };

  test('routeTo first, then each fallback in order, named for traces and offers', () => {
    const stages = planStages(
      { ...off, routeTo: target({ users: ['a'] }), fallbacks: [target({ groups: ['g'] }), target({ allUsers: true })] },
      {},
    );
    assert.deepEqual(
      stages.map((stage) => stage.name),
      ['route_to', 'fallback_1', 'fallback_2'],
    );
  });

  test('owner stages come first: outbound (only for outbound visitors), then Salesforce', () => {
    const rule = {
      outbound: { enabled: true, routeTo: 'sender' as const },
      salesforce: { enabled: true, target: 'account_team' as const, teamRoles: ['AE'] },
      routeTo: target({ users: ['a'] }),
      fallbacks: [],
    };
    assert.deepEqual(planStages(rule, fromOutreach), [
      { name: 'outbound', source: { kind: 'outbound', routeTo: 'sender' } },
      { name: 'salesforce', source: { kind: 'salesforce', target: 'account_team', teamRoles: ['AE'] } },
      { name: 'route_to', source: { kind: 'users', target: target({ users: ['a'] }) } },
    ]);
    assert.deepEqual(
      planStages(rule, {}).map((stage) => stage.name),
      ['salesforce', 'route_to'],
    );
  });

  test('targets naming nobody are left out, keeping fallback numbering', () => {
    const stages = planStages({ ...off, routeTo: target({}), fallbacks: [target({}), target({ users: ['b'] })] }, {});
    assert.deepEqual(
      stages.map((stage) => stage.name),
      ['fallback_2'],
    );
  });
});

describe('assessCandidate', () => {
  const user = directoryEntry;
  const directory: DirectoryView = {
    users: new Map([
      user('ok'),
      user('bot', { chatUser: false }),
      user('away', { status: 'away' }),
      user('off', { status: 'offline' }),
      user('full', { capacity: 2 }),
      user('roomy', { capacity: 3 }),
      user('tried'),
    ]),
    activeConversations: new Map([
      ['full', 2],
      ['roomy', 2],
    ]),
    workingHours: new Map(),
    acceptedToday: new Map(),
    at: '2026-12-03T12:00:00.000Z',
  };
  const tried = new Set(['tried']);

  for (const [id, reason] of [
    ['ok', undefined],
    ['ghost', 'unknown_user'],
    ['bot', 'not_chat_user'],
    ['away', 'away'],
    ['off', 'offline'],
    ['full', 'at_capacity'],
    ['roomy', undefined],
    ['tried', 'already_tried'],
  ] as const) {
    test(`${id}: ${reason ?? 'eligible'}`, () => {
      const candidate = assessCandidate(id, directory, tried);
      assert.deepEqual(candidate, reason ? { userId: id, eligible: false, reason } : { userId: id, eligible: true });
    });
  }
});

describe('outcomeWithoutAccept', () => {
  const base = {
    type: 'inbound' as const,
    meetingBookerEnabled: true,
    firstStageUserIds: ['a', 'b'],
    anyOfferMade: true,
  };
  test('inbound with the booker on: meeting_booker with the first stage people', () => {
    assert.deepEqual(outcomeWithoutAccept(base), { outcome: 'meeting_booker', meetingBookerUserIds: ['a', 'b'] });
  });
  test('inbound with the booker off, or nobody to book with: no_rep', () => {
    assert.deepEqual(outcomeWithoutAccept({ ...base, meetingBookerEnabled: false }), { outcome: 'no_rep' });
    assert.deepEqual(outcomeWithoutAccept({ ...base, firstStageUserIds: [] }), { outcome: 'no_rep' });
  });
  test('pounce never books: expired after offers, no_rep when nobody could be offered', () => {
    assert.deepEqual(outcomeWithoutAccept({ ...base, type: 'pounce' }), { outcome: 'expired' });
    assert.deepEqual(outcomeWithoutAccept({ ...base, type: 'pounce', anyOfferMade: false }), { outcome: 'no_rep' });
  });
});
