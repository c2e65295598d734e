// Owner lookups for the outbound and Salesforce stages. These only fetch records; who owns the visitor is decided
// by the pure functions in domain/owners.ts. Read-only, so a retried activity is harmless.

import {
  accountTeamLookup,
  identifySalesforceAccount,
  type OwnerLookup,
  outboundOwnerLookup,
  prospectLookupKey,
  type SalesforceKeys,
  type SalesforceRecords,
  salesforceFollowUpKeys,
  salesforceLookupKeys,
  salesforceOwnerLookup,
} from '../domain/owners';
import type { Rule } from '../domain/rules';
import type { Visitor } from '../domain/visitor';
import type { Db } from '../store/database';
import {
  accountsByDomain,
  accountsById,
  accountsByName,
  accountTeam,
  contactsByEmail,
  contactsById,
  leadsByEmail,
  leadsById,
  prospectByEmail,
} from '../store/integrations';

export type { OwnerLookup };

async function fetchRecords(db: Db, keys: SalesforceKeys): Promise<SalesforceRecords> {
  const [contacts, leads, accounts] = await Promise.all([
    Promise.all([contactsById(db, keys.contactIds), contactsByEmail(db, keys.emails)]),
    Promise.all([leadsById(db, keys.leadIds), leadsByEmail(db, keys.emails)]),
    Promise.all([
      accountsById(db, keys.accountIds),
      accountsByDomain(db, keys.domains),
      accountsByName(db, keys.nameKeys),
    ]),
  ]);
  return { contacts: contacts.flat(), leads: leads.flat(), accounts: accounts.flat() };
}

function merge(a: SalesforceRecords, b: SalesforceRecords): SalesforceRecords {
  return {
    contacts: [...a.contacts, ...b.contacts],
    leads: [...a.leads, ...b.leads],
    accounts: [...a.accounts, ...b.accounts],
  };
}

export function createOwnerActivities(db: Db) {
  return {
    /** The sender and/or owner of the outbound prospect the visitor clicked through as. */
    async outboundPeople({
      rule,
      visitor,
    }: {
      rule: Pick<Rule['outbound'], 'routeTo'>;
      visitor: Visitor;
    }): Promise<OwnerLookup> {
      const key = prospectLookupKey(visitor);
      const prospect = key && (await prospectByEmail(db, key.provider, key.email));
      return outboundOwnerLookup(rule.routeTo, visitor, prospect);
    },

    /** The Salesforce owner of the visitor's contact, lead or account, or the account's team. */
    async salesforcePeople({
      rule,
      visitor,
    }: {
      rule: Pick<Rule['salesforce'], 'target' | 'teamRoles'>;
      visitor: Visitor;
    }): Promise<OwnerLookup> {
      const records = await fetchRecords(db, salesforceLookupKeys(visitor));
      if (rule.target === 'owner') return salesforceOwnerLookup(visitor, records);
      // A team needs an account, which may be a fetched contact's or match a fetched lead's company.
      const all = merge(records, await fetchRecords(db, salesforceFollowUpKeys(visitor, records)));
      const account = identifySalesforceAccount(visitor, all);
      const members = account ? await accountTeam(db, account.account.id) : [];
      return accountTeamLookup(account, members, rule.teamRoles);
    },
  };
}

export type OwnerActivities = ReturnType<typeof createOwnerActivities>;
