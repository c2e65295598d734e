// Connections to the systems owner routing reads (Salesforce, Outreach, Salesloft): the vocabulary the API, the
// store and the sync workflows share. The contract is SPEC.md's "Connections" section.

export const connectionProviders = ['salesforce', 'outreach', 'salesloft'] as const;
export type ConnectionProvider = (typeof connectionProviders)[number];

export const connectionStatuses = ['pending_authorization', 'connected', 'syncing', 'error'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/** What a sync reads from each provider, and so what `records` counts per connection. */
export const syncedObjects = {
  salesforce: ['User', 'Contact', 'Lead', 'Account', 'AccountTeamMember'],
  outreach: ['users', 'prospects'],
  salesloft: ['users', 'people'],
} as const satisfies Record<ConnectionProvider, readonly string[]>;
export type SyncedObject<P extends ConnectionProvider = ConnectionProvider> = (typeof syncedObjects)[P][number];

/** A signed-in session with a provider: what every API call needs. */
export interface ProviderSession {
  accessToken: string;
  /** Where the provider's API is for this grant: Salesforce's `instance_url`, Outreach's or Salesloft's API base. */
  apiBaseUrl: string;
}

/** The API budget a provider reported on its last response (Salesforce's `Sforce-Limit-Info`, rate-limit headers). */
export interface ApiBudget {
  used: number;
  limit: number;
}
