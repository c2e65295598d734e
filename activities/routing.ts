// The routing workflow's reads and writes. Each is idempotent, so a retried local activity is harmless.
import { Context } from '@temporalio/activity';
import { assessCandidates } from '../domain/eligibility';
import { eligibleRepIds, offerRecord, offerTimeoutMs } from '../domain/offers';
import type { Candidate, RoutingType, RuleMatch } from '../domain/routing';
import type { Target } from '../domain/rules';
import { planStages } from '../domain/stage-plan';
import type { Visitor } from '../domain/visitor';
import type { Db } from '../store/database';
import { targetUserIds, userIdsByEmail, usersByIds } from '../store/directory';
import {
  activeConversationCounts,
  applyRoutingProjection,
  openPounceRoutingIds,
  type RoutingProjectionChange,
  type RoutingRecord,
} from '../store/projection';
import { takeTurn } from '../store/round-robin';
import { currentRuleIndex } from '../store/rules';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { writeRoutingChange } from './routing-change';
import { startUndispatchedDeliveries, type WebhookDispatch } from './webhook-dispatch';

/**
 * A routing's start: its rule, the pounces it supersedes, and, when the first stage needs no CRM, its candidates
 * and the reps already shown its offers (first available), made at the routing's start.
 */
export interface RoutingStart extends RuleMatch {
  pounceRoutingIds: string[];
  firstStage?: { name: string; candidates: Candidate[]; shown: string[] };
}

export function createRoutingActivities(db: Db, webhookRetry?: WebhookRetry) {
  /**
   * The people a stage names (by target, or by email for owner stages), each with whether they may be offered
   * now and why not. Emails that belong to no user come back as `unknown_user` under the email itself.
   */
  async function resolveStage({
    target,
    emails = [],
    alreadyTried,
  }: {
    target?: Target;
    emails?: string[];
    alreadyTried: string[];
  }): Promise<Candidate[]> {
    const byEmail = await userIdsByEmail(db, emails);
    const ids = [...new Set([...(target ? await targetUserIds(db, target) : []), ...byEmail.values()])];
    const [users, activeConversations] = await Promise.all([usersByIds(db, ids), activeConversationCounts(db, ids)]);
    const assessed = assessCandidates(ids, { users, activeConversations }, new Set(alreadyTried));
    const unknownEmails = emails.filter((email) => !byEmail.has(email.toLowerCase()));
    return [
      ...assessed,
      ...unknownEmails.map((email): Candidate => ({ userId: email, email, eligible: false, reason: 'unknown_user' })),
    ];
  }

  /** Where webhook deliveries a write owes are started: this activity's own client and task queue. */
  function dispatch(): WebhookDispatch {
    const { client, info } = Context.current();
    return { client, taskQueue: info.taskQueue, ...(webhookRetry && { retry: webhookRetry }) };
  }

  return {
    /** The first enabled rule of the current rule set that matches, with the version it came from. */
    async matchRule({ visitor }: { visitor: Visitor }): Promise<RuleMatch> {
      const { version, index } = await currentRuleIndex(db);
      return { ruleSetVersion: version, rule: index.match(visitor) ?? null };
    },

    /**
     * A routing's first step, in one local activity to keep its history short and its first offer quick: records
     * a pounce routing's row (so an inbound routing of the same visitor can find it), matches the rule, for an inbound
     * routing lists the visitor's open pounce routings to supersede, and resolves the first stage when it names
     * users (owner stages ask a CRM, in their own activities), showing its offers when it offers everyone at once.
     */
    async beginRouting({
      routingId,
      type,
      visitor,
      startedAt,
    }: {
      routingId: string;
      type: RoutingType;
      visitor: Visitor;
      startedAt: string;
    }): Promise<RoutingStart> {
      const { version, index } = await currentRuleIndex(db);
      const rule = index.match(visitor) ?? null;
      const routing: RoutingRecord = {
        type,
        visitorId: visitor.id,
        status: 'routing',
        ruleId: rule?.id ?? null,
        repId: null,
        startedAt,
        endedAt: null,
      };
      // An inbound routing's row waits for its first write (offers, or its outcome): only pounces are looked up early.
      if (type === 'pounce') {
        await applyRoutingProjection(db, { routingId, routing, visitor, created: [], closed: [] });
      }
      const pounceRoutingIds = type === 'inbound' ? await openPounceRoutingIds(db, visitor.id, routingId) : [];
      const first = rule ? planStages(rule, visitor)[0] : undefined;
      if (!rule || first?.source.kind !== 'users') return { ruleSetVersion: version, rule, pounceRoutingIds };
      const candidates = await resolveStage({ target: first.source.target, alreadyTried: [] });
      // A first-available stage offers everyone eligible: shown from here, the offers are one local activity sooner.
      const shown = rule.distribution === 'first_available' ? eligibleRepIds(candidates) : [];
      if (shown.length > 0) {
        const expiresAt = new Date(Date.parse(startedAt) + offerTimeoutMs(rule)).toISOString();
        const offered = { routingId, type, ruleId: rule.id };
        await writeRoutingChange(db, dispatch(), {
          routingId,
          routing,
          visitor,
          created: shown.map((repId) =>
            offerRecord(offered, { repId, stage: first.name, offeredAt: startedAt, expiresAt }),
          ),
          closed: [],
          liveRepIds: shown,
        });
      }
      return { ruleSetVersion: version, rule, pounceRoutingIds, firstStage: { name: first.name, candidates, shown } };
    },

    resolveStage,

    /** The next turn of a round-robin rotation; concurrent routings each get their own. */
    takeRoundRobinTurn({ rotationKey, routingId }: { rotationKey: string; routingId: string }): Promise<number> {
      return takeTurn(db, rotationKey, routingId);
    },

    /** Mirrors the workflow's offers (and its connection) into the tables reps and capacity checks read. */
    async writeRoutingProjection(change: RoutingProjectionChange): Promise<void> {
      const dispatchTo = dispatch();
      await writeRoutingChange(db, dispatchTo, change);
      // A retry may follow an attempt that committed its deliveries but stopped before starting them.
      if (Context.current().info.attempt > 1) await startUndispatchedDeliveries(db, dispatchTo, change.routingId);
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;
