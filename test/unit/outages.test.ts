// What counts as an outage (503) and what does not (a bug: 500), judged on the errors the real libraries raise when
// their server or file is out of reach. No server is needed: each error comes from reaching for one that is not there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { Connection } from '@temporalio/client';
import SqliteDatabase from 'better-sqlite3';
import { Client } from 'pg';
import { unavailableDependency } from '../../runtime/outages';
import { freePort } from '../../runtime/ports';

/** The error `attempt` rejects with (it must reject). */
async function errorOf(attempt: () => Promise<unknown>): Promise<unknown> {
  try {
    await attempt();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('unavailableDependency', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'routing-outages-unit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('PostgreSQL refusing connections is a database outage', async () => {
    const client = new Client({ host: '127.0.0.1', port: await freePort(), user: 'nobody' });
    assert.equal(unavailableDependency(await errorOf(() => client.connect())), 'database');
  });

  test('a SQLite file that cannot be opened is a database outage; a constraint violation is not', () => {
    const cantOpen = (() => {
      try {
        new SqliteDatabase(dir); // a directory, not a database file: SQLITE_CANTOPEN
      } catch (error) {
        return error;
      }
    })();
    assert.equal(unavailableDependency(cantOpen), 'database');

    const sqlite = new SqliteDatabase(path.join(dir, 'constraint.sqlite'));
    sqlite.exec('create table t (id text primary key)');
    sqlite.exec("insert into t values ('a')");
    const duplicate = (() => {
      try {
        sqlite.exec("insert into t values ('a')");
      } catch (error) {
        return error;
      }
    })();
    sqlite.close();
    assert.match((duplicate as { code: string }).code, /^SQLITE_CONSTRAINT/);
    assert.equal(unavailableDependency(duplicate), undefined);
  });

  test('a Temporal call to a server that is not there, ended by its deadline, is a Temporal outage', async () => {
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    try {
      const error = await errorOf(() =>
        connection.withDeadline(Date.now() + 500, () => connection.workflowService.getSystemInfo({})),
      );
      assert.equal(unavailableDependency(error), 'temporal');
    } finally {
      await connection.close();
    }
  });

  test('a query no worker polls for is a worker outage', () => {
    // What Temporal answers when no worker has polled a routing's task queue lately, as the Schemathesis run saw it
    // (a routing left by an earlier pass, whose worker had stopped): FAILED_PRECONDITION with this text.
    const noPoller = { code: 9, details: 'no poller seen for task queue recently', metadata: {} };
    assert.equal(unavailableDependency({ message: 'Failed to query Workflow', cause: noPoller }), 'worker');
    // Another FAILED_PRECONDITION is the request's fault, not an outage.
    assert.equal(unavailableDependency({ code: 9, details: 'Workflow execution already completed' }), undefined);
  });

  test('anything else is not an outage', () => {
    assert.equal(unavailableDependency(new Error('Cannot read properties of undefined')), undefined);
    assert.equal(unavailableDependency(new TypeError('x is not a function')), undefined);
    assert.equal(unavailableDependency({ code: 3, details: 'invalid argument' }), undefined); // gRPC INVALID_ARGUMENT
    assert.equal(unavailableDependency(undefined), undefined);
  });
});
