// Recorded routings written straight into the store, as the routing workflow records them (row, first offers, stage
// check, round-robin turn): what-if replays read them without anyone being routed. Used by the what-if test and
// bench/what-if.ts.

import type { Insertable } from 'kysely';
import { leastBusyOrder, rotationOrder } from '../../domain/rotation';
import { type Distribution, ruleInputSchema } from '../../domain/rules';
import { groupInputSchema, userInputSchema } from '../../domain/users';
import type { StageCheckRep } from '../../domain/what-if';
import type { Db } from '../../store/database';
import { putGroup, putUser } from '../../store/directory';
import { editLiveRules, ruleEdits } from '../../store/rules';
import type { OffersTable, RoundRobinTurnsTable, RoutingStageChecksTable, RoutingsTable } from '../../store/schema';
import { seededRandom } from './seeded-random';

export interface SeededRules {
  version: number;
  /** Rule ids by segment number. */
  ruleIds: string[];
  repIds: string[];
}

/**
 * `segments` rules, one per visitor segment (`fields.segment` equals `s<n>`), each routing to its own group of four
 * reps (first available, round robin and least busy in turn), over `reps` reps.
 */
export async function seedRules(db: Db, { segments, reps }: { segments: number; reps: number }): Promise<SeededRules> {
  const repIds = Array.from({ length: reps }, (_, i) => `rep-${i}`);
  for (const id of repIds)
    await putUser(
      db,
      id,
      userInputSchema.parse({
        name: id,
        email: `${id}@example.test`,
        chatUser: true,
        capacity: 3,
        status: 'available',
      }),
    );
  const ruleIds: string[] = [];
  let version = 0;
  for (let s = 0; s < segments; s++) {
    const members = Array.from({ length: 4 }, (_, k) => repIds[(s * 4 + k) % reps] as string);
    await putGroup(db, `group-${s}`, groupInputSchema.parse({ name: `Group ${s}`, members }));
    const rule = ruleInputSchema.parse({
      name: `segment ${s}`,
      criteria: { all: [{ field: 'fields.segment', op: 'equals', value: `s${s}` }] },
      routeTo: { groups: [`group-${s}`] },
      distribution: distributionOf(s),
      meetingBooker: { enabled: false },
    });
    const published = await editLiveRules(db, ruleEdits.create(rule));
    if (!published) throw new Error('creating a rule always publishes');
    ruleIds.push(published.result.id);
    version = published.revision.version;
  }
  return { version, ruleIds, repIds };
}

const ROWS_PER_INSERT = 200;

/** Each segment's rule takes the modes in turn. */
const distributionOf = (segment: number): Distribution =>
  (['first_available', 'round_robin', 'least_busy'] as const)[segment % 3] as Distribution;

/**
 * `count` routings started one second apart from `start`, each as the live workflow would have recorded it under
 * `rules`: its segment's rule (one in 20 visitors matches none), the group's presence as its check found it (some
 * reps away, at capacity, outside their working hours or at their daily cap), and its first offer: every eligible rep, the first of the turn its weighted rotation
 * took (round robin), or the least loaded rep (least busy).
 */
export async function seedRecordedRoutings(
  db: Db,
  rules: SeededRules,
  { count, start, prefix = 'rec' }: { count: number; start: Date; prefix?: string },
): Promise<void> {
  const segments = rules.ruleIds.length;
  for (let from = 0; from < count; from += ROWS_PER_INSERT) {
    const routings: Insertable<RoutingsTable>[] = [];
    const offers: Insertable<OffersTable>[] = [];
    const checks: Insertable<RoutingStageChecksTable>[] = [];
    const turns: Insertable<RoundRobinTurnsTable>[] = [];
    for (let i = from; i < Math.min(count, from + ROWS_PER_INSERT); i++) {
      const next = seededRandom(i + 1);
      const routingId = `${prefix}-${String(i).padStart(7, '0')}`;
      const startedAt = new Date(start.getTime() + i * 1000).toISOString();
      const unmatched = next() < 0.05;
      const segment = Math.floor(next() * segments);
      const visitor = { id: `v${i}`, fields: { segment: unmatched ? 'none' : `s${segment}` } };
      const ruleId = unmatched ? null : (rules.ruleIds[segment] as string);
      let firstOffer: string[] = [];
      if (ruleId !== null) {
        const group = Array.from(
          { length: 4 },
          (_, k) => rules.repIds[(segment * 4 + k) % rules.repIds.length] as string,
        );
        const reps = group.map((id): Exclude<StageCheckRep, [string]> => {
          const roll = next();
          const lastConversation = new Date(start.getTime() - Math.floor(next() * 86_400_000)).toISOString();
          // Away, at capacity, outside their working hours, at their daily cap of 5, or free with 0-2 conversations.
          return roll < 0.2
            ? [id, 'away', 1, 3, 0, lastConversation, 'available', null, 0]
            : roll < 0.3
              ? [id, 'available', 1, 3, 3, lastConversation, 'available', null, 0]
              : roll < 0.35
                ? [id, 'available', 1, 3, 0, lastConversation, 'outside_hours', null, 0]
                : roll < 0.4
                  ? [id, 'available', 1, 3, 0, lastConversation, 'available', 5, 5]
                  : [id, 'available', 1, 3, Math.floor(next() * 3), lastConversation, 'available', 5, 2];
        });
        const eligible = reps.filter(
          (rep) =>
            rep[1] === 'available' && rep[4] < 3 && rep[6] === 'available' && (rep[7] === null || rep[8] < rep[7]),
        );
        const turn = Math.floor(next() * 1000);
        const mode = distributionOf(segment);
        if (mode === 'first_available') firstOffer = eligible.map((rep) => rep[0]);
        else if (mode === 'least_busy') {
          const loads = eligible.map(([repId, , , capacity, active, last]) => ({
            repId,
            capacity: capacity ?? null,
            activeConversations: active ?? 0,
            lastConversationAt: last ?? null,
          }));
          firstOffer = leastBusyOrder(loads)
            .slice(0, 1)
            .map((load) => load.repId);
        } else {
          // The weighted rotation's order over the eligible reps, as the turn records it: its first is offered first.
          const ids = eligible.map((rep) => rep[0]);
          const order = rotationOrder(group, turn).filter((id) => ids.includes(id));
          firstOffer = order.slice(0, 1);
          if (order.length > 0) {
            const decision = JSON.stringify({ turn, order, shares: [] });
            turns.push({ rotation_key: `${ruleId}/route_to`, routing_id: routingId, turn, decision });
          }
        }
        checks.push({
          routing_id: routingId,
          stage: 'route_to',
          source: JSON.stringify({
            kind: 'users',
            target: { users: [], groups: [`group-${segment}`], allUsers: false },
          }),
          reps: JSON.stringify(reps),
          checked_at: startedAt,
        });
        for (const repId of firstOffer) {
          offers.push({
            routing_id: routingId,
            rep_id: repId,
            routing_type: 'inbound',
            rule_id: ruleId,
            stage: 'route_to',
            offered_at: startedAt,
            expires_at: new Date(Date.parse(startedAt) + 30_000).toISOString(),
            ended_at: startedAt,
            result: 'withdrawn',
          });
        }
      }
      const offered = firstOffer.length > 0;
      routings.push({
        routing_id: routingId,
        type: 'inbound',
        visitor_id: visitor.id,
        visitor: JSON.stringify(visitor),
        visitor_email: null,
        status: ruleId === null ? 'no_match' : offered ? 'meeting_booker' : 'no_rep',
        rule_id: ruleId,
        rep_id: null,
        started_at: startedAt,
        ended_at: startedAt,
        first_offer_at: offered ? startedAt : null,
        first_offer_ms: offered ? 0 : null,
        first_offer_eligible: offered ? firstOffer.length : null,
        accepted_at: null,
        accept_ms: null,
        rule_set_version: rules.version,
      });
    }
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('routings').values(routings).execute();
      if (offers.length > 0) await tx.insertInto('offers').values(offers).execute();
      if (checks.length > 0) await tx.insertInto('routing_stage_checks').values(checks).execute();
      if (turns.length > 0) await tx.insertInto('round_robin_turns').values(turns).execute();
    });
  }
}
