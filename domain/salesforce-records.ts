// Salesforce records as a connection's sync reads them, before owner ids become emails: what the connector hands
// the store. Ids are Salesforce's; a record without an email (or whose owner has none) is kept out of routing.

export interface SalesforceUserRecord {
  id: string;
  email: string | null;
}

export interface SalesforceContactRecord {
  id: string;
  email: string | null;
  ownerId: string | null;
  accountId: string | null;
}

export interface SalesforceLeadRecord {
  id: string;
  email: string | null;
  ownerId: string | null;
  company: string | null;
}

export interface SalesforceAccountRecord {
  id: string;
  name: string;
  /** The account's website and any other domains, compared after normalisation. */
  domains: string[];
  ownerId: string | null;
}

export interface SalesforceTeamMemberRecord {
  id: string;
  accountId: string;
  userId: string;
  role: string;
}

/** One page of one object: the records still there, and the ids of those deleted in Salesforce. */
export type SalesforcePage =
  | { object: 'User'; records: SalesforceUserRecord[]; deletedIds: string[] }
  | { object: 'Contact'; records: SalesforceContactRecord[]; deletedIds: string[] }
  | { object: 'Lead'; records: SalesforceLeadRecord[]; deletedIds: string[] }
  | { object: 'Account'; records: SalesforceAccountRecord[]; deletedIds: string[] }
  | { object: 'AccountTeamMember'; records: SalesforceTeamMemberRecord[]; deletedIds: string[] };
