// The API's only door into Temporal: starts routing workflows, reads their state, and delivers rep messages. What the
// API writes of a routing (an accepted or cancelled outcome, an ended conversation) goes through the one writer of
// routing rows it is given, the one the worker's activities use too.
import { randomUUID } from 'node:crypto';
import {
  type Client,
  Connection,
  isGrpcServiceError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { RoutingRows } from '../activities/routing-rows';
import type { RoutingInput, RoutingState } from '../domain/routing';
import { longPollsOpen, routingStarts } from '../observability/metrics';
import { temporalCheck } from '../runtime/readiness';
import { TEMPORAL_UPDATE_TIMEOUT_MS, withTemporalDeadline } from '../runtime/temporal';
import { idleEndWorkflowId } from '../workflows/end-idle-conversation';
import {
  acceptUpdate,
  cancelUpdate,
  declineUpdate,
  refusalCodes,
  routingWorkflowType,
  stateQuery,
} from '../workflows/messages';
import { routingStatusKey } from '../workflows/search-attributes';
import { HttpError, notFound } from './http-error';
import type { StartRouting } from './schemas/routings';

export interface RoutingGatewayOptions {
  /**
   * Ask Temporal to hand each new routing's first workflow task straight back, to the worker sharing `client`'s
   * connection in this process: the routing skips the task queue, about 30 ms of its way to the first offer on the
   * embedded server. Needs the client built on that worker's NativeConnection; without a free slot there, or with
   * another worker, Temporal queues the task as usual.
   */
  eagerStart?: boolean;
  /**
   * The client for `waitSeconds` long polls, on a `@temporalio/client` Connection (the default, `client`, must be on
   * one otherwise): a NativeConnection, the worker's that `client` shares for eager starts, ignores abort signals
   * (SDK 1.24), so it could never cancel a wait.
   */
  longPollClient?: Client;
}

/** gRPC's NOT_FOUND: what Temporal answers for a workflow execution that does not exist (or no longer does). */
const GRPC_NOT_FOUND = 5;

/** A long poll's HTTP client went away; nobody reads the answer (nginx's code for it). */
const clientClosed = () => new HttpError(499, 'client_closed_request', 'the client closed the request');

export class RoutingGateway {
  private readonly longPollClient: Client;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly rows: RoutingRows,
    private readonly options: RoutingGatewayOptions = {},
  ) {
    this.longPollClient = options.longPollClient ?? client;
    // Otherwise every long poll would hold its Temporal call until its routing closes.
    if (!(this.longPollClient.connection instanceof Connection)) {
      throw new Error('long polls need a client on a @temporalio/client Connection: set longPollClient');
    }
  }

  /** Starts the delivery workflows of webhook deliveries the API has just recorded (presence changes). */
  startWebhookDeliveries(deliveryIds: readonly string[]): Promise<void> {
    return this.bounded(() => this.rows.webhooks.start(deliveryIds));
  }

  /** Starts the routing, or finds the one already started under the same id (open or closed): never a second. */
  async start(request: StartRouting): Promise<{ routingId: string; status: RoutingState['status'] }> {
    const routingId = request.routingId ?? randomUUID();
    const input: RoutingInput = {
      routingId,
      type: request.type,
      visitor: request.visitor,
      ...(request.experienceId !== undefined && { experienceId: request.experienceId }),
    };
    try {
      const handle = await this.bounded(() =>
        this.client.workflow.start(routingWorkflowType, {
          taskQueue: this.taskQueue,
          workflowId: routingId,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: routingStatusKey, value: 'routing' }],
          requestEagerStart: this.options.eagerStart ?? false,
        }),
      );
      routingStarts.inc({ dispatch: handle.eagerlyStarted ? 'eager' : 'queued' });
      return { routingId, status: 'routing' };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const state = await this.state(routingId);
      return { routingId, status: state.status };
    }
  }

  /**
   * The routing's state; with `waitSeconds`, first waits up to that long for it to reach an outcome. `clientGone`
   * (the HTTP request closed) ends the wait at once.
   */
  async state(routingId: string, waitSeconds = 0, clientGone?: AbortSignal): Promise<RoutingState> {
    try {
      if (waitSeconds > 0) {
        const finished = await this.outcomeWithin(routingId, waitSeconds, clientGone);
        if (finished) return finished;
      }
      const handle = this.client.workflow.getHandle<(input: RoutingInput) => Promise<RoutingState>>(routingId);
      return await this.bounded(() => handle.query(stateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound('routing', routingId);
      throw error;
    }
  }

  /**
   * The routing's final state if it closes within `waitSeconds`, else undefined. The SDK's result() long-polls the
   * history until the workflow closes, days for an open routing, so the call is cancelled, never abandoned: when the
   * wait is over or the client has gone. (Not with a gRPC deadline: the server answers a long poll early once less
   * than about a second of its deadline is left, and result() then asks again in a tight loop, hundreds of calls.)
   */
  private async outcomeWithin(
    routingId: string,
    waitSeconds: number,
    clientGone: AbortSignal | undefined,
  ): Promise<RoutingState | undefined> {
    if (clientGone?.aborted) throw clientClosed();
    const handle = this.longPollClient.workflow.getHandle<(input: RoutingInput) => Promise<RoutingState>>(routingId);
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), waitSeconds * 1000);
    const stopForClient = () => stop.abort();
    clientGone?.addEventListener('abort', stopForClient);
    longPollsOpen.inc();
    try {
      return await this.longPollClient.withAbortSignal(stop.signal, () => handle.result());
    } catch (error) {
      if (clientGone?.aborted) throw clientClosed();
      if (stop.signal.aborted) return undefined; // the wait is over
      if (error instanceof WorkflowFailedError) return undefined; // failed or terminated: the query explains it
      throw error;
    } finally {
      clearTimeout(timer);
      clientGone?.removeEventListener('abort', stopForClient);
      longPollsOpen.dec(); // only now has the SDK call settled
    }
  }

  /**
   * A finished routing's state, read from its recorded result: unlike a query, this needs no worker to replay the
   * history, so late answers to closed routings (stale offers, retries) cost the workers nothing.
   */
  private async finalState(routingId: string): Promise<RoutingState> {
    try {
      return await this.bounded(() =>
        this.client.workflow.getHandle<(input: RoutingInput) => Promise<RoutingState>>(routingId).result(),
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw notFound('routing', routingId);
      return this.state(routingId); // it failed or was terminated: ask it
    }
  }

  /**
   * A routing's recorded state, read the cheapest way: from its result once its row says it closed (no worker
   * replays it), otherwise by query.
   */
  recordedState(routingId: string, closed: boolean): Promise<RoutingState> {
    return closed ? this.finalState(routingId) : this.state(routingId);
  }

  /**
   * The rep takes the conversation. The workflow answers once its decision is recorded, with the change it
   * decided; writing that here, before answering, means a winner's 200 finds the conversation already listed
   * (the workflow writes the same change too, should this process die first).
   */
  async accept(routingId: string, repId: string): Promise<{ outcome: 'connected' }> {
    const { outcome, change } = await this.update(
      routingId,
      repId,
      () =>
        this.client.workflow.getHandle(routingId).executeUpdate(acceptUpdate, {
          args: [{ repId }],
          updateId: `accept:${repId}`,
        }),
      // A retry of an accept that won, whose first answer was a 503 (an outage), after the routing closed: still won.
      (state) => (state.repId === repId ? { outcome: 'connected' as const, change: undefined } : undefined),
    );
    if (change) await this.bounded(() => this.rows.write(change));
    return { outcome };
  }

  decline(routingId: string, repId: string) {
    return this.update(routingId, repId, () =>
      this.client.workflow.getHandle(routingId).executeUpdate(declineUpdate, {
        args: [{ repId }],
        updateId: `decline:${repId}`,
      }),
    );
  }

  /** The visitor left: like accept, the decided change is written before the answer. */
  async cancel(routingId: string): Promise<{ status: string }> {
    const { status, change } = await this.update(routingId, undefined, () =>
      this.client.workflow.getHandle(routingId).executeUpdate(cancelUpdate, { updateId: 'cancel' }),
    );
    await this.bounded(() => this.rows.write(change));
    return { status };
  }

  /**
   * The conversation is over: its rep's capacity is freed. False when none was open. The workflow that would have
   * ended it for idleness is cancelled, so it closes now (and falls under Temporal's retention) instead of sleeping
   * out its rule's time: best effort, the end stands whether or not Temporal answers.
   */
  async endConversation(routingId: string): Promise<boolean> {
    const ended = await this.rows.endConversation(routingId, 'requested');
    if (ended) {
      this.client.workflow
        .getHandle(idleEndWorkflowId(routingId))
        .cancel()
        .catch(() => undefined); // none (no idle rule), already closed, or Temporal away: it ends on its own timer
    }
    return ended;
  }

  /**
   * Turns the workflow's refusals into 409s carrying the workflow's reason as the error code. Once the routing has
   * closed, `whenClosed` may still answer from its final state.
   */
  private async update<T, C = never>(
    routingId: string,
    repId: string | undefined,
    send: () => Promise<T>,
    whenClosed?: (state: RoutingState) => C | undefined,
  ): Promise<T | C> {
    try {
      return await this.bounded(send, TEMPORAL_UPDATE_TIMEOUT_MS);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
        const code = error.cause.type ?? '';
        if ((refusalCodes as readonly string[]).includes(code)) throw new HttpError(409, code, error.cause.message);
        throw new HttpError(400, code || 'invalid_request', error.cause.message);
      }
      if (error instanceof WorkflowNotFoundError) {
        // The workflow has already finished (or never existed): explain from its final state.
        const state = await this.finalState(routingId);
        const answer = whenClosed?.(state);
        if (answer !== undefined) return answer;
        if (repId !== undefined && state.repId !== null && state.repId !== repId) {
          throw new HttpError(409, 'already_assigned', 'another rep accepted');
        }
        throw new HttpError(409, 'routing_closed', `routing is ${state.status}`);
      }
      throw error;
    }
  }

  /**
   * For a visitor's erasure: cancels the routing if it is still open (its visitor asked to be forgotten, so nobody
   * is to be offered them any more), then waits for its workflow to close, after which nothing writes its data again.
   * Returns whether this call cancelled it.
   */
  async closeForErasure(routingId: string): Promise<boolean> {
    let cancelled = true;
    try {
      await this.cancel(routingId);
    } catch (error) {
      // It closed on its own meanwhile (routing_closed), or its workflow is gone already.
      if (!(error instanceof HttpError && (error.status === 409 || error.status === 404))) throw error;
      cancelled = false;
    }
    try {
      await this.bounded(() => this.client.workflow.getHandle(routingId).result());
    } catch (error) {
      // Failed, terminated or deleted: closed all the same.
      if (!(error instanceof WorkflowFailedError || error instanceof WorkflowNotFoundError)) throw error;
    }
    return cancelled;
  }

  /** Deletes a closed routing's workflow history (its input holds the visitor). False when there was none. */
  async deleteHistory(routingId: string): Promise<boolean> {
    try {
      await this.bounded(() =>
        this.client.workflowService.deleteWorkflowExecution({
          namespace: this.client.options.namespace,
          workflowExecution: { workflowId: routingId },
        }),
      );
      return true;
    } catch (error) {
      if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND) return false;
      throw error;
    }
  }

  /** For /readyz: Temporal answers a cheap call within the readiness timeout. */
  checkTemporal(): Promise<void> {
    return temporalCheck(this.client)();
  }

  /**
   * Temporal calls made while a request waits end by a deadline, so an unreachable server answers 503
   * `temporal_unavailable` (see http-error.ts) instead of holding the request while the SDK retries.
   */
  private bounded<T>(call: () => Promise<T>, timeoutMs?: number): Promise<T> {
    return withTemporalDeadline(this.client, call, timeoutMs);
  }
}
