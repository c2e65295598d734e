// Prepares a Temporal namespace for routing: creates it when missing and registers the routing search attributes.
// Idempotent, and only through Temporal's public API (WorkflowService and OperatorService), so the same code
// prepares the local cluster, a cluster you already run, or a Temporal Cloud namespace (which must exist already:
// Cloud namespaces are created in Cloud's own console or API).
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { routingSearchAttributes } from '../workflows/search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

/** Temporal's enum for each of the SDK's search attribute types. */
const indexedValueType: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export interface PrepareOptions {
  /** How long a namespace created here keeps closed routings' histories. */
  retentionDays: number;
  /** A namespace or search attribute just created takes a few seconds to reach every frontend: wait this long. */
  propagationTimeoutMs?: number;
  log?: (message: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const hasCode = (error: unknown, code: grpcStatus) => (error as { code?: unknown })?.code === code;

/** Retries `probe` until it resolves, for changes that reach the cluster's caches a little later. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms: ${(error as Error).message}`);
      await sleep(500);
    }
  }
}

/** Creates `namespace` if missing, then adds each routing search attribute it lacks; changes nothing else. */
export async function prepareNamespace(connection: Connection, namespace: string, options: PrepareOptions) {
  const log = options.log ?? (() => {});
  const timeoutMs = options.propagationTimeoutMs ?? 60_000;
  try {
    await connection.workflowService.describeNamespace({ namespace });
    log(`namespace ${namespace}: exists`);
  } catch (error) {
    if (!hasCode(error, grpcStatus.NOT_FOUND)) throw error;
    await connection.workflowService
      .registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(`${options.retentionDays} days`),
      })
      .catch((registerError) => {
        // Another process preparing the same cluster got there first.
        if (!hasCode(registerError, grpcStatus.ALREADY_EXISTS)) throw registerError;
      });
    log(`namespace ${namespace}: created (retention ${options.retentionDays} days)`);
  }

  // Read through the frontend's namespace cache, which learns of a namespace just created within seconds.
  const { customAttributes } = await eventually(`namespace ${namespace} known to the frontend`, timeoutMs, () =>
    connection.operatorService.listSearchAttributes({ namespace }),
  );
  const existing = customAttributes ?? {};
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of routingSearchAttributes) {
    const wanted = indexedValueType[key.type];
    const found = existing[key.name];
    if (found === undefined) missing[key.name] = wanted;
    else if (found !== wanted) {
      throw new Error(`search attribute ${key.name} exists with another type (${IndexedValueType[found]})`);
    }
  }
  if (Object.keys(missing).length > 0) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  // A start naming an attribute the frontend does not know yet is refused: wait until a query can use them all.
  const query = routingSearchAttributes.map((key) => `${key.name} IS NULL`).join(' AND ');
  await eventually('search attributes usable', timeoutMs, () =>
    connection.workflowService.countWorkflowExecutions({ namespace, query }),
  );
  log(
    `search attributes: ${Object.keys(missing).length === 0 ? 'all present' : `added ${Object.keys(missing).join(', ')}`}`,
  );
}
