// Owner lookups for the outbound and Salesforce stages. These only fetch records; who owns the visitor is decided
// by the pure functions in domain/owners.ts. Read-only, so a retried activity is harmless.

import { clickTokenHash } from '../connectors/link-tracking/link-tokens';
import type { LiveLookupOutcome } from '../connectors/salesforce/live-lookup';
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
import { redeemClick } from '../store/outbound-tracking';

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

/**
 * Salesforce's records for an email the synced copy does not know, asked live within a time budget
 * (connectors/salesforce/live-lookup.ts).
 */
export interface LiveSalesforce {
  byEmail(email: string): Promise<LiveLookupOutcome>;
}

/**
 * What the stage has when the synced copy identified nothing: the live answer merged in, or the reason it went on
 * without one (`crm_timeout`, `crm_error`), which the routing's stage report shows as how the visitor was identified.
 */
async function withLiveRecords(
  live: LiveSalesforce | undefined,
  visitor: Visitor,
  records: SalesforceRecords,
): Promise<{ records: SalesforceRecords; failure?: 'crm_timeout' | 'crm_error'; live: boolean }> {
  if (!live || !visitor.email) return { records, live: false };
  const outcome = await live.byEmail(visitor.email);
  if ('failure' in outcome) return { records, failure: outcome.failure, live: false };
  return { records: merge(records, { ...outcome.records, accounts: [] }), live: true };
}

const liveIdentified = (lookup: OwnerLookup): OwnerLookup =>
  lookup.identifiedBy === undefined ? lookup : { ...lookup, identifiedBy: `live_${lookup.identifiedBy}` };

/**
 * The visitor with what their click token (`outbound.token`) says: the sender and prospect of the email they
 * clicked, recorded by the click tracker. An unknown, expired or other visitor's token adds nothing. Redeeming
 * claims the click for this visitor, which a retry does again harmlessly.
 */
async function withClickThrough(db: Db, visitor: Visitor): Promise<Visitor> {
  const token = visitor.outbound?.token;
  if (!visitor.outbound || !token) return visitor;
  const redeemed = await redeemClick(db, clickTokenHash(token), visitor.id, new Date());
  if ('refused' in redeemed) return visitor;
  const { click } = redeemed;
  return {
    ...visitor,
    outbound: {
      ...visitor.outbound,
      provider: click.provider,
      senderEmail: click.senderEmail,
      ...(click.prospectEmail && { prospectEmail: click.prospectEmail }),
    },
  };
}

export function createOwnerActivities(db: Db, live?: LiveSalesforce) {
  return {
    /** The sender and/or owner of the outbound prospect the visitor clicked through as. */
    async outboundPeople({
      rule,
      visitor,
    }: {
      rule: Pick<Rule['outbound'], 'routeTo'>;
      visitor: Visitor;
    }): Promise<OwnerLookup> {
      const clicked = await withClickThrough(db, visitor);
      const key = prospectLookupKey(clicked);
      const prospect = key && (await prospectByEmail(db, key.provider, key.email));
      return outboundOwnerLookup(rule.routeTo, clicked, prospect);
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
      if (rule.target === 'owner') {
        const synced = salesforceOwnerLookup(visitor, records);
        if (synced.identifiedBy !== undefined) return synced;
        const asked = await withLiveRecords(live, visitor, records);
        if (asked.failure) return { emails: [], identifiedBy: asked.failure };
        return asked.live ? liveIdentified(salesforceOwnerLookup(visitor, asked.records)) : synced;
      }
      // A team needs an account, which may be a fetched contact's or match a fetched lead's company.
      const all = merge(records, await fetchRecords(db, salesforceFollowUpKeys(visitor, records)));
      let account = identifySalesforceAccount(visitor, all);
      let asked: Awaited<ReturnType<typeof withLiveRecords>> | undefined;
      if (!account) {
        // A contact found live names its account, whose synced team then routes.
        asked = await withLiveRecords(live, visitor, all);
        if (asked.failure) return { emails: [], identifiedBy: asked.failure };
        if (asked.live) {
          const followed = merge(asked.records, await fetchRecords(db, salesforceFollowUpKeys(visitor, asked.records)));
          account = identifySalesforceAccount(visitor, followed);
        }
      }
      const members = account ? await accountTeam(db, account.account.id) : [];
      const team = accountTeamLookup(account, members, rule.teamRoles);
      return asked?.live ? liveIdentified(team) : team;
    },
  };
}

export type OwnerActivities = ReturnType<typeof createOwnerActivities>;
