// Asks Salesforce directly when a visitor matches nothing in the synced copy (a contact or lead created since the
// last sync), within a time budget: a routing never waits on a slow CRM longer than that. Answers are cached (found
// or not) for a while; an answer that arrives after the budget is cached too, for the visitor's next routing.
import type { Dispatcher } from 'undici';
import type { SalesforceContact, SalesforceLead } from '../../domain/integrations';
import { listConnections } from '../../store/connections';
import type { Db } from '../../store/database';
import { userEmails } from '../../store/salesforce-sync';
import type { SessionSource } from '../provider-client';
import { byEmailSoql, pageOf, type SalesforceRow } from './objects';
import { openSalesforceConnection } from './read-page';

export interface LiveLookupOptions {
  /** The longest a routing waits for Salesforce (default 300 ms). */
  budgetMs: number;
  /** How long an answer is reused (default 5 minutes). */
  cacheTtlMs: number;
  /** Answers kept at most; the oldest go first. */
  cacheSize: number;
  /** The connection whose org the stages ask; by default the oldest Salesforce connection that is up. */
  connectionId?: string;
}

export const defaultLiveLookupOptions: LiveLookupOptions = { budgetMs: 300, cacheTtlMs: 5 * 60_000, cacheSize: 10_000 };

export interface LiveRecords {
  contacts: SalesforceContact[];
  leads: SalesforceLead[];
}

/** What the stage learns: records (maybe none), or why it has to go on without Salesforce's answer. */
export type LiveLookupOutcome = { records: LiveRecords } | { failure: 'crm_timeout' | 'crm_error' };

const none: LiveRecords = { contacts: [], leads: [] };

export class SalesforceLiveLookup {
  readonly #cache = new Map<string, { expires: number; answer: Promise<LiveRecords> }>();
  readonly #options: LiveLookupOptions;

  constructor(
    private readonly db: Db,
    private readonly sessions: SessionSource,
    private readonly dispatcher: Dispatcher,
    options: Partial<LiveLookupOptions> = {},
  ) {
    this.#options = { ...defaultLiveLookupOptions, ...options };
  }

  async byEmail(email: string): Promise<LiveLookupOutcome> {
    const key = email.toLowerCase();
    const answer = this.#cached(key) ?? this.#ask(key);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.#options.budgetMs);
    });
    try {
      const result = await Promise.race([answer, late]);
      return result === 'late' ? { failure: 'crm_timeout' } : { records: result };
    } catch {
      return { failure: 'crm_error' };
    } finally {
      clearTimeout(timer);
    }
  }

  #cached(key: string): Promise<LiveRecords> | undefined {
    const entry = this.#cache.get(key);
    if (entry && entry.expires > Date.now()) return entry.answer;
    this.#cache.delete(key);
    return undefined;
  }

  /** Starts the query and caches it; a failed one is forgotten, so the next routing asks again. */
  #ask(key: string): Promise<LiveRecords> {
    const answer = this.#query(key);
    if (this.#cache.size >= this.#options.cacheSize) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(key, { expires: Date.now() + this.#options.cacheTtlMs, answer });
    answer.catch(() => this.#cache.delete(key));
    return answer;
  }

  async #query(email: string): Promise<LiveRecords> {
    // The org a Salesforce stage reads: the Salesforce connection that is up (the oldest, when there are several).
    const wanted = this.#options.connectionId;
    const connection = (await listConnections(this.db)).find(
      (candidate) =>
        candidate.provider === 'salesforce' &&
        (candidate.status === 'connected' || candidate.status === 'syncing') &&
        (wanted === undefined || candidate.id === wanted),
    );
    if (!connection) return none;
    const salesforce = await openSalesforceConnection(connection.id, this.sessions, this.dispatcher);
    const [contactRows, leadRows] = await Promise.all(
      (['Contact', 'Lead'] as const).map(async (object) => {
        const answer = (await salesforce.query<SalesforceRow>(byEmailSoql(object, email), {
          autoFetch: false,
        })) as unknown as { records: SalesforceRow[] };
        return answer.records;
      }),
    );
    const contacts = pageOf('Contact', contactRows ?? []);
    const leads = pageOf('Lead', leadRows ?? []);
    if (contacts.object !== 'Contact' || leads.object !== 'Lead') return none;
    const owners = await userEmails(this.db, connection.id, [
      ...contacts.records.map((record) => record.ownerId),
      ...leads.records.map((record) => record.ownerId),
    ]);
    const ownerOf = (id: string | null) => (id === null ? undefined : owners.get(id));
    return {
      contacts: contacts.records.flatMap((record) => {
        const ownerEmail = ownerOf(record.ownerId);
        if (record.email === null || ownerEmail === undefined) return [];
        return [
          { id: record.id, email: record.email, ownerEmail, ...(record.accountId && { accountId: record.accountId }) },
        ];
      }),
      leads: leads.records.flatMap((record) => {
        const ownerEmail = ownerOf(record.ownerId);
        if (record.email === null || ownerEmail === undefined) return [];
        return [{ id: record.id, email: record.email, ownerEmail, ...(record.company && { company: record.company }) }];
      }),
    };
  }
}
