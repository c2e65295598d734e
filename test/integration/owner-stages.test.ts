// Owner stages in real routings: outbound sender/owner and Salesforce owner/account team, winning or skipped.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import { useTestService } from '../support/suite-service';

describe('owner stages', () => {
  const suite = useTestService();

  before(async () => {
    await putReps(suite.admin, ['owner', 'sender', 'ae', 'sdr', 'desk']);
    const bot = await suite.admin.put('/v1/users/bot', { name: 'Bot', email: 'bot@example.test', chatUser: false });
    assert.equal(bot.status, 201);
    const salesforce = await suite.admin.put('/v1/integrations/salesforce', {
      contacts: [
        { id: 'c1', email: 'known@client.test', ownerEmail: 'OWNER@example.test' },
        { id: 'c2', email: 'orphan@client.test', ownerEmail: 'gone@example.test' },
        { id: 'c3', email: 'botty@client.test', ownerEmail: 'bot@example.test' },
      ],
      accounts: [{ id: 'a1', name: 'Globex Corporation', domains: ['globex.test'], ownerEmail: 'owner@example.test' }],
      accountTeamMembers: [
        { accountId: 'a1', userEmail: 'ae@example.test', role: 'AE' },
        { accountId: 'a1', userEmail: 'sdr@example.test', role: 'SDR' },
      ],
    });
    assert.equal(salesforce.status, 200, JSON.stringify(salesforce.body));
    const outreach = await suite.admin.put('/v1/integrations/outreach', {
      prospects: [
        { email: 'prospect@lead.test', ownerEmail: 'owner@example.test', lastSenderEmail: 'sender@example.test' },
      ],
    });
    assert.equal(outreach.status, 200, JSON.stringify(outreach.body));
    const rule = (country: string, extra: Record<string, unknown>) =>
      createRule(suite.admin, {
        name: country,
        criteria: { all: [{ field: 'country', op: 'equals', value: country }] },
        routeTo: { users: ['desk'] },
        offerTimeoutSeconds: 60,
        ...extra,
      });
    await rule('sf-owner', { salesforce: { enabled: true, target: 'owner' } });
    await rule('sf-team', { salesforce: { enabled: true, target: 'account_team', teamRoles: ['ae'] } });
    await rule('outbound', { outbound: { enabled: true, routeTo: 'sender' } });
  });

  async function route(visitor: Record<string, unknown>) {
    const routingId = uniqueRoutingId('owner');
    await suite.admin.post('/v1/routings', {
      routingId,
      type: 'inbound',
      visitor: { id: `v-${routingId}`, ...visitor },
    });
    return routingId;
  }

  async function acceptAndRead(routingId: string, repId: string) {
    await offerFor(suite.admin, repId, routingId);
    assert.equal((await suite.admin.accept(routingId, repId)).status, 200);
    return (await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body;
  }

  test('the Salesforce contact owner is offered first, matched by email case-insensitively', async () => {
    const state = await acceptAndRead(await route({ country: 'sf-owner', email: 'Known@Client.test' }), 'owner');
    assert.equal(state.status, 'connected');
    assert.deepEqual(state.stages[0], {
      name: 'salesforce',
      startedAt: state.stages[0].startedAt,
      candidates: [{ userId: 'owner', eligible: true }],
      identifiedBy: 'contact_email',
    });
  });

  test('an owner who is no user, or no chat user, is left out and the next stage is offered', async () => {
    const orphan = await acceptAndRead(await route({ country: 'sf-owner', email: 'orphan@client.test' }), 'desk');
    assert.deepEqual(orphan.stages[0].candidates, [
      { userId: 'gone@example.test', email: 'gone@example.test', eligible: false, reason: 'unknown_user' },
    ]);
    assert.equal(orphan.stages[0].skipped, 'nobody_eligible');
    assert.equal(orphan.offers[0].stage, 'route_to');

    const botOwned = await acceptAndRead(await route({ country: 'sf-owner', email: 'botty@client.test' }), 'desk');
    assert.deepEqual(botOwned.stages[0].candidates, [{ userId: 'bot', eligible: false, reason: 'not_chat_user' }]);
  });

  test('the account team, found by the visitor’s email domain, filtered by role', async () => {
    const state = await acceptAndRead(await route({ country: 'sf-team', email: 'cto@globex.test' }), 'ae');
    assert.equal(state.stages[0].identifiedBy, 'account_domain');
    assert.deepEqual(state.stages[0].candidates, [{ userId: 'ae', eligible: true }]);
  });

  test('an outbound click-through routes to the prospect’s last sender; other visitors skip the stage', async () => {
    const clicked = await acceptAndRead(
      await route({ country: 'outbound', outbound: { provider: 'outreach', prospectEmail: 'prospect@lead.test' } }),
      'sender',
    );
    assert.equal(clicked.stages[0].name, 'outbound');
    assert.equal(clicked.stages[0].identifiedBy, 'prospect');

    const direct = await acceptAndRead(await route({ country: 'outbound' }), 'desk');
    assert.deepEqual(
      direct.stages.map((stage: { name: string }) => stage.name),
      ['route_to'],
    );
  });
});
