// The routing workflow's reads and writes. Each is idempotent, so a retried local activity is harmless.
import { Context } from '@temporalio/activity';
import { assessCandidates } from '../domain/eligibility';
import { firstOffersShownAtStart, takesTurnAtStart } from '../domain/first-offers';
import { eligibleRepIds, offerRecord } from '../domain/offers';
import {
  leastBusyOrder,
  type RepLoad,
  type RotationPeriod,
  type RotationTurn,
  rotationKey,
  rotationPeriodOf,
  type WeightedRep,
} from '../domain/rotation';
import type { Candidate, RoutingType, RuleMatch, StageSource } from '../domain/routing';
import { routingRow } from '../domain/routing-row';
import type { Target } from '../domain/rules';
import { planStages } from '../domain/stage-plan';
import type { Visitor } from '../domain/visitor';
import { type StageCheckRep, stageCheckReps } from '../domain/what-if';
import { startOfLocalDay } from '../domain/working-hours';
import type { Db } from '../store/database';
import { targetUserIds, userIdsByEmail, usersByIds, workingHoursByUser } from '../store/directory';
import {
  activeConversationCounts,
  conversationsStartedSince,
  lastConversationTimes,
  openPounceRoutingIds,
  type RoutingProjectionChange,
} from '../store/projection';
import { peekWeightedTurn, takeTurn, takeWeightedTurn } from '../store/round-robin';
import { currentRuleIndex } from '../store/rules';
import type { RoutingRows } from './routing-rows';

/**
 * A routing's start: its rule, the pounces it supersedes, and, when the first stage needs no CRM, its candidates
 * and the reps already shown its offers (first available: everyone eligible; round robin: the first of the rotation
 * `turn` it took), made at the routing's start.
 */
export interface RoutingStart extends RuleMatch {
  pounceRoutingIds: string[];
  firstStage?: { name: string; candidates: Candidate[]; shown: string[]; turn?: RotationTurn };
}

/** A stage's people to look up: by target, or by email for owner stages. */
export interface StageQuery {
  target?: Target;
  emails?: string[];
  alreadyTried: string[];
  /** The instant working hours and daily caps are judged at: the routing's clock; now when absent. */
  at?: string;
}

/** Set when a routing checks one of its stages: the check is recorded for what-if replays (domain/what-if.ts). */
export interface StageCheckOf {
  routingId: string;
  stage: string;
  source: StageSource;
}

/** The routing activities that only read: simulations run them too (api/simulation.ts). */
export function createRoutingReads(db: Db) {
  /**
   * The people a stage names (by target, or by email for owner stages), each with whether they may be offered
   * at `at` (the routing's clock; now when absent) and why not, and what the directory said of each (what a
   * routing's check records). Emails that belong to no user come back as `unknown_user` under the email itself.
   */
  async function checkStage({
    target,
    emails = [],
    alreadyTried,
    at = new Date().toISOString(),
  }: StageQuery): Promise<{ candidates: Candidate[]; reps: StageCheckRep[] }> {
    const byEmail = await userIdsByEmail(db, emails);
    const ids = [...new Set([...(target ? await targetUserIds(db, target) : []), ...byEmail.values()])];
    const [users, activeConversations, lastConversations] = await Promise.all([
      usersByIds(db, ids),
      activeConversationCounts(db, ids),
      lastConversationTimes(db, ids),
    ]);
    const workingHours = await workingHoursByUser(db, users);
    // A daily cap counts from the start of the rep's day in their (first) working hours' zone, UTC without any.
    const capped = [...users.values()].filter((user) => user.dailyAcceptCap !== null);
    const acceptedToday = await conversationsStartedSince(
      db,
      new Map(capped.map((user) => [user.id, startOfLocalDay(at, workingHours.get(user.id)?.[0]?.timeZone ?? 'UTC')])),
    );
    const directory = { users, activeConversations, workingHours, acceptedToday, at };
    const assessed = assessCandidates(ids, directory, new Set(alreadyTried));
    const unknownEmails = emails.filter((email) => !byEmail.has(email.toLowerCase()));
    return {
      candidates: [
        ...assessed,
        ...unknownEmails.map((email): Candidate => ({ userId: email, email, eligible: false, reason: 'unknown_user' })),
      ],
      reps: stageCheckReps([...ids, ...unknownEmails], { ...directory, lastConversations }),
    };
  }

  /**
   * The reps `repIds` checked again now, and those eligible ordered least busy first (domain/rotation.ts), with the
   * loads that ordered them.
   */
  async function rankLeastBusy({
    repIds,
    alreadyTried,
    at,
  }: {
    repIds: string[];
    alreadyTried: string[];
    /** The routing's clock, as for resolveStage. */
    at?: string;
  }): Promise<{ candidates: Candidate[]; order: RepLoad[] }> {
    const { candidates } = await checkStage({
      target: { users: repIds, groups: [], allUsers: false },
      alreadyTried,
      ...(at !== undefined && { at }),
    });
    const eligible = candidates.filter((candidate) => candidate.eligible).map((candidate) => candidate.userId);
    const [users, active, last] = await Promise.all([
      usersByIds(db, eligible),
      activeConversationCounts(db, eligible),
      lastConversationTimes(db, eligible),
    ]);
    const loads = eligible.map(
      (repId): RepLoad => ({
        repId,
        activeConversations: active.get(repId) ?? 0,
        capacity: users.get(repId)?.capacity ?? null,
        lastConversationAt: last.get(repId) ?? null,
      }),
    );
    return { candidates, order: leastBusyOrder(loads) };
  }

  /** The weighted rotation's next turn over `eligible` as it stands, without taking it: what simulate shows. */
  function peekRotationTurn({
    rotationKey,
    period,
    at,
    eligible,
  }: {
    rotationKey: string;
    period: RotationPeriod;
    at: string;
    eligible: WeightedRep[];
  }): Promise<RotationTurn> {
    return peekWeightedTurn(db, { rotationKey, period: rotationPeriodOf(period, at), eligible });
  }

  return {
    /** The first enabled rule of the current rule set that matches, with the version it came from. */
    async matchRule({ visitor }: { visitor: Visitor }): Promise<RuleMatch> {
      const { version, index } = await currentRuleIndex(db);
      return { ruleSetVersion: version, rule: index.match(visitor) ?? null };
    },

    checkStage,

    /** A stage's people and whether each may be offered now; `check` is for the recording variant below. */
    async resolveStage(query: StageQuery & { check?: StageCheckOf }): Promise<Candidate[]> {
      return (await checkStage(query)).candidates;
    },
    rankLeastBusy,
    peekRotationTurn,
  };
}

/** Every routing activity: the reads, and the writes, which all go through `rows`, the one writer of routing rows. */
export function createRoutingActivities(db: Db, rows: RoutingRows) {
  const reads = createRoutingReads(db);
  /** A retried write may follow an attempt that committed its deliveries but stopped before starting them. */
  const retried = () => Context.current().info.attempt > 1;

  function takeRotationTurn({
    rotationKey,
    routingId,
    period,
    at,
    eligible,
  }: {
    rotationKey: string;
    routingId: string;
    period: RotationPeriod;
    at: string;
    eligible: WeightedRep[];
  }): Promise<RotationTurn> {
    return takeWeightedTurn(db, { rotationKey, routingId, period: rotationPeriodOf(period, at), eligible });
  }

  /** Resolves a stage; a routing's own check of its stage (`check`) is recorded for what-if replays. */
  async function resolveStage({ check, ...query }: StageQuery & { check?: StageCheckOf }): Promise<Candidate[]> {
    const { candidates, reps } = await reads.checkStage(query);
    if (check) await rows.recordStageCheck({ ...check, reps, checkedAt: query.at ?? new Date().toISOString() });
    return candidates;
  }

  return {
    ...reads,
    resolveStage,

    /** The plain rotation's next turn, asked for by routings started before weighted rotation. */
    takeRoundRobinTurn({ rotationKey, routingId }: { rotationKey: string; routingId: string }): Promise<number> {
      return takeTurn(db, rotationKey, routingId);
    },

    /**
     * The weighted rotation's next turn over the stage's `eligible` reps, in the period `at` (the workflow's clock)
     * falls in; concurrent routings each get their own, and a re-run gets the same one.
     */
    takeWeightedTurn: takeRotationTurn,

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
      const opened = {
        type,
        visitor,
        status: 'routing' as const,
        rule,
        repId: null,
        startedAt,
        endedAt: null,
        ruleSetVersion: version,
      };
      // A pounce's row is written in this activity, so an inbound routing of the same visitor can find it: with its
      // first offers and its stage check when it shows some, one commit. An inbound routing's row waits for its
      // first write (offers, or its outcome).
      const openedRow = () => ({
        routingId,
        routing: routingRow({ ...opened, offers: [] }),
        visitor,
        created: [],
        closed: [],
      });
      const pounceRoutingIds = type === 'inbound' ? await openPounceRoutingIds(db, visitor.id, routingId) : [];
      const first = rule ? planStages(rule, visitor)[0] : undefined;
      if (!rule || first?.source.kind !== 'users') {
        if (type === 'pounce') await rows.write(openedRow(), { retried: retried() });
        return { ruleSetVersion: version, rule, pounceRoutingIds };
      }
      const { target } = first.source;
      const { candidates, reps } = await reads.checkStage({ target, alreadyTried: [], at: startedAt });
      // Recorded for what-if replays, as resolveStage records a routing's later stage checks.
      const stageCheck = { routingId, stage: first.name, source: first.source, reps, checkedAt: startedAt };
      const eligible = eligibleRepIds(candidates);
      // Round robin takes its turn here as the workflow would (workflows/distribution.ts), to show its first offer.
      const turn =
        takesTurnAtStart(rule) && eligible.length > 0
          ? await takeRotationTurn({
              rotationKey: rotationKey(rule.id, first.name),
              routingId,
              // Rules stored before rotation periods were added have none: their counts never reset.
              period: rule.rotationResets ?? 'never',
              at: startedAt,
              eligible: eligible.map((repId) => ({ repId, weight: target.weights?.[repId] ?? 1 })),
            })
          : undefined;
      // Shown from here, the offers are in the routing's first local activity; the workflow records the same ones.
      const offers = firstOffersShownAtStart(rule, { name: first.name, candidates }, startedAt, turn?.order);
      const shown = offers.map((offer) => offer.repId);
      if (shown.length > 0) {
        await rows.write(
          {
            routingId,
            // With its stage, so the row counts the reps eligible when the first offer was made, as the workflow's do.
            routing: routingRow({ ...opened, offers, stages: [{ name: first.name, candidates }] }),
            visitor,
            created: offers.map((offer) => offerRecord({ routingId, type, ruleId: rule.id }, offer)),
            closed: [],
            liveRepIds: shown,
          },
          { retried: retried(), stageCheck },
        );
      } else if (type === 'pounce') {
        await rows.write(openedRow(), { retried: retried(), stageCheck });
      } else {
        await rows.recordStageCheck(stageCheck);
      }
      const firstStage = { name: first.name, candidates, shown, ...(turn && { turn }) };
      return { ruleSetVersion: version, rule, pounceRoutingIds, firstStage };
    },

    /**
     * Round robin's next offer, in one local activity: writes what the routing has not yet written (`unwritten`: the
     * last offer's decline or timeout), checks `repIds` again and offers the first of them still eligible, made at
     * `offer.offeredAt` (the routing's clock). Returns whom it offered and the candidates it passed over before them.
     */
    async offerNextInTurn({
      unwritten,
      repIds,
      alreadyTried,
      offer,
    }: {
      unwritten: RoutingProjectionChange;
      repIds: string[];
      alreadyTried: string[];
      offer: { type: RoutingType; ruleId: string; stage: string; offeredAt: string; expiresAt: string };
    }): Promise<{ passedOver: Candidate[]; offered?: string }> {
      const checked = await reads.resolveStage({
        target: { users: repIds, groups: [], allUsers: false },
        alreadyTried,
        at: offer.offeredAt,
      });
      const byId = new Map(checked.map((candidate) => [candidate.userId, candidate]));
      const firstEligible = repIds.findIndex((repId) => byId.get(repId)?.eligible);
      const offered = firstEligible < 0 ? undefined : repIds[firstEligible];
      const passedOver = repIds
        .slice(0, firstEligible < 0 ? repIds.length : firstEligible)
        .map((repId): Candidate => byId.get(repId) ?? { userId: repId, eligible: false, reason: 'unknown_user' });
      const created = offered
        ? [offerRecord({ routingId: unwritten.routingId, ...offer }, { repId: offered, ...offer })]
        : [];
      const change = {
        ...unwritten,
        created: [...unwritten.created, ...created],
        ...(unwritten.liveRepIds && { liveRepIds: [...unwritten.liveRepIds, ...(offered ? [offered] : [])] }),
      };
      const changesSomething =
        change.created.length > 0 || change.closed.length > 0 || change.routing !== undefined || change.connection;
      if (changesSomething) await rows.write(change, { retried: retried() });
      return { passedOver, ...(offered !== undefined && { offered }) };
    },

    /**
     * Ends a conversation nobody ended in time (workflows/end-idle-conversation.ts), freeing its rep's capacity.
     * False when it had ended already.
     */
    endIdleConversation({ routingId, endedAt }: { routingId: string; endedAt: string }): Promise<boolean> {
      return rows.endConversation(routingId, 'idle', endedAt);
    },

    /** Mirrors the workflow's offers (and its connection) into the tables reps and capacity checks read. */
    async writeRoutingProjection(change: RoutingProjectionChange): Promise<void> {
      await rows.write(change, { retried: retried() });
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;
