// Response bodies, described for the OpenAPI document (api/openapi.ts). Request bodies need no copy here: the
// document uses the very schemas the routes parse with. Each schema below is checked at compile time against the
// type its handler returns, so the contract cannot drift from the code unnoticed.
import { z } from 'zod';
import { type Candidate, ineligibleReasons, type RoutingState } from '../../domain/routing';
import { distributions, type Rule, ruleSchema } from '../../domain/rules';
import { type Group, presenceStatuses, type User } from '../../domain/users';
import { visitorSchema } from '../../domain/visitor';
import { workingHoursSchema } from '../../domain/working-hours';
import type { SalesforceCounts, upsertProspects } from '../../store/integrations';
import type { LiveOffer, OpenConversation } from '../../store/projection';
import type { listRuleSetVersions, RuleDraft, RuleSet } from '../../store/rules';
import type { RoutingGateway } from '../routing-gateway';
import type { OfferOrder, Simulation } from '../simulation';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Equals<X, Y> = (<G>() => G extends X ? 1 : 2) extends <G>() => G extends Y ? 1 : 2 ? true : false;

/**
 * Returns `schema` as it is; compiles only when the schema's output is exactly `T` (same keys, same optionality,
 * same value types). A "not assignable to parameter of type 'never'" error here means schema and type disagree.
 */
const describes =
  <T>() =>
  <S extends z.ZodType<T>>(
    schema: S & (Equals<Simplify<z.output<S>>, Simplify<T>> extends true ? unknown : never),
  ): S =>
    schema;

type GatewayResult<M extends keyof RoutingGateway> = RoutingGateway[M] extends (...args: never[]) => Promise<infer R>
  ? R
  : never;

const timestamp = z.iso.datetime();

// --- Service -----------------------------------------------------------------------------------------------------

export const healthSchema = z
  .object({ status: z.enum(['ok', 'starting']) })
  .meta({ id: 'Health', description: '`ok` once routings can be started (200), `starting` until then (503).' });

// --- Users and groups --------------------------------------------------------------------------------------------

export const userSchema = describes<User>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      email: z.email(),
      chatUser: z.boolean(),
      capacity: z.number().int().nullable(),
      status: z.enum(presenceStatuses),
      workingHours: workingHoursSchema.nullable(),
      dailyAcceptCap: z.number().int().nullable(),
      awayAfterMissedOffers: z.number().int().nullable(),
    })
    .meta({ id: 'User' }),
);

/** A user as the list shows them: with what least busy weighs, so the reps' table can show it. */
const listedUserSchema = userSchema
  .extend({
    activeConversations: z.int().meta({ description: 'Open conversations, counted against capacity.' }),
    lastConversationAt: timestamp.nullable().meta({
      description: "When the rep's latest conversation started or ended (least busy: the idle longest go first).",
    }),
  })
  .meta({ id: 'ListedUser' });

export const userListSchema = z.object({ users: z.array(listedUserSchema) });

export const groupSchema = describes<Group>()(
  z
    .object({
      id: z.string(),
      name: z.string(),
      members: z.array(z.string()),
      workingHours: workingHoursSchema.nullable(),
    })
    .meta({ id: 'Group' }),
);

export const groupListSchema = z.object({ groups: z.array(groupSchema) });

export const repTokenSchema = z
  .object({
    userId: z.string(),
    token: z.string().meta({ description: 'Shown once: only its hash is stored. Send as `Authorization: Bearer`.' }),
  })
  .meta({ id: 'RepToken' });

export const revokedTokensSchema = z.object({
  userId: z.string(),
  revoked: z.number().int().meta({ description: 'How many tokens were revoked.' }),
});

// --- Rules -------------------------------------------------------------------------------------------------------

export const ruleSetSchema = describes<RuleSet>()(
  z
    .object({
      version: z.number().int().meta({ description: '0 before the first rule is created.' }),
      createdAt: timestamp.nullable().meta({ description: 'When the version was published (as `publishedAt`).' }),
      publishedAt: timestamp.nullable(),
      publishedBy: z.string().nullable().meta({
        description: 'Who published the version: the name the admin gave when publishing a draft, else `admin`.',
      }),
      rules: z.array(ruleSchema),
    })
    .meta({ id: 'RuleSet' }),
);

export const ruleSetVersionsSchema = describes<{ versions: Awaited<ReturnType<typeof listRuleSetVersions>> }>()(
  z.object({
    versions: z.array(
      z.object({
        version: z.number().int(),
        createdAt: timestamp,
        publishedAt: timestamp,
        publishedBy: z.string(),
        rules: z.number().int().meta({ description: 'How many rules the version holds.' }),
      }),
    ),
  }),
);

/** A created or replaced rule, with the rule-set version the change published. */
export const publishedRuleSchema = describes<Rule & { ruleSetVersion: number }>()(
  ruleSchema.extend({ ruleSetVersion: z.number().int() }).meta({ id: 'PublishedRule' }),
);

export const reorderedRulesSchema = describes<{ version: number; rules: Rule[] }>()(
  z.object({ version: z.number().int(), rules: z.array(ruleSchema) }),
);

export const ruleDraftSchema = describes<RuleDraft>()(
  z
    .object({
      id: z.string(),
      baseVersion: z.number().int().meta({ description: 'The live version current when the draft was started.' }),
      revision: z.number().int().meta({ description: 'Goes up by one with each change to the draft.' }),
      createdAt: timestamp,
      updatedAt: timestamp,
      rules: z.array(ruleSchema),
    })
    .meta({ id: 'RuleDraft' }),
);

/** A rule created or replaced in the draft, with the draft revision the change made. */
export const draftRuleSchema = describes<Rule & { draftRevision: number }>()(
  ruleSchema.extend({ draftRevision: z.number().int() }).meta({ id: 'DraftRule' }),
);

export const reorderedDraftRulesSchema = describes<{ revision: number; rules: Rule[] }>()(
  z.object({ revision: z.number().int(), rules: z.array(ruleSchema) }),
);

const candidateSchema = describes<Candidate>()(
  z
    .object({
      userId: z
        .string()
        .meta({ description: "The user's id; for a CRM or outbound person who is no user, their email." }),
      email: z.string().optional(),
      eligible: z.boolean(),
      reason: z.enum(ineligibleReasons).optional(),
    })
    .meta({ id: 'Candidate' }),
);

const rotationShareSchema = z
  .object({
    repId: z.string(),
    weight: z.int(),
    credit: z.int().meta({
      description: 'What the rotation owes the rep after this turn, in first offers times the total weight.',
    }),
    firstOffers: z.int().meta({ description: 'First offers the rep has had in the current period.' }),
    calibrated: z.boolean().meta({
      description: 'New, or back after missing turns: set level with the others rather than owed the gap.',
    }),
  })
  .meta({ id: 'RotationShare' });

const repLoadSchema = z
  .object({
    repId: z.string(),
    activeConversations: z.int(),
    capacity: z.int().nullable(),
    lastConversationAt: timestamp.nullable().meta({
      description: "When the rep's latest conversation started or ended; null if they never had one.",
    }),
  })
  .meta({ id: 'RepLoad' });

const offerOrderSchema = describes<OfferOrder>()(
  z
    .object({
      decidedBy: z.enum(distributions),
      order: z.array(z.string()).meta({ description: 'The eligible reps in the order they would be offered now.' }),
      shares: z.array(rotationShareSchema).optional().meta({
        description: "Round robin: the rotation's next turn as it stands (a simulation takes none).",
      }),
      loads: z.array(repLoadSchema).optional().meta({ description: "Least busy: each eligible rep's load." }),
    })
    .meta({ id: 'OfferOrder' }),
);

export const simulationSchema = describes<Simulation>()(
  z
    .object({
      ruleSetVersion: z.number().int(),
      at: timestamp,
      rule: z
        .object({ id: z.string(), name: z.string(), distribution: z.string(), offerTimeoutSeconds: z.number() })
        .nullable(),
      stages: z.array(
        z.object({
          name: z.string(),
          candidates: z.array(candidateSchema),
          identifiedBy: z.string().optional(),
          skipped: z.literal('nobody_eligible').optional(),
          offerOrder: offerOrderSchema.optional(),
        }),
      ),
      outcomeIfNobodyAccepts: z.string(),
      meetingBooker: z.object({ userIds: z.array(z.string()) }).nullable(),
    })
    .meta({ id: 'Simulation' }),
);

// --- Routings ----------------------------------------------------------------------------------------------------

const routingTypeSchema = z.enum(['pounce', 'inbound']);

const routingStatusSchema = z
  .enum(['routing', 'connected', 'meeting_booker', 'no_rep', 'no_match', 'cancelled', 'expired', 'superseded'])
  .meta({ id: 'RoutingStatus', description: '`routing` while open; otherwise the outcome.' });

export const routingStartedSchema = describes<GatewayResult<'start'>>()(
  z.object({ routingId: z.string(), status: routingStatusSchema }).meta({ id: 'RoutingStarted' }),
);

export const routingStateSchema = describes<RoutingState>()(
  z
    .object({
      routingId: z.string(),
      type: routingTypeSchema,
      experienceId: z.string().optional(),
      visitor: visitorSchema,
      status: routingStatusSchema,
      startedAt: timestamp,
      endedAt: timestamp.nullable(),
      rule: z.object({ id: z.string(), name: z.string() }).nullable(),
      ruleSetVersion: z.number().int().nullable(),
      stages: z.array(
        z.object({
          name: z.string(),
          startedAt: timestamp,
          candidates: z.array(candidateSchema),
          identifiedBy: z.string().optional(),
          skipped: z.literal('nobody_eligible').optional(),
        }),
      ),
      offers: z.array(
        z.object({
          repId: z.string(),
          stage: z.string(),
          decidedBy: z.enum(distributions).meta({
            description:
              'The distribution that chose this rep; the trace says why (`round_robin.turn`: the weighted rotation ' +
              "with each rep's weight, credit and first offers; `least_busy.ranked`: each rep's load).",
          }),
          offeredAt: timestamp,
          expiresAt: timestamp,
          endedAt: timestamp.nullable(),
          result: z.enum(['pending', 'accepted', 'declined', 'timed_out', 'withdrawn']),
        }),
      ),
      repId: z.string().nullable().meta({ description: 'The rep who accepted, once one has.' }),
      meetingBooker: z.object({ userIds: z.array(z.string()) }).nullable(),
      trace: z.array(
        z.object({ at: timestamp, event: z.string(), detail: z.record(z.string(), z.unknown()).optional() }),
      ),
    })
    .meta({ id: 'RoutingState' }),
);

export const acceptedSchema = describes<GatewayResult<'accept'>>()(z.object({ outcome: z.literal('connected') }));

export const declinedSchema = describes<GatewayResult<'decline'>>()(z.object({ outcome: z.literal('declined') }));

/** The workflow types the result as a string; it is always the routing's status. */
export const cancelledSchema = z.object({ status: routingStatusSchema }) satisfies z.ZodType<GatewayResult<'cancel'>>;

export const conversationEndedSchema = z.object({ routingId: z.string(), repId: z.string(), ended: z.literal(true) });

// --- Reps --------------------------------------------------------------------------------------------------------

/** The store keeps the routing type as text; it is always one of the routing types. */
const liveOfferSchema = z
  .object({
    routingId: z.string(),
    type: routingTypeSchema,
    visitor: visitorSchema,
    ruleId: z.string(),
    stage: z.string(),
    offeredAt: timestamp,
    expiresAt: timestamp,
  })
  .meta({ id: 'LiveOffer' }) satisfies z.ZodType<LiveOffer>;

export const liveOffersSchema = z.object({ offers: z.array(liveOfferSchema) });

/** The store keeps the routing type as text; it is always one of the routing types. */
const openConversationSchema = z
  .object({
    routingId: z.string(),
    type: routingTypeSchema,
    visitor: visitorSchema,
    startedAt: timestamp,
  })
  .meta({ id: 'OpenConversation' }) satisfies z.ZodType<OpenConversation>;

export const openConversationsSchema = z.object({ conversations: z.array(openConversationSchema) });

// --- Integrations ------------------------------------------------------------------------------------------------

export const salesforceSyncResultSchema = describes<SalesforceCounts>()(
  z
    .object({
      contacts: z.number().int(),
      leads: z.number().int(),
      accounts: z.number().int(),
      accountTeamMembers: z.number().int(),
      removed: z.number().int().optional(),
    })
    .meta({ description: 'Records upserted per kind, and (when the request had `remove`) rows removed.' }),
);

export const prospectSyncResultSchema = describes<Awaited<ReturnType<typeof upsertProspects>>>()(
  z.object({ prospects: z.number().int() }).meta({ description: 'Prospects upserted.' }),
);
