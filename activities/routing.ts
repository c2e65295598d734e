// The routing workflow's reads and writes. Each is idempotent, so a retried local activity is harmless.
import { Context } from '@temporalio/activity';
import type { Target } from '../api/schemas/rules';
import type { Visitor } from '../api/schemas/visitor';
import type { Db } from '../store/database';
import { targetUserIds, userIdsByEmail, usersByIds } from '../store/directory';
import {
  activeConversationCounts,
  applyRoutingProjection,
  openPounceRoutingIds,
  type RoutingProjectionChange,
} from '../store/projection';
import { takeTurn } from '../store/round-robin';
import { currentRuleIndex } from '../store/rules';
import type { WebhookRetry } from '../workflows/deliver-webhook';
import { assessCandidates } from '../workflows/routing/eligibility';
import { planStages } from '../workflows/routing/stages';
import type { Candidate, RoutingType, RuleMatch } from '../workflows/routing/types';
import { writeRoutingChange } from './routing-change';
import { startUndispatchedDeliveries } from './webhook-dispatch';

/** A routing's start: its rule, the pounces it supersedes, and its first stage's candidates when that needs no CRM. */
export interface RoutingStart extends RuleMatch {
  pounceRoutingIds: string[];
  firstStage?: { name: string; candidates: Candidate[] };
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
     * users (owner stages ask a CRM, in their own activities).
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
      // An inbound routing's row waits for its first write (offers, or its outcome): only pounces are looked up early.
      if (type === 'pounce') {
        await applyRoutingProjection(db, {
          routingId,
          created: [],
          closed: [],
          routing: {
            type,
            visitorId: visitor.id,
            status: 'routing',
            ruleId: rule?.id ?? null,
            repId: null,
            startedAt,
            endedAt: null,
          },
        });
      }
      const pounceRoutingIds = type === 'inbound' ? await openPounceRoutingIds(db, visitor.id, routingId) : [];
      const first = rule ? planStages(rule, visitor)[0] : undefined;
      const firstStage =
        first?.source.kind === 'users'
          ? { name: first.name, candidates: await resolveStage({ target: first.source.target, alreadyTried: [] }) }
          : undefined;
      return { ruleSetVersion: version, rule, pounceRoutingIds, ...(firstStage && { firstStage }) };
    },

    resolveStage,

    /** The next turn of a round-robin rotation; concurrent routings each get their own. */
    takeRoundRobinTurn({ rotationKey, routingId }: { rotationKey: string; routingId: string }): Promise<number> {
      return takeTurn(db, rotationKey, routingId);
    },

    /** Mirrors the workflow's offers (and its connection) into the tables reps and capacity checks read. */
    async writeRoutingProjection(change: RoutingProjectionChange): Promise<void> {
      const { client, info } = Context.current();
      const dispatch = { client, taskQueue: info.taskQueue, ...(webhookRetry && { retry: webhookRetry }) };
      await writeRoutingChange(db, dispatch, change);
      // A retry may follow an attempt that committed its deliveries but stopped before starting them.
      if (info.attempt > 1) await startUndispatchedDeliveries(db, dispatch, change.routingId);
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;
