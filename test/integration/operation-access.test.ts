// The documented access is the enforced access: every /v1 operation in /openapi.json refuses, with 403, each
// credential its `security` does not list, and a rep token that acts for another rep than the request names.
// Operations come from the served contract, so a new one is covered the day it is declared.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { createRule, offerFor, putReps, uniqueRoutingId } from '../support/fixtures';
import type { HttpClient } from '../support/http';
import { useTestService } from '../support/suite-service';

interface DocumentedOperation {
  method: string;
  path: string;
  operationId: string;
  /** The security schemes it lists, e.g. ['repToken', 'adminKey']. */
  schemes: string[];
  /** A valid value for each path parameter that takes only listed values (e.g. `{provider}`). */
  listedPathValues: Record<string, string>;
}

describe('operation access', () => {
  const suite = useTestService();
  let experience: HttpClient;
  /** A rep token of a rep that no request below acts for. */
  let otherRep: HttpClient;
  /** Routed to `ana` and connected, so that ending its conversation asks who the connected rep is. */
  let routingId: string;
  let operations: DocumentedOperation[];

  before(async () => {
    experience = suite.admin.withToken(suite.service.keys.experienceKey);
    await putReps(suite.admin, ['ana', 'ben']);
    otherRep = await suite.admin.asRep('ben');
    await createRule(suite.admin, { name: 'ana only', routeTo: { users: ['ana'] }, offerTimeoutSeconds: 60 });
    routingId = uniqueRoutingId('access');
    assert.equal(
      (await experience.post('/v1/routings', { routingId, type: 'inbound', visitor: { id: 'v-access' } })).status,
      202,
    );
    await offerFor(suite.admin, 'ana', routingId);
    assert.equal((await suite.admin.accept(routingId, 'ana')).status, 200);
    assert.equal((await suite.admin.get(`/v1/routings/${routingId}?waitSeconds=10`)).body.status, 'connected');

    const document = (await suite.admin.get('/openapi.json')).body;
    operations = Object.entries<Record<string, any>>(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          // A public operation (the OAuth callback, which the provider calls without our credentials) takes none.
          .filter(([, operation]) => operation.security !== undefined)
          .map(([method, operation]) => ({
            method: method.toUpperCase(),
            path,
            operationId: operation.operationId,
            schemes: operation.security.flatMap((alternative: object) => Object.keys(alternative)),
            listedPathValues: Object.fromEntries(
              (operation.parameters ?? [])
                .filter((parameter: any) => parameter.in === 'path' && parameter.schema?.enum)
                .map((parameter: any) => [parameter.name, String(parameter.schema.enum[0])]),
            ),
          })),
      );
    assert.ok(operations.length > 25, `the contract lists ${operations.length} /v1 operations`);
  });

  /** The operation on things that exist, acting for `ana`: a refusal can only be about the credential. */
  function send(client: HttpClient, { method, path, listedPathValues }: DocumentedOperation) {
    const target = Object.entries(listedPathValues).reduce(
      (filled, [name, value]) => filled.replace(`{${name}}`, value),
      path.replace('{id}', path.startsWith('/v1/routings/') ? routingId : 'ana'),
    );
    const body = method === 'POST' || method === 'PUT' ? { repId: 'ana' } : undefined;
    return client.request(method, target, body);
  }

  const refusal = (response: { status: number; body?: { error?: { code?: string } } }) =>
    `${response.status} ${response.body?.error?.code ?? ''}`;

  test('a credential the contract does not list is refused with 403', async () => {
    const checked: string[] = [];
    for (const operation of operations) {
      for (const [scheme, client] of [
        ['adminKey', suite.admin],
        ['experienceKey', experience],
      ] as const) {
        if (operation.schemes.includes(scheme)) continue;
        const response = await send(client, operation);
        assert.equal(refusal(response), '403 forbidden', `${scheme} on ${operation.operationId}`);
        checked.push(`${scheme} ${operation.operationId}`);
      }
    }
    assert.ok(checked.includes('adminKey acceptOffer'), 'the admin key cannot accept in a rep’s name');
    assert.ok(checked.includes('experienceKey listUsers'));
  });

  test('a rep token is refused everywhere it does not act for its own rep', async () => {
    for (const operation of operations) {
      const response = await send(otherRep, operation);
      assert.equal(refusal(response), '403 forbidden', `another rep's token on ${operation.operationId}`);
    }
  });

  test('the credentials the contract lists are let through', async () => {
    const ana = await suite.admin.asRep('ana');
    const reads = operations.filter(
      (operation) => operation.method === 'GET' && !operation.path.endsWith('/events'), // a stream never ends
    );
    for (const operation of reads) {
      for (const [scheme, client] of [
        ['adminKey', suite.admin],
        ['experienceKey', experience],
        ['repToken', ana],
      ] as const) {
        if (!operation.schemes.includes(scheme)) continue;
        const response = await send(client, operation);
        assert.notEqual(response.status, 403, `${scheme} on ${operation.operationId}: ${refusal(response)}`);
        assert.notEqual(response.status, 401, `${scheme} on ${operation.operationId}`);
      }
    }
  });
});
