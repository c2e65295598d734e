// The routing workflow's messages, defined once and imported by both the workflow and the API.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RoutingState } from '../domain/routing';
import type { RoutingProjectionChange } from '../store/projection';

export const routingWorkflowType = 'routeVisitor';

export const stateQuery = defineQuery<RoutingState>('state');

export interface RepMessage {
  repId: string;
}

/**
 * A rep takes the conversation. Refused (never recorded) unless that rep holds a live offer and nobody has won.
 * Answers with the database change the accept decided, for the API to write (see handlers.ts).
 */
export const acceptUpdate = defineUpdate<{ outcome: 'connected'; change: RoutingProjectionChange }, [RepMessage]>(
  'accept',
);
export const declineUpdate = defineUpdate<{ outcome: 'declined' }, [RepMessage]>('decline');
/** The visitor left. Answers like accept, with the change to write. */
export const cancelUpdate = defineUpdate<{ status: string; change: RoutingProjectionChange }, []>('cancel');

/** Sent by an inbound routing to the same visitor's open pounce routings: they end as `superseded`. */
export const supersedeSignal = defineSignal<[{ byRoutingId: string }]>('supersede');

/** `ApplicationFailure.type` of a refused update; the API answers 409 with it as the error code. */
export const refusalCodes = ['already_assigned', 'not_offered', 'routing_closed'] as const;
export type RefusalCode = (typeof refusalCodes)[number];
