// Pure owner decisions: who owns a visitor according to outbound and Salesforce records the caller has fetched.
// Imported by workflow code and by the store (for its lookup keys): no I/O, no node modules.
import type {
  AccountTeamMember,
  OutboundProvider,
  Prospect,
  SalesforceAccount,
  SalesforceContact,
  SalesforceLead,
} from './integrations';
import type { Rule } from './rules';
import type { Visitor } from './visitor';

/** The people an owner stage names, and how the visitor was recognised (for the routing trace). */
export interface OwnerLookup {
  emails: string[];
  identifiedBy?: string;
}

export type OutboundRouteTo = Rule['outbound']['routeTo'];
export type SalesforceTarget = Rule['salesforce']['target'];

// --- Normalisation -------------------------------------------------------------------------------------------

/** Free-mail providers: a visitor's address there says nothing about their employer. */
const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'icloud.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'live.com',
]);

/** Trailing words that only say what kind of legal entity a company is. */
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  'inc',
  'incorporated',
  'llc',
  'ltd',
  'limited',
  'corp',
  'corporation',
  'co',
  'gmbh',
  'sa',
  'plc',
  'ag',
  'bv',
  'pty',
]);

/**
 * Comparable form of a company name: "Acme, Inc." and "ACME" both give "acme". Accents are folded, apostrophes and
 * dots vanish (so "S.A." is "sa" and "Macy's" is "macys"), other punctuation separates words, and trailing legal
 * suffixes are dropped while a word remains. Empty when nothing is left.
 */
export function normaliseCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '');
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1] as string)) words.pop();
  return words.join(' ');
}

/** Host part of a website or domain, lower-cased, without protocol, credentials, `www.`, port, path or final dot. */
export function normaliseDomain(value: string): string | undefined {
  let host = value.trim().toLowerCase();
  host = host.replace(/^([a-z][a-z0-9+.-]*:)?\/\//, '');
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.slice(host.lastIndexOf('@') + 1);
  host = host.replace(/:\d*$/, '').replace(/\.+$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  return host === '' ? undefined : host;
}

/** The normalised domain of an email address. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  return at < 0 ? undefined : normaliseDomain(email.slice(at + 1));
}

export function isPublicMailDomain(domain: string): boolean {
  const normalised = normaliseDomain(domain);
  return normalised !== undefined && PUBLIC_MAIL_DOMAINS.has(normalised);
}

/** Emails once each, compared case-insensitively, first spelling kept; missing ones dropped. */
export function uniqueEmails(emails: readonly (string | undefined)[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const email of emails) {
    if (!email) continue;
    const key = email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(email);
  }
  return unique;
}

// --- Outbound ------------------------------------------------------------------------------------------------

/** Which prospect record to fetch: the click-through's prospect, else the visitor; none without an outbound visit. */
export function prospectLookupKey(visitor: Visitor): { provider: OutboundProvider; email: string } | undefined {
  const email = visitor.outbound?.prospectEmail ?? visitor.email;
  if (!visitor.outbound || !email) return undefined;
  return { provider: visitor.outbound.provider, email: email.toLowerCase() };
}

/** The sender (named by the click-through, else the prospect's last sender) and/or the prospect's owner. */
export function outboundOwnerEmails(
  routeTo: OutboundRouteTo,
  visitor: Visitor,
  prospect: Prospect | undefined,
): string[] {
  if (!visitor.outbound) return [];
  const sender = visitor.outbound.senderEmail ?? prospect?.lastSenderEmail;
  const owner = prospect?.ownerEmail;
  return uniqueEmails(routeTo === 'sender' ? [sender] : routeTo === 'owner' ? [owner] : [sender, owner]);
}

export function outboundOwnerLookup(
  routeTo: OutboundRouteTo,
  visitor: Visitor,
  prospect: Prospect | undefined,
): OwnerLookup {
  const emails = outboundOwnerEmails(routeTo, visitor, prospect);
  // Without a prospect record only the click-through's sender can have named someone.
  const identifiedBy = prospect ? 'prospect' : emails.length > 0 ? 'click_through' : undefined;
  return identifiedBy ? { emails, identifiedBy } : { emails };
}

// --- Salesforce ----------------------------------------------------------------------------------------------

/** What to fetch: records by these keys (any key may be empty). Emails are lower-cased, names normalised. */
export interface SalesforceKeys {
  contactIds: string[];
  leadIds: string[];
  accountIds: string[];
  emails: string[];
  /** Normalised, never a public mail domain. */
  domains: string[];
  /** Normalised company names (`normaliseCompanyName`). */
  nameKeys: string[];
}

/**
 * Records fetched for the keys; a superset is fine (the decisions below re-check every match), and order does not
 * matter (ties are broken by record id).
 */
export interface SalesforceRecords {
  contacts: readonly SalesforceContact[];
  leads: readonly SalesforceLead[];
  accounts: readonly SalesforceAccount[];
}

export type SalesforceMatch =
  | { kind: 'contact'; record: SalesforceContact; via: 'contact_id' | 'contact_email' }
  | { kind: 'lead'; record: SalesforceLead; via: 'lead_id' | 'lead_email' }
  | { kind: 'account'; record: SalesforceAccount; via: 'account_id' | 'account_domain' | 'account_name' };

export interface AccountMatch {
  account: SalesforceAccount;
  /** How the account was reached: through a contact, by the given id, or fuzzily. */
  via: 'contact_id' | 'account_id' | 'contact_email' | 'account_domain' | 'account_name';
}

const byId = <R extends { id: string }>(a: R, b: R) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Domains an account may be recognised by: the email's, then the website's; public mail domains never. */
export function accountDomainCandidates(visitor: Pick<Visitor, 'email' | 'domain'>): string[] {
  const domains = [visitor.email && emailDomain(visitor.email), visitor.domain && normaliseDomain(visitor.domain)];
  const usable = domains.filter((domain): domain is string => !!domain && !PUBLIC_MAIL_DOMAINS.has(domain));
  return [...new Set(usable)];
}

function nameKeys(names: readonly (string | undefined)[]): string[] {
  const keys = names.map((name) => (name ? normaliseCompanyName(name) : ''));
  return [...new Set(keys.filter((key) => key !== ''))];
}

/** First round of fetching: everything the visitor itself tells us. */
export function salesforceLookupKeys(visitor: Visitor): SalesforceKeys {
  const ids = visitor.salesforce ?? {};
  const only = (id: string | undefined) => (id ? [id] : []);
  return {
    contactIds: only(ids.contactId),
    leadIds: only(ids.leadId),
    accountIds: only(ids.accountId),
    emails: visitor.email ? [visitor.email.toLowerCase()] : [],
    domains: accountDomainCandidates(visitor),
    nameKeys: nameKeys([visitor.company]),
  };
}

/** Second round, for the account team: the accounts of fetched contacts and the companies of fetched leads. */
export function salesforceFollowUpKeys(visitor: Visitor, records: SalesforceRecords): SalesforceKeys {
  const haveAccounts = new Set(records.accounts.map((account) => account.id));
  const accountIds = records.contacts.flatMap((contact) =>
    contact.accountId && !haveAccounts.has(contact.accountId) ? [contact.accountId] : [],
  );
  const asked = new Set(salesforceLookupKeys(visitor).nameKeys);
  return {
    contactIds: [],
    leadIds: [],
    accountIds: [...new Set(accountIds)],
    emails: [],
    domains: [],
    nameKeys: nameKeys(records.leads.map((lead) => lead.company)).filter((key) => !asked.has(key)),
  };
}

function findById<R extends { id: string }>(records: readonly R[], id: string | undefined): R | undefined {
  return id === undefined ? undefined : records.find((record) => record.id === id);
}

function findByEmail<R extends { id: string; email: string }>(records: readonly R[], email: string | undefined) {
  if (!email) return undefined;
  const key = email.toLowerCase();
  return [...records].sort(byId).find((record) => record.email.toLowerCase() === key);
}

/** An account by the visitor's domains (in order), then by company names (in order); lowest id on a tie. */
function matchAccountFuzzily(
  visitor: Visitor,
  accounts: readonly SalesforceAccount[],
  companies: readonly (string | undefined)[],
): { account: SalesforceAccount; via: 'account_domain' | 'account_name' } | undefined {
  const sorted = [...accounts].sort(byId);
  for (const domain of accountDomainCandidates(visitor)) {
    const account = sorted.find((candidate) => candidate.domains.some((d) => normaliseDomain(d) === domain));
    if (account) return { account, via: 'account_domain' };
  }
  for (const key of nameKeys(companies)) {
    const account = sorted.find((candidate) => normaliseCompanyName(candidate.name) === key);
    if (account) return { account, via: 'account_name' };
  }
  return undefined;
}

/**
 * The record the visitor is, in the spec's order: ids from the request (contact, lead, account), then contact by
 * email, lead by email, then an account by domain and finally by company name.
 */
export function identifySalesforceRecord(visitor: Visitor, records: SalesforceRecords): SalesforceMatch | undefined {
  const ids = visitor.salesforce ?? {};
  const contactById = findById(records.contacts, ids.contactId);
  if (contactById) return { kind: 'contact', record: contactById, via: 'contact_id' };
  const leadById = findById(records.leads, ids.leadId);
  if (leadById) return { kind: 'lead', record: leadById, via: 'lead_id' };
  const accountById = findById(records.accounts, ids.accountId);
  if (accountById) return { kind: 'account', record: accountById, via: 'account_id' };
  const contactByEmail = findByEmail(records.contacts, visitor.email);
  if (contactByEmail) return { kind: 'contact', record: contactByEmail, via: 'contact_email' };
  const leadByEmail = findByEmail(records.leads, visitor.email);
  if (leadByEmail) return { kind: 'lead', record: leadByEmail, via: 'lead_email' };
  const account = matchAccountFuzzily(visitor, records.accounts, [visitor.company]);
  return account && { kind: 'account', record: account.account, via: account.via };
}

/**
 * The visitor's account, walking the same order and taking the first step that yields one: a contact's account
 * (by id), the account id, a contact's account (by email), then fuzzy matching, where the company name may also
 * come from the lead the visitor was identified as.
 */
export function identifySalesforceAccount(visitor: Visitor, records: SalesforceRecords): AccountMatch | undefined {
  const ids = visitor.salesforce ?? {};
  const accountOf = (contact: SalesforceContact | undefined) => findById(records.accounts, contact?.accountId);
  const viaContactId = accountOf(findById(records.contacts, ids.contactId));
  if (viaContactId) return { account: viaContactId, via: 'contact_id' };
  const byAccountId = findById(records.accounts, ids.accountId);
  if (byAccountId) return { account: byAccountId, via: 'account_id' };
  const viaContactEmail = accountOf(findByEmail(records.contacts, visitor.email));
  if (viaContactEmail) return { account: viaContactEmail, via: 'contact_email' };
  const lead = findById(records.leads, ids.leadId) ?? findByEmail(records.leads, visitor.email);
  return matchAccountFuzzily(visitor, records.accounts, [visitor.company, lead?.company]);
}

/** The owner of the identified contact, lead or account. */
export function salesforceOwnerEmails(match: SalesforceMatch | undefined): string[] {
  return match ? uniqueEmails([match.record.ownerEmail]) : [];
}

/**
 * The account's team in stored order, once each, keeping only `teamRoles` (case-insensitively) when given.
 * An empty role list filters nothing, like an absent one.
 */
export function accountTeamEmails(
  accountId: string,
  members: readonly AccountTeamMember[],
  teamRoles?: readonly string[],
): string[] {
  const roles = teamRoles && teamRoles.length > 0 ? new Set(teamRoles.map((role) => role.toLowerCase())) : undefined;
  return uniqueEmails(
    members
      .filter((member) => member.accountId === accountId && (!roles || roles.has(member.role.toLowerCase())))
      .map((member) => member.userEmail),
  );
}

export function salesforceOwnerLookup(visitor: Visitor, records: SalesforceRecords): OwnerLookup {
  const match = identifySalesforceRecord(visitor, records);
  return match ? { emails: salesforceOwnerEmails(match), identifiedBy: match.via } : { emails: [] };
}

export function accountTeamLookup(
  account: AccountMatch | undefined,
  members: readonly AccountTeamMember[],
  teamRoles?: readonly string[],
): OwnerLookup {
  if (!account) return { emails: [] };
  return { emails: accountTeamEmails(account.account.id, members, teamRoles), identifiedBy: account.via };
}
