// One declaration per HTTP operation: method, path, who may call it, the schemas of its inputs and answers, and its
// handler. The Express routes (operationsRouter, below) and the contract's paths (api/openapi.ts) are both made from
// these declarations, so the documented access is the enforced access and no route goes undocumented.
//
// To add an operation: declare it with `operation({...})` in the api/routes/ module of its resource (a new module's
// list goes into `operations` in api/routes/index.ts), choosing its `access` rule from api/access.ts. The generated
// route then, in this order (after the app's /v1 authentication, 401; a `publicAccess` operation lives outside /v1
// and takes no credential): parses the path parameters (400), checks access (403; a rule that reads the body runs
// after it is parsed), parses the query and the body (400), and calls `handle` with the parsed input. `handle` returns
// `{ status, body, headers }` with a status its `responses` declare; only a stream answers through `context.res`
// itself. What handlers need beyond that goes into OperationDeps (api/app.ts).
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import type { OutboundPolicy } from '../outbound/destination-policy';
import type { Db } from '../store/database';
import type { AccessRule } from './access';
import { type Principal, principalOf } from './auth';
import type { ConsoleLeases } from './console-leases';
import { parseOr400 } from './http-error';
import type { RepEventHub } from './rep-event-hub';
import type { ConnectionsDependencies } from './routes/connections';
import type { RoutingGateway } from './routing-gateway';
import type { WhatIfRuns } from './what-if-runs';

/** What handlers work with, built once by the app. */
export interface OperationDeps {
  db: Db;
  routings: RoutingGateway;
  /** Delivers reps' event streams. */
  events: RepEventHub;
  /** Comment lines sent on idle event streams. */
  heartbeatMs: number;
  /** Leases reps' own event streams, when presence follows the console (CONSOLE_PRESENCE_GRACE_SECONDS). */
  consoleLeases?: ConsoleLeases;
  /** Which webhook URLs and connection base URLs may be registered. */
  outbound: OutboundPolicy;
  /** Connections' secrets, token calls and syncs (api/routes/connections.ts). */
  connections: ConnectionsDependencies;
  /** Starts what-if replays (api/routes/what-if.ts). */
  whatIf: WhatIfRuns;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A request's inputs, each parsed with the schema the operation declares (undefined where it declares none). */
export interface Input<P, Q, B, H = undefined> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** The request headers the operation declares (lower-case names, as Node gives them). */
  headers: Parsed<H>;
}

export interface HandlerContext<ActsFor> {
  deps: OperationDeps;
  /** Who calls (none for a `publicAccess` operation, whose rule and handler look at none). */
  principal: Principal;
  /** The rep the access rule found the request acting for (rep rules only). */
  actsFor: ActsFor;
  req: Request;
  res: Response;
}

/** A JSON answer (none for 204), with one of the statuses the operation declares. */
export interface Reply<Status extends number> {
  status: Status;
  body?: unknown;
  /** E.g. the `Location` of a redirect; its `responses` entry documents it. */
  headers?: Record<string, string>;
}

export interface Operation<
  P extends z.ZodObject | undefined,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  ActsFor,
  Status extends number,
  H extends z.ZodObject | undefined = undefined,
> {
  method: 'get' | 'put' | 'post' | 'delete';
  /** OpenAPI path syntax: `{id}`, not `:id`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  /** More than the summary, after the access rule's text in the contract. */
  description?: string;
  /** Checked against the declared inputs: a rule that reads `params.id` needs an operation that declares it. */
  access: AccessRule<NoInfer<Input<P, Q, B, H>>, ActsFor>;
  params?: P;
  query?: Q;
  body?: B;
  /** Request headers the operation reads (e.g. `if-match`), parsed like the query and stated in the contract. */
  headers?: H;
  /** Bodies above this size are refused with 413 (the parser's limit is set in api/app.ts); 1 MB by default. */
  bodyLimit?: string;
  /** Temporal is called while the client waits: its outages are documented among the 503s. */
  callsTemporal?: boolean;
  responses: Record<Status, ResponseConfig>;
  /** Failures particular to this operation (404, 409, a more specific 400); the common ones are documented for all. */
  failures?: Record<number, string>;
  /** Answers with a reply; returns undefined only when it has answered through `context.res` (a stream). */
  handle: (input: Input<P, Q, B, H>, context: HandlerContext<ActsFor>) => Promise<Reply<NoInfer<Status>> | undefined>;
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds operations of every input and answer type.
export type AnyOperation = Operation<any, any, any, any, number, any>;

/** Declares an operation; only infers its types. */
export function operation<
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  ActsFor = undefined,
  Status extends number = number,
  H extends z.ZodObject | undefined = undefined,
>(declaration: Operation<P, Q, B, ActsFor, Status, H>): AnyOperation {
  return declaration as AnyOperation;
}

/** A JSON response of `schema`. */
export const json = (schema: z.ZodType, description: string): ResponseConfig => ({
  description,
  content: { 'application/json': { schema } },
});
export const noContent: ResponseConfig = { description: 'Done; no body.' };

/**
 * OpenAPI links from an operation that creates something to the operations on it, so that clients (and the stateful
 * phase of test/integration/schemathesis.test.ts) can chain them: `id` is taken from the response at `idPointer`.
 */
export function linksTo(idPointer: string, operationIds: string[]): ResponseConfig['links'] {
  return Object.fromEntries(
    operationIds.map((operationId) => [
      operationId[0]?.toUpperCase() + operationId.slice(1),
      { operationId, parameters: { id: `$response.body#${idPointer}` } },
    ]),
  );
}
export const withLinks = (response: ResponseConfig, links: ResponseConfig['links']): ResponseConfig => ({
  ...response,
  links,
});

/** `/v1/users/{id}` → `/v1/users/:id`. */
const expressPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function route(declared: AnyOperation, deps: OperationDeps) {
  return async (req: Request, res: Response) => {
    const principal = principalOf(res);
    const input: Input<unknown, unknown, unknown, unknown> = {
      params: declared.params ? parseOr400(declared.params, req.params, 'path') : undefined,
      query: undefined,
      body: undefined,
      headers: undefined,
    };
    const checkAccess = () => declared.access.check({ principal, input, db: deps.db });
    let actsFor = declared.access.readsBody ? undefined : await checkAccess();
    if (declared.query) input.query = parseOr400(declared.query, req.query, 'query');
    if (declared.headers) input.headers = parseOr400(declared.headers, req.headers, 'headers');
    if (declared.body) input.body = parseOr400(declared.body, req.body);
    if (declared.access.readsBody) actsFor = await checkAccess();
    const reply = await declared.handle(input, { deps, principal, actsFor, req, res });
    if (!reply) return;
    if (reply.headers) res.set(reply.headers);
    if (reply.body === undefined) res.status(reply.status).end();
    else res.status(reply.status).json(reply.body);
  };
}

/** The Express routes of `operations`, in their order (a literal path before a templated one that also matches it). */
export function operationsRouter(operations: readonly AnyOperation[], deps: OperationDeps): Router {
  const router = Router();
  for (const declared of operations) router[declared.method](expressPath(declared.path), route(declared, deps));
  return router;
}

/** The method and path each operation is served at, as the contract lists them. */
export const routeTable = (operations: readonly AnyOperation[]): string[] =>
  operations.map((declared) => `${declared.method.toUpperCase()} ${declared.path}`);
