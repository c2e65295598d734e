// Integration syncs: bulk upserts over HTTP that store all of a request or none of it, and the owner lookups the
// routing stages make over what was synced.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createOwnerActivities } from '../../activities/owners';
import type { Prospect } from '../../domain/integrations';
import type { Visitor } from '../../domain/visitor';
import {
  accountsByDomain,
  accountTeam,
  contactsById,
  prospectByEmail,
  upsertProspects,
  upsertSalesforce,
} from '../../store/integrations';
import { useTestService } from '../support/suite-service';

type Table = 'outbound_prospects' | 'salesforce_contacts' | 'salesforce_accounts' | 'salesforce_account_team_members';

describe('integration syncs', () => {
  const suite = useTestService();

  const fields = (body: { error: { details?: { issues: { field: string }[] } } }) =>
    body.error.details?.issues.map((issue) => issue.field);

  const count = async (table: Table) => {
    const row = await suite.service.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  const prospects = (n: number, prefix: string): Prospect[] =>
    Array.from({ length: n }, (_, i) => ({
      email: `${prefix}-${i}@prospects.test`,
      ownerEmail: `owner-${i % 7}@us.test`,
      lastSenderEmail: `sender-${i % 3}@us.test`,
    }));

  test('salesforce records of every kind are upserted and counted', async () => {
    const response = await suite.admin.put('/v1/integrations/salesforce', {
      contacts: [
        { id: 'C-count-1', email: 'one@count.test', ownerEmail: 'ae@us.test', accountId: 'A-count' },
        { id: 'C-count-2', email: 'two@count.test', ownerEmail: 'ae@us.test' },
      ],
      leads: [{ id: 'L-count', email: 'lead@count.test', ownerEmail: 'sdr@us.test', company: 'Count Co' }],
      accounts: [{ id: 'A-count', name: 'Count Co', domains: ['count.test'], ownerEmail: 'am@us.test' }],
      accountTeamMembers: [
        { accountId: 'A-count', userEmail: 'ae@us.test', role: 'Account Executive' },
        { accountId: 'A-count', userEmail: 'se@us.test', role: 'Sales Engineer' },
      ],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { contacts: 2, leads: 1, accounts: 1, accountTeamMembers: 2 });

    const onlyAccounts = await suite.admin.put('/v1/integrations/salesforce', {
      accounts: [{ id: 'A-count-2', name: 'Other', domains: [], ownerEmail: 'am@us.test' }],
    });
    assert.deepEqual(onlyAccounts.body, { contacts: 0, leads: 0, accounts: 1, accountTeamMembers: 0 });
  });

  test('a salesforce upload removes the records it names, before its upserts', async () => {
    await suite.admin.put('/v1/integrations/salesforce', {
      contacts: [{ id: 'C-gone', email: 'gone@remove.test', ownerEmail: 'ae@us.test', accountId: 'A-gone' }],
      leads: [{ id: 'L-gone', email: 'lead@remove.test', ownerEmail: 'sdr@us.test' }],
      accounts: [{ id: 'A-gone', name: 'Gone Co', domains: ['remove.test'], ownerEmail: 'am@us.test' }],
      accountTeamMembers: [
        { accountId: 'A-gone', userEmail: 'ae@us.test', role: 'AE' },
        { accountId: 'A-gone', userEmail: 'se@us.test', role: 'SE' },
      ],
    });
    const response = await suite.admin.put('/v1/integrations/salesforce', {
      leads: [{ id: 'L-back', email: 'back@remove.test', ownerEmail: 'sdr@us.test' }],
      remove: {
        contactIds: ['C-gone', 'C-never-there'],
        leadIds: ['L-gone'],
        accountIds: ['A-gone'],
        accountTeamMembers: [{ accountId: 'A-gone', userEmail: 'SE@us.test' }],
      },
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.deepEqual(response.body, { contacts: 0, leads: 1, accounts: 0, accountTeamMembers: 0, removed: 4 });
    assert.deepEqual(await contactsById(suite.service.db, ['C-gone']), []);
    assert.deepEqual(await accountsByDomain(suite.service.db, ['remove.test']), []);
    assert.deepEqual(await accountTeam(suite.service.db, 'A-gone'), [
      { accountId: 'A-gone', userEmail: 'ae@us.test', role: 'AE' },
    ]);
    const refused = await suite.admin.put('/v1/integrations/salesforce', { remove: { opportunityIds: ['x'] } });
    assert.equal(refused.status, 400);
  });

  test('outreach and salesloft prospects are upserted separately, keyed by provider and email', async () => {
    const rows = prospects(3, 'both');
    const outreach = await suite.admin.put('/v1/integrations/outreach', { prospects: rows });
    assert.deepEqual([outreach.status, outreach.body], [200, { prospects: 3 }]);
    const salesloft = await suite.admin.put('/v1/integrations/salesloft', {
      prospects: [{ email: 'BOTH-0@Prospects.test', ownerEmail: 'sl-owner@us.test' }],
    });
    assert.deepEqual([salesloft.status, salesloft.body], [200, { prospects: 1 }]);
    assert.equal(
      (await prospectByEmail(suite.service.db, 'outreach', 'both-0@prospects.test'))?.ownerEmail,
      'owner-0@us.test',
    );
    assert.equal(
      (await prospectByEmail(suite.service.db, 'salesloft', 'both-0@prospects.test'))?.ownerEmail,
      'sl-owner@us.test',
    );
    assert.equal((await suite.admin.put('/v1/integrations/hubspot', { prospects: rows })).status, 404);
  });

  test('a re-upsert replaces the record: new owner, email keys compared case-insensitively', async () => {
    await suite.admin.put('/v1/integrations/outreach', {
      prospects: [{ email: 'Mover@Prospects.test', ownerEmail: 'old@us.test', lastSenderEmail: 'sender@us.test' }],
    });
    const again = await suite.admin.put('/v1/integrations/outreach', {
      prospects: [{ email: 'mover@prospects.test', ownerEmail: 'new@us.test' }],
    });
    assert.deepEqual(again.body, { prospects: 1 });
    assert.deepEqual(await prospectByEmail(suite.service.db, 'outreach', 'MOVER@prospects.test'), {
      email: 'mover@prospects.test',
      ownerEmail: 'new@us.test',
    });

    await suite.admin.put('/v1/integrations/salesforce', {
      contacts: [{ id: 'C-move', email: 'c@move.test', ownerEmail: 'old@us.test', accountId: 'A-move' }],
      accountTeamMembers: [
        { accountId: 'A-move', userEmail: 'first@us.test', role: 'AE' },
        { accountId: 'A-move', userEmail: 'second@us.test', role: 'SE' },
      ],
    });
    const updated = await suite.admin.put('/v1/integrations/salesforce', {
      contacts: [{ id: 'C-move', email: 'c@move.test', ownerEmail: 'new@us.test' }],
      accountTeamMembers: [{ accountId: 'A-move', userEmail: 'FIRST@us.test', role: 'CSM' }],
    });
    assert.deepEqual(updated.body, { contacts: 1, leads: 0, accounts: 0, accountTeamMembers: 1 });
    assert.deepEqual(await contactsById(suite.service.db, ['C-move']), [
      { id: 'C-move', email: 'c@move.test', ownerEmail: 'new@us.test' },
    ]);
    // The member's role is replaced and the team keeps its order.
    assert.deepEqual(await accountTeam(suite.service.db, 'A-move'), [
      { accountId: 'A-move', userEmail: 'FIRST@us.test', role: 'CSM' },
      { accountId: 'A-move', userEmail: 'second@us.test', role: 'SE' },
    ]);
  });

  test('10,000 prospects in one request are stored', async () => {
    const before = await count('outbound_prospects');
    const response = await suite.admin.put('/v1/integrations/salesloft', { prospects: prospects(10_000, 'bulk') });
    assert.deepEqual([response.status, response.body], [200, { prospects: 10_000 }]);
    assert.equal(await count('outbound_prospects'), before + 10_000);
    assert.equal(
      (await prospectByEmail(suite.service.db, 'salesloft', 'bulk-9999@prospects.test'))?.ownerEmail,
      'owner-3@us.test',
    );
  });

  test('one invalid row refuses the whole request, naming its path, and stores nothing', async () => {
    const before = await count('outbound_prospects');
    const rows: unknown[] = prospects(10_000, 'refused');
    rows[5000] = { email: 'not-an-email', ownerEmail: 'owner@us.test' };
    const response = await suite.admin.put('/v1/integrations/outreach', { prospects: rows });
    assert.equal(response.status, 400);
    assert.equal(response.body.error.code, 'invalid_request');
    assert.deepEqual(fields(response.body), ['prospects.5000.email']);
    assert.equal(await count('outbound_prospects'), before);
    assert.equal(await prospectByEmail(suite.service.db, 'outreach', 'refused-0@prospects.test'), undefined);
  });

  test('unknown fields, too many rows and missing arrays are refused with their path', async () => {
    const cases: [string, unknown, string][] = [
      ['outreach', { prospects: [{ email: 'a@b.test', ownerEmail: 'o@us.test', stage: 'x' }] }, 'prospects.0.stage'],
      ['outreach', {}, 'prospects'],
      ['outreach', { prospects: prospects(10_001, 'over') }, 'prospects'],
      ['salesforce', { contacts: [{ id: 'C', email: 'c@x.test' }] }, 'contacts.0.ownerEmail'],
      ['salesforce', { opportunities: [] }, 'opportunities'],
      [
        'salesforce',
        { accounts: [{ id: 'A', name: 'A', domains: 'a.test', ownerEmail: 'o@us.test' }] },
        'accounts.0.domains',
      ],
      [
        'salesforce',
        { accountTeamMembers: [{ accountId: 'A', userEmail: 'nope', role: 'AE' }] },
        'accountTeamMembers.0.userEmail',
      ],
    ];
    for (const [provider, body, field] of cases) {
      const response = await suite.admin.put(`/v1/integrations/${provider}`, body);
      assert.equal(response.status, 400, field);
      assert.ok((fields(response.body) ?? []).includes(field), `${field}: ${fields(response.body)}`);
    }
    assert.equal(await prospectByEmail(suite.service.db, 'outreach', 'a@b.test'), undefined);
  });

  test('a bulk upsert failing mid-transaction leaves nothing half-written', async () => {
    await upsertProspects(suite.service.db, 'outreach', {
      prospects: [{ email: 'steady@prospects.test', ownerEmail: 'steady-owner@us.test' }],
    });
    const before = await count('outbound_prospects');
    // Thousands of rows span many statements; the last row breaks a NOT NULL constraint after earlier chunks
    // (including an update of the steady prospect) have been written.
    const rows: Prospect[] = [
      { email: 'steady@prospects.test', ownerEmail: 'changed@us.test' },
      ...prospects(3000, 'torn'),
      { email: 'broken@prospects.test', ownerEmail: null as unknown as string },
    ];
    await assert.rejects(upsertProspects(suite.service.db, 'outreach', { prospects: rows }));
    assert.equal(await count('outbound_prospects'), before);
    assert.equal(
      (await prospectByEmail(suite.service.db, 'outreach', 'steady@prospects.test'))?.ownerEmail,
      'steady-owner@us.test',
    );
    assert.equal(await prospectByEmail(suite.service.db, 'outreach', 'torn-0@prospects.test'), undefined);

    // Across record kinds too: a broken team member undoes the contacts and accounts of the same request.
    const counts = await Promise.all([
      count('salesforce_contacts'),
      count('salesforce_accounts'),
      count('salesforce_account_team_members'),
    ]);
    await assert.rejects(
      upsertSalesforce(suite.service.db, {
        contacts: [{ id: 'C-torn', email: 'c@torn.test', ownerEmail: 'o@us.test' }],
        accounts: [{ id: 'A-torn', name: 'Torn', domains: ['torn.test'], ownerEmail: 'o@us.test' }],
        accountTeamMembers: [{ accountId: 'A-torn', userEmail: 'm@us.test', role: null as unknown as string }],
      }),
    );
    assert.deepEqual(
      await Promise.all([
        count('salesforce_contacts'),
        count('salesforce_accounts'),
        count('salesforce_account_team_members'),
      ]),
      counts,
    );
    assert.deepEqual(await contactsById(suite.service.db, ['C-torn']), []);
  });

  describe('owner lookups over synced records', () => {
    const owners = () => createOwnerActivities(suite.service.db);
    const salesforce = (visitor: Omit<Visitor, 'id'>, target: 'owner' | 'account_team' = 'owner', roles?: string[]) =>
      owners().salesforcePeople({
        rule: { target, ...(roles && { teamRoles: roles }) },
        visitor: { id: 'v', ...visitor },
      });

    before(async () => {
      const response = await suite.admin.put('/v1/integrations/salesforce', {
        contacts: [
          { id: 'C-own', email: 'Kim@Globex.test', ownerEmail: 'contact-owner@us.test', accountId: 'A-globex' },
          { id: 'C-loner', email: 'lone@elsewhere.test', ownerEmail: 'loner-owner@us.test' },
        ],
        leads: [{ id: 'L-own', email: 'lee@newco.test', ownerEmail: 'lead-owner@us.test', company: 'Initech LLC' }],
        accounts: [
          {
            id: 'A-globex',
            name: 'Globex Corporation',
            domains: ['https://www.globex.test/'],
            ownerEmail: 'g@us.test',
          },
          { id: 'A-initech', name: 'Initech', domains: ['initech.test'], ownerEmail: 'initech-owner@us.test' },
          { id: 'A-free', name: 'Gmail Fans', domains: ['gmail.com'], ownerEmail: 'free-owner@us.test' },
        ],
        accountTeamMembers: [
          { accountId: 'A-globex', userEmail: 'ae@us.test', role: 'Account Executive' },
          { accountId: 'A-globex', userEmail: 'se@us.test', role: 'Sales Engineer' },
          { accountId: 'A-initech', userEmail: 'csm@us.test', role: 'Customer Success' },
        ],
      });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const outreach = await suite.admin.put('/v1/integrations/outreach', {
        prospects: [{ email: 'Pat@Bigco.test', ownerEmail: 'prospect-owner@us.test', lastSenderEmail: 'last@us.test' }],
      });
      assert.equal(outreach.status, 200);
    });

    test('contact by id, then by email', async () => {
      assert.deepEqual(await salesforce({ salesforce: { contactId: 'C-own' } }), {
        emails: ['contact-owner@us.test'],
        identifiedBy: 'contact_id',
      });
      assert.deepEqual(await salesforce({ email: 'KIM@globex.test' }), {
        emails: ['contact-owner@us.test'],
        identifiedBy: 'contact_email',
      });
    });

    test('lead by email', async () => {
      assert.deepEqual(await salesforce({ email: 'lee@newco.test' }), {
        emails: ['lead-owner@us.test'],
        identifiedBy: 'lead_email',
      });
    });

    test('account by email domain or website, never by a public mail domain', async () => {
      assert.deepEqual(await salesforce({ email: 'new.person@initech.test' }), {
        emails: ['initech-owner@us.test'],
        identifiedBy: 'account_domain',
      });
      assert.deepEqual(await salesforce({ email: 'someone@gmail.com', domain: 'http://www.Globex.test/about' }), {
        emails: ['g@us.test'],
        identifiedBy: 'account_domain',
      });
      assert.deepEqual(await salesforce({ email: 'someone@gmail.com' }), { emails: [] });
    });

    test('account by normalised company name', async () => {
      assert.deepEqual(await salesforce({ email: 'x@gmail.com', company: 'GLOBEX, Corp.' }), {
        emails: ['g@us.test'],
        identifiedBy: 'account_name',
      });
    });

    test("account team: the contact's account, filtered by role, or the lead company's account", async () => {
      assert.deepEqual(await salesforce({ email: 'kim@globex.test' }, 'account_team'), {
        emails: ['ae@us.test', 'se@us.test'],
        identifiedBy: 'contact_email',
      });
      assert.deepEqual(await salesforce({ salesforce: { contactId: 'C-own' } }, 'account_team', ['sales ENGINEER']), {
        emails: ['se@us.test'],
        identifiedBy: 'contact_id',
      });
      assert.deepEqual(await salesforce({ email: 'lee@newco.test' }, 'account_team'), {
        emails: ['csm@us.test'],
        identifiedBy: 'account_name',
      });
      assert.deepEqual(await salesforce({ salesforce: { accountId: 'A-initech' } }, 'account_team'), {
        emails: ['csm@us.test'],
        identifiedBy: 'account_id',
      });
      assert.deepEqual(await salesforce({ email: 'lone@elsewhere.test' }, 'account_team'), { emails: [] });
    });

    test('outbound: sender and owner of the prospect', async () => {
      const visitor: Visitor = { id: 'v', email: 'pat@bigco.test', outbound: { provider: 'outreach' } };
      assert.deepEqual(await owners().outboundPeople({ rule: { routeTo: 'both' }, visitor }), {
        emails: ['last@us.test', 'prospect-owner@us.test'],
        identifiedBy: 'prospect',
      });
      const clicked: Visitor = {
        id: 'v',
        email: 'someone@home.test',
        outbound: { provider: 'outreach', senderEmail: 'clicker@us.test', prospectEmail: 'PAT@bigco.test' },
      };
      assert.deepEqual(await owners().outboundPeople({ rule: { routeTo: 'sender' }, visitor: clicked }), {
        emails: ['clicker@us.test'],
        identifiedBy: 'prospect',
      });
      const otherTool: Visitor = { ...visitor, outbound: { provider: 'salesloft' } };
      assert.deepEqual(await owners().outboundPeople({ rule: { routeTo: 'owner' }, visitor: otherTool }), {
        emails: [],
      });
    });
  });
});
