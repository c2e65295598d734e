// @ts-check
// Shapes the console reads from the API. Where the server's own types hold no server code they are imported, so the
// type check notices when the API changes under the console; the rest mirror api/schemas/responses.ts.

/** @typedef {import('../domain/visitor').Visitor} Visitor */
/** @typedef {import('../domain/users').User} User */
/** @typedef {import('../domain/users').Group} Group */
/**
 * A user as GET /v1/users lists them, with what least busy weighs.
 * @typedef {User & { activeConversations: number, lastConversationAt: string | null }} ListedUser
 */
/** @typedef {import('../domain/users').PresenceStatus} PresenceStatus */
/** @typedef {import('../domain/rules').Rule} Rule */
/** @typedef {import('../domain/rules').Distribution} Distribution */
/** @typedef {import('../domain/routing').Candidate} Candidate */
/** @typedef {import('../domain/routing').RoutingState} RoutingState */

/**
 * A live offer, from GET /v1/reps/:id/offers or an `offer.created` event.
 * @typedef {{ routingId: string, type: string, visitor: Visitor, ruleId: string, stage: string,
 *   offeredAt: string, expiresAt: string }} LiveOffer
 */

/** @typedef {{ routingId: string, type: string, visitor: Visitor, startedAt: string }} OpenConversation */

/**
 * @typedef {{ ruleSetVersion: number,
 *   rule: { id: string, name: string, distribution: Distribution, offerTimeoutSeconds: number } | null,
 *   stages: { name: string, candidates: Candidate[], identifiedBy?: string, skipped?: 'nobody_eligible',
 *     offerOrder?: { decidedBy: Distribution, order: string[] } }[],
 *   outcomeIfNobodyAccepts: string, meetingBooker: { userIds: string[] } | null }} Simulation
 */

/**
 * @typedef {{ version: number, createdAt: string | null, publishedAt: string | null, publishedBy: string | null,
 *   rules: Rule[] }} RuleSet
 */

/**
 * @typedef {{ id: string, baseVersion: number, revision: number, createdAt: string, updatedAt: string,
 *   rules: Rule[] }} RuleDraft
 */

/**
 * A routing as the search lists it (GET /v1/routings).
 * @typedef {{ routingId: string, type: string, status: string, ruleId: string | null, repId: string | null,
 *   visitor: Visitor, startedAt: string, endedAt: string | null, firstOfferAt: string | null,
 *   acceptedAt: string | null }} RoutingSummary
 */

/** @typedef {{ routings: RoutingSummary[], nextCursor: string | null }} RoutingPage */

/** @typedef {{ count: number, medianMs: number | null, p90Ms: number | null }} Delays */

/**
 * Rows of the reports (GET /v1/reports/...); `key` is a UTC day's or hour's start, a rule id or a rep id.
 * @typedef {{ key: string | null, routings: number, toFirstOffer: Delays, toAccept: Delays }} SpeedToLeadRow
 * @typedef {{ key: string | null, routings: number, open: number, outcomes: Record<string, number> }} OutcomesRow
 * @typedef {{ repId: string, offered: number, accepted: number, declined: number, timedOut: number,
 *   withdrawn: number, pending: number }} RepOffersRow
 * @typedef {{ ruleId: string, stage: string, repId: string, firstOffers: number, routings: number, share: number,
 *   fairShare: number }} FirstOfferShareRow
 */

export {};

/** @typedef {import('../domain/what-if').FirstOfferOutcome} WhatIfFirstOffer */
/** @typedef {import('../domain/what-if').WhatIfExample} WhatIfExample */
/**
 * A what-if's result, as GET /v1/rules/what-if/{id} answers it once done (api/schemas/what-if.ts).
 * @typedef {{ total: number, skipped: number, changed: number, ruleChanged: number, stageChanged: number,
 *   repsChanged: number, nowUnmatched: number,
 *   rules: { ruleId: string | null, name: string | null, before: number, after: number }[],
 *   reps: { repId: string, before: { firstOffers: number, share: number }, after: { firstOffers: number, share: number } }[],
 *   examples: { changed: WhatIfExample[], nowUnmatched: WhatIfExample[] } }} WhatIfResult
 */
/**
 * A what-if run: its progress and, once done, its result.
 * @typedef {{ id: string, status: 'running' | 'done' | 'failed',
 *   progress: { total: number | null, skipped: number | null, replayed: number },
 *   error: string | null, result?: WhatIfResult }} WhatIfRun
 */
