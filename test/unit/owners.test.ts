// Pure owner decisions: normalisation, the outbound sender/owner choice, and Salesforce identification order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type {
  AccountTeamMember,
  SalesforceAccount,
  SalesforceContact,
  SalesforceLead,
} from '../../domain/integrations';
import {
  accountDomainCandidates,
  accountTeamEmails,
  accountTeamLookup,
  emailDomain,
  identifySalesforceAccount,
  identifySalesforceRecord,
  isPublicMailDomain,
  normaliseCompanyName,
  normaliseDomain,
  outboundOwnerEmails,
  outboundOwnerLookup,
  prospectLookupKey,
  type SalesforceRecords,
  salesforceFollowUpKeys,
  salesforceLookupKeys,
  salesforceOwnerEmails,
  salesforceOwnerLookup,
  uniqueEmails,
} from '../../domain/owners';
import type { Visitor } from '../../domain/visitor';

describe('normalisation', () => {
  test('company names ignore case, punctuation, spacing, accents and trailing legal suffixes', () => {
    const same = (a: string, b: string) => assert.equal(normaliseCompanyName(a), normaliseCompanyName(b), `${a}|${b}`);
    assert.equal(normaliseCompanyName('Acme, Inc.'), 'acme');
    same('Acme, Inc.', 'ACME');
    same('  Globex    Corporation ', 'globex');
    same('Initech Co., Ltd.', 'Initech');
    same('Umbrella Pty Ltd', 'umbrella');
    same('Soylent S.A.', 'Soylent');
    same('Hooli GmbH', 'HOOLI');
    same('Société Générale', 'societe generale');
    same('Wayne-Enterprises PLC', 'wayne enterprises');
    for (const suffix of ['inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'gmbh']) {
      same(`Vandelay ${suffix}`, 'Vandelay');
    }
    for (const suffix of ['sa', 'plc', 'ag', 'bv', 'B.V.', 'pty']) same(`Vandelay ${suffix}`, 'Vandelay');
  });

  test('only trailing suffixes go, and a name that is only a suffix is kept', () => {
    assert.equal(normaliseCompanyName('Co Op Foods'), 'co op foods');
    assert.equal(normaliseCompanyName('Co.'), 'co');
    assert.equal(normaliseCompanyName('Limited Brands Inc'), 'limited brands');
    assert.equal(normaliseCompanyName(' ,. '), '');
    assert.notEqual(normaliseCompanyName('Acme Widgets'), normaliseCompanyName('Acme'));
  });

  test('domains lose protocol, credentials, www., port, path, query and final dot, and are lower-cased', () => {
    assert.equal(normaliseDomain('https://www.Acme.com/about?x=1#top'), 'acme.com');
    assert.equal(normaliseDomain('http://user@acme.com:8080/'), 'acme.com');
    assert.equal(normaliseDomain('WWW.ACME.COM.'), 'acme.com');
    assert.equal(normaliseDomain(' acme.com '), 'acme.com');
    assert.equal(normaliseDomain('eu.acme.com'), 'eu.acme.com');
    assert.equal(normaliseDomain('acme.com/path'), 'acme.com');
    assert.equal(normaliseDomain('//acme.com'), 'acme.com');
    assert.equal(normaliseDomain(''), undefined);
    assert.equal(normaliseDomain('https://'), undefined);
  });

  test('email domains are normalised; no @ means no domain', () => {
    assert.equal(emailDomain('Jo@Sales.ACME.com'), 'sales.acme.com');
    assert.equal(emailDomain('jo@www.acme.com'), 'acme.com');
    assert.equal(emailDomain('not-an-email'), undefined);
  });

  test('public mail domains are recognised in any spelling', () => {
    const publicDomains = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com'];
    publicDomains.push('aol.com', 'proton.me', 'protonmail.com', 'gmx.com', 'live.com');
    for (const domain of publicDomains) assert.equal(isPublicMailDomain(domain), true, domain);
    assert.equal(isPublicMailDomain('GMail.com'), true);
    assert.equal(isPublicMailDomain('https://www.gmail.com/'), true);
    assert.equal(isPublicMailDomain('acme.com'), false);
    assert.equal(isPublicMailDomain('gmail.acme.com'), false);
  });

  test('uniqueEmails keeps the first spelling of each address and drops missing ones', () => {
    assert.deepEqual(uniqueEmails(['A@x.test', undefined, 'a@X.test', 'b@x.test', '']), ['A@x.test', 'b@x.test']);
  });
});

describe('outbound owners', () => {
  const prospect = { email: 'pat@bigco.test', ownerEmail: 'owner@us.test', lastSenderEmail: 'last@us.test' };
  const clicked: Visitor = {
    id: 'v',
    email: 'pat@bigco.test',
    outbound: { provider: 'outreach', senderEmail: 'sender@us.test' },
  };
  const noSender: Visitor = { id: 'v', email: 'pat@bigco.test', outbound: { provider: 'salesloft' } };

  test('the prospect is looked up by the click-through prospect email, else the visitor email, lower-cased', () => {
    assert.deepEqual(prospectLookupKey(clicked), { provider: 'outreach', email: 'pat@bigco.test' });
    const named: Visitor = {
      id: 'v',
      email: 'other@home.test',
      outbound: { provider: 'salesloft', prospectEmail: 'Pat@BigCo.test' },
    };
    assert.deepEqual(prospectLookupKey(named), { provider: 'salesloft', email: 'pat@bigco.test' });
    assert.equal(prospectLookupKey({ id: 'v', email: 'pat@bigco.test' }), undefined);
    assert.equal(prospectLookupKey({ id: 'v', outbound: { provider: 'outreach' } }), undefined);
  });

  test('routeTo picks the sender, the owner, or both', () => {
    assert.deepEqual(outboundOwnerEmails('sender', clicked, prospect), ['sender@us.test']);
    assert.deepEqual(outboundOwnerEmails('owner', clicked, prospect), ['owner@us.test']);
    assert.deepEqual(outboundOwnerEmails('both', clicked, prospect), ['sender@us.test', 'owner@us.test']);
  });

  test("without a click-through sender, the prospect's last sender is the sender", () => {
    assert.deepEqual(outboundOwnerEmails('sender', noSender, prospect), ['last@us.test']);
    assert.deepEqual(outboundOwnerEmails('both', noSender, prospect), ['last@us.test', 'owner@us.test']);
  });

  test('both is deduplicated case-insensitively and missing people are dropped', () => {
    const sameRep = { ...prospect, ownerEmail: 'SENDER@us.test' };
    assert.deepEqual(outboundOwnerEmails('both', clicked, sameRep), ['sender@us.test']);
    const noLastSender = { email: prospect.email, ownerEmail: prospect.ownerEmail };
    assert.deepEqual(outboundOwnerEmails('sender', noSender, noLastSender), []);
    assert.deepEqual(outboundOwnerEmails('both', noSender, noLastSender), ['owner@us.test']);
    assert.deepEqual(outboundOwnerEmails('owner', clicked, undefined), []);
    assert.deepEqual(outboundOwnerEmails('both', clicked, undefined), ['sender@us.test']);
  });

  test('a visitor who did not come from an outbound email has no outbound owner', () => {
    assert.deepEqual(outboundOwnerEmails('both', { id: 'v', email: 'pat@bigco.test' }, prospect), []);
  });

  test('the lookup says whether a prospect record or only the click-through named someone', () => {
    assert.deepEqual(outboundOwnerLookup('owner', clicked, prospect), {
      emails: ['owner@us.test'],
      identifiedBy: 'prospect',
    });
    assert.deepEqual(outboundOwnerLookup('both', clicked, undefined), {
      emails: ['sender@us.test'],
      identifiedBy: 'click_through',
    });
    assert.deepEqual(outboundOwnerLookup('owner', clicked, undefined), { emails: [] });
  });
});

describe('salesforce identification', () => {
  const contact: SalesforceContact = { id: 'C1', email: 'Jo@Acme.com', ownerEmail: 'contact-owner@us.test' };
  const contactWithAccount: SalesforceContact = { ...contact, accountId: 'A-contact' };
  const lead: SalesforceLead = { id: 'L1', email: 'jo@acme.com', ownerEmail: 'lead-owner@us.test', company: 'Leadco' };
  const account = (id: string, name: string, domains: string[] = []): SalesforceAccount => ({
    id,
    name,
    domains,
    ownerEmail: `${id.toLowerCase()}-owner@us.test`,
  });
  const byDomain = account('A-domain', 'Acme Holdings', ['https://www.acme.com/']);
  const byName = account('A-name', 'ACME, Inc.');
  const byLeadCompany = account('A-leadco', 'Leadco Ltd');
  const byId = account('A-id', 'Given Account');
  const ofContact = account('A-contact', 'Contact Account');

  const records = (partial: Partial<SalesforceRecords>): SalesforceRecords => ({
    contacts: [],
    leads: [],
    accounts: [],
    ...partial,
  });
  const everything = records({
    contacts: [contact],
    leads: [lead],
    accounts: [byDomain, byName, byLeadCompany, byId, ofContact],
  });
  const visitor = (partial: Partial<Visitor> = {}): Visitor => ({
    id: 'v',
    email: 'jo@acme.com',
    company: 'Acme',
    ...partial,
  });

  const via = (v: Visitor, r: SalesforceRecords) => identifySalesforceRecord(v, r)?.via;

  test('ids given in the request come first: contact, then lead, then account', () => {
    const ids = { contactId: 'C1', leadId: 'L1', accountId: 'A-id' };
    assert.equal(via(visitor({ salesforce: ids }), everything), 'contact_id');
    assert.equal(via(visitor({ salesforce: { leadId: 'L1', accountId: 'A-id' } }), everything), 'lead_id');
    assert.equal(via(visitor({ salesforce: { accountId: 'A-id' } }), everything), 'account_id');
    const match = identifySalesforceRecord(visitor({ salesforce: { accountId: 'A-id' } }), everything);
    assert.equal(match?.record.id, 'A-id');
  });

  test('an id that names no record falls through to the next step', () => {
    const unknown = { contactId: 'C-nope', leadId: 'L-nope', accountId: 'A-nope' };
    assert.equal(via(visitor({ salesforce: unknown }), everything), 'contact_email');
  });

  test('then contact by email, then lead by email, case-insensitively', () => {
    assert.equal(via(visitor({ email: 'JO@ACME.COM' }), everything), 'contact_email');
    const leadsOnly = records({ leads: [lead], accounts: everything.accounts });
    assert.equal(via(visitor({ email: 'JO@ACME.COM' }), leadsOnly), 'lead_email');
  });

  test('then an account by email domain, then by website, then by company name', () => {
    const accounts = records({ accounts: [byDomain, byName] });
    assert.deepEqual(identifySalesforceRecord(visitor(), accounts)?.record.id, 'A-domain');
    assert.equal(via(visitor(), accounts), 'account_domain');
    const website = visitor({ email: 'jo@gmail.com', domain: 'http://acme.com/pricing' });
    assert.equal(via(website, accounts), 'account_domain');
    const nameOnly = visitor({ email: 'jo@elsewhere.test', company: 'Acme Inc.' });
    assert.equal(identifySalesforceRecord(nameOnly, accounts)?.record.id, 'A-name');
    assert.equal(via(nameOnly, accounts), 'account_name');
    assert.equal(via(visitor({ email: 'jo@elsewhere.test', company: 'Nobody' }), accounts), undefined);
  });

  test('public mail domains never match an account by domain, even one that lists them', () => {
    const freeMail = account('A-free', 'Free Mail Fans', ['gmail.com', 'outlook.com']);
    const r = records({ accounts: [freeMail] });
    assert.equal(via(visitor({ email: 'jo@gmail.com', company: undefined }), r), undefined);
    assert.equal(
      via(visitor({ email: undefined, domain: 'https://www.outlook.com', company: undefined }), r),
      undefined,
    );
    assert.deepEqual(accountDomainCandidates({ email: 'jo@Gmail.com', domain: 'www.acme.com/x' }), ['acme.com']);
  });

  test('several accounts on one domain or name: the lowest id wins, whatever the fetch order', () => {
    const a = account('A-2', 'Twin', ['twin.test']);
    const b = account('A-1', 'Twin', ['twin.test']);
    const twin = visitor({ email: 'x@twin.test', company: 'Twin' });
    assert.equal(identifySalesforceRecord(twin, records({ accounts: [a, b] }))?.record.id, 'A-1');
    const named = visitor({ email: undefined, company: 'twin' });
    assert.equal(identifySalesforceRecord(named, records({ accounts: [a, b] }))?.record.id, 'A-1');
  });

  test("owner target: the identified contact's, lead's or account's owner", () => {
    assert.deepEqual(salesforceOwnerLookup(visitor(), everything), {
      emails: ['contact-owner@us.test'],
      identifiedBy: 'contact_email',
    });
    assert.deepEqual(salesforceOwnerLookup(visitor({ salesforce: { leadId: 'L1' } }), everything), {
      emails: ['lead-owner@us.test'],
      identifiedBy: 'lead_id',
    });
    assert.deepEqual(salesforceOwnerLookup(visitor(), records({ accounts: [byDomain] })), {
      emails: ['a-domain-owner@us.test'],
      identifiedBy: 'account_domain',
    });
    assert.deepEqual(salesforceOwnerLookup(visitor({ email: undefined, company: undefined }), everything), {
      emails: [],
    });
    assert.deepEqual(salesforceOwnerEmails(undefined), []);
  });

  test("the team's account: a contact's account, the given account, else the fuzzy match", () => {
    const crm = records({ ...everything, contacts: [contactWithAccount] });
    const accountOf = (v: Visitor, r: SalesforceRecords) => {
      const match = identifySalesforceAccount(v, r);
      return match && [match.account.id, match.via];
    };
    assert.deepEqual(accountOf(visitor({ salesforce: { contactId: 'C1', accountId: 'A-id' } }), crm), [
      'A-contact',
      'contact_id',
    ]);
    assert.deepEqual(accountOf(visitor({ salesforce: { leadId: 'L1', accountId: 'A-id' } }), crm), [
      'A-id',
      'account_id',
    ]);
    assert.deepEqual(accountOf(visitor(), crm), ['A-contact', 'contact_email']);
    // A contact without an account: the account is matched fuzzily instead.
    assert.deepEqual(accountOf(visitor(), everything), ['A-domain', 'account_domain']);
    // A lead's company is tried after the visitor's own company.
    const leadVisitor = visitor({ email: 'jo@leadco.test', salesforce: { leadId: 'L1' } });
    const noAcmeName = records({ leads: [lead], accounts: [byLeadCompany] });
    assert.deepEqual(accountOf(leadVisitor, noAcmeName), ['A-leadco', 'account_name']);
    assert.deepEqual(accountOf(leadVisitor, records({ leads: [lead], accounts: [byName, byLeadCompany] })), [
      'A-name',
      'account_name',
    ]);
    assert.equal(accountOf(visitor({ email: 'jo@x.test', company: undefined }), records({})), undefined);
  });

  test('lookup keys: ids, the lower-cased email, usable domains and the normalised company', () => {
    const keys = salesforceLookupKeys(
      visitor({
        email: 'Jo@ACME.com',
        domain: 'https://www.acme.com/',
        company: 'Acme, Inc.',
        salesforce: { contactId: 'C1', accountId: 'A-id' },
      }),
    );
    assert.deepEqual(keys, {
      contactIds: ['C1'],
      leadIds: [],
      accountIds: ['A-id'],
      emails: ['jo@acme.com'],
      domains: ['acme.com'],
      nameKeys: ['acme'],
    });
    const followUp = salesforceFollowUpKeys(
      visitor(),
      records({ contacts: [contactWithAccount], leads: [lead, { ...lead, id: 'L2', company: 'ACME' }] }),
    );
    assert.deepEqual([followUp.accountIds, followUp.nameKeys], [['A-contact'], ['leadco']]);
    const already = salesforceFollowUpKeys(
      visitor(),
      records({ contacts: [contactWithAccount], accounts: [ofContact] }),
    );
    assert.deepEqual(already.accountIds, []);
  });
});

describe('account team', () => {
  const members: AccountTeamMember[] = [
    { accountId: 'A1', userEmail: 'ae@us.test', role: 'Account Executive' },
    { accountId: 'A1', userEmail: 'se@us.test', role: 'Sales Engineer' },
    { accountId: 'A2', userEmail: 'other@us.test', role: 'Account Executive' },
    { accountId: 'A1', userEmail: 'csm@us.test', role: 'customer success' },
    { accountId: 'A1', userEmail: 'AE@us.test', role: 'Executive Sponsor' },
  ];

  test("every member of the account, in stored order, once each, without other accounts' members", () => {
    assert.deepEqual(accountTeamEmails('A1', members), ['ae@us.test', 'se@us.test', 'csm@us.test']);
    assert.deepEqual(accountTeamEmails('A1', members, []), ['ae@us.test', 'se@us.test', 'csm@us.test']);
  });

  test('teamRoles keeps only those roles, case-insensitively, still in stored order', () => {
    assert.deepEqual(accountTeamEmails('A1', members, ['CUSTOMER SUCCESS', 'account executive']), [
      'ae@us.test',
      'csm@us.test',
    ]);
    assert.deepEqual(accountTeamEmails('A1', members, ['executive sponsor']), ['AE@us.test']);
    assert.deepEqual(accountTeamEmails('A1', members, ['nobody']), []);
  });

  test('the lookup names how the account was found, and finds nobody without an account', () => {
    const account = { id: 'A1', name: 'A', domains: [], ownerEmail: 'o@us.test' };
    assert.deepEqual(accountTeamLookup({ account, via: 'account_domain' }, members, ['sales engineer']), {
      emails: ['se@us.test'],
      identifiedBy: 'account_domain',
    });
    assert.deepEqual(accountTeamLookup(undefined, members), { emails: [] });
  });
});
