// Reads one page of one object from a Salesforce org with jsforce: the next page of the query under way
// (nextRecordsUrl, through queryMore) or a new query from the cursor's high-water mark. API limits and session
// expiry are handled here: the budget Sforce-Limit-Info reports is returned with the page, REQUEST_LIMIT_EXCEEDED
// becomes a `SalesforceLimitExceeded` the workflow pauses on, INVALID_SESSION_ID refreshes the session and retries.
import type { Connection } from 'jsforce';
import type { Dispatcher } from 'undici';
import type { ApiBudget } from '../../domain/connections';
import type { SalesforcePage } from '../../domain/salesforce-records';
import type { SyncCursor } from '../../store/connection-sync';
import type { SessionSource } from '../provider-client';
import { incrementalSoql, objectReadings, pageOf, type SalesforceObject, type SalesforceRow } from './objects';

/** The REST API version the connector speaks. */
export const SALESFORCE_API_VERSION = '62.0';

/** Refreshes in one page read beyond which a still-refused session is an error, not a loop. */
const MAX_REFRESHES = 2;

/** The org refused the call: its daily API request limit is used up (REQUEST_LIMIT_EXCEEDED). */
export class SalesforceLimitExceeded extends Error {
  override readonly name = 'SalesforceLimitExceeded';
}

export interface PageRead {
  page: SalesforcePage;
  /** Where the next page starts, saved with this one. */
  cursor: SyncCursor;
  /** No page follows: the object is read up to now. */
  done: boolean;
  budget?: ApiBudget;
  /** API calls this read made (refreshes not counted). */
  calls: number;
}

interface QueryAnswer {
  done: boolean;
  nextRecordsUrl?: string;
  records: SalesforceRow[];
}

const errorCodeOf = (error: unknown) => (error as { errorCode?: unknown } | null)?.errorCode;

/**
 * A jsforce connection on the connection's current session, its HTTP through the outbound guard; on a 401 jsforce
 * asks `refreshFn` for a new session and repeats the request (at most MAX_REFRESHES times).
 */
export async function openSalesforceConnection(
  connectionId: string,
  sessions: SessionSource,
  dispatcher: Dispatcher,
): Promise<Connection> {
  // jsforce takes a fifth of a second to load: loaded on first use, so workers that never sync start without it.
  const [{ Connection }, { GuardedTransport }] = await Promise.all([import('jsforce'), import('./guarded-transport')]);
  const session = await sessions.current(connectionId);
  let refreshes = 0;
  const connection = new Connection({
    instanceUrl: session.apiBaseUrl,
    accessToken: session.accessToken,
    version: SALESFORCE_API_VERSION,
    refreshFn: (conn, callback) => {
      if (++refreshes > MAX_REFRESHES) {
        callback(new Error(`Salesforce still refuses the session after ${MAX_REFRESHES} refreshes`));
        return;
      }
      sessions.refresh(connectionId).then(
        (fresh) => {
          conn.instanceUrl = fresh.apiBaseUrl;
          callback(null, fresh.accessToken);
        },
        (error: Error) => callback(error),
      );
    },
  });
  connection._transport = new GuardedTransport(dispatcher);
  return connection;
}

export async function readSalesforcePage(
  connectionId: string,
  object: SalesforceObject,
  cursor: SyncCursor,
  sessions: SessionSource,
  dispatcher: Dispatcher,
): Promise<PageRead> {
  const connection = await openSalesforceConnection(connectionId, sessions, dispatcher);
  let calls = 0;
  const run = async (query: () => PromiseLike<QueryAnswer>) => {
    calls++;
    try {
      return await query();
    } catch (error) {
      if (errorCodeOf(error) === 'REQUEST_LIMIT_EXCEEDED') throw new SalesforceLimitExceeded((error as Error).message);
      throw error;
    }
  };
  const fresh = () =>
    run(
      () =>
        connection.query<SalesforceRow>(incrementalSoql(object, cursor), {
          autoFetch: false,
          scanAll: objectReadings[object].withDeleted,
        }) as unknown as PromiseLike<QueryAnswer>,
    );
  let answer: QueryAnswer;
  if (cursor.nextPage !== null) {
    const locator = cursor.nextPage;
    try {
      answer = await run(() => connection.queryMore<SalesforceRow>(locator) as unknown as PromiseLike<QueryAnswer>);
    } catch (error) {
      // A query's locator expires (15 minutes idle, or the org's cap on open cursors): the high-water mark, saved
      // with every page, restarts the query right after the last record stored.
      if (errorCodeOf(error) !== 'INVALID_QUERY_LOCATOR') throw error;
      answer = await fresh();
    }
  } else {
    answer = await fresh();
  }
  const last = answer.records.at(-1);
  const nextPage = answer.done ? null : (answer.nextRecordsUrl ?? null);
  const usage = connection.limitInfo.apiUsage;
  return {
    page: pageOf(object, answer.records),
    cursor: {
      highWater: last ? new Date(last.SystemModstamp).toISOString() : cursor.highWater,
      lastId: last ? last.Id : cursor.lastId,
      nextPage,
    },
    done: nextPage === null,
    ...(usage && { budget: { used: usage.used, limit: usage.limit } }),
    calls,
  };
}
