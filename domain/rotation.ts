// Pure round-robin decisions. The plain rotation (routing number `turn` starts with person `turn mod n`) is what
// routings started before weighted rotation still replay with; the weighted rotation below decides every newer one.

export function rotationOrder<T>(people: readonly T[], turn: number): T[] {
  if (people.length === 0) return [];
  const start = ((turn % people.length) + people.length) % people.length;
  return [...people.slice(start), ...people.slice(0, start)];
}

/** Rotations are kept per rule and stage, so two rules sharing reps keep independent, fair turns. */
export function rotationKey(ruleId: string, stageName: string): string {
  return `${ruleId}/${stageName}`;
}

// --- Weighted rotation -------------------------------------------------------------------------------------------

/** How often a rotation's counts start again from zero. Periods are UTC days, ISO weeks (from Monday) and months. */
export const rotationPeriods = ['never', 'day', 'week', 'month'] as const;
export type RotationPeriod = (typeof rotationPeriods)[number];

/**
 * The period `at` falls in, as a label: counts kept under another label are from an earlier period and start
 * again. UTC, so every worker and database agrees whatever its own zone; a team wanting local midnights is at
 * most a few hours off, which over a day's routings is a rounding of fairness, not a loss of it.
 */
export function rotationPeriodOf(period: RotationPeriod, at: string): string {
  const day = at.slice(0, 10);
  if (period === 'never') return '';
  if (period === 'day') return day;
  if (period === 'month') return day.slice(0, 7);
  const date = new Date(`${day}T00:00:00.000Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return `week of ${new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10)}`;
}

/** A rep's standing in a rotation, as stored between routings. */
export interface RotationStanding {
  /**
   * What the rotation owes the rep, in first offers times the total weight: each turn adds every eligible rep's
   * weight, and the rep offered first gives back the eligible reps' total weight.
   */
  credit: number;
  /** First offers the rep has had in this period. */
  firstOffers: number;
  /** The last turn the rep was eligible at. */
  lastTurn: number;
}

export interface WeightedRep {
  repId: string;
  weight: number;
}

/** Why each rep stands where it does after a turn: what the routing explanation shows. */
export interface RotationShare extends WeightedRep {
  credit: number;
  firstOffers: number;
  /** The rep was new or back after missing turns, and was set level with the rotation rather than owed the gap. */
  calibrated: boolean;
}

export interface RotationTurn {
  turn: number;
  /** Whom to offer, in order: the first is the turn's first offer; the rest follow on decline or timeout. */
  order: string[];
  shares: RotationShare[];
}

/**
 * Who goes first: Balinski and Young's quota method, which keeps every rep's first offers within one of their
 * weighted share after every turn (smooth weighted round robin, most credit first, can drift a whole offer off).
 * Only reps the rotation owes something (credit above zero: below their upper quota) may go first; among them the
 * divisor rule (weight over first offers plus one) reads, in credit terms, as the most (credit - total) / weight.
 */
function priority(share: RotationShare, total: number): number {
  const divisorRule = (share.credit - total) / share.weight;
  return share.credit > 0 ? divisorRule : divisorRule - Number.MAX_SAFE_INTEGER;
}

/**
 * One turn of the weighted rotation over `eligible` (in the stage's order), given what is `stored` for every rep
 * of the rotation in this period (eligible now or not). Each eligible rep is credited their weight and the one
 * `priority` puts first is offered first and debited the eligible total, so over any run of turns each rep's
 * first offers stay within one of their weighted share.
 *
 * A rep with no standing (new, or counts reset) starts level, at zero credit; a rep back after missing turns (away,
 * at capacity, busy elsewhere) keeps any debt but is owed nothing for the gap, so they are never flooded while
 * they catch up. Ties go around the rotation by turn, so equal weights make a plain round robin.
 */
export function decideRotationTurn(
  eligible: readonly WeightedRep[],
  stored: ReadonlyMap<string, RotationStanding>,
  turn: number,
): { turn: RotationTurn; standings: Map<string, RotationStanding> } {
  const total = eligible.reduce((sum, rep) => sum + rep.weight, 0);
  // Turns of other stages' routings share no numbers with this rotation's, so "missed a turn" is measured against
  // the latest turn anyone in the rotation took, not against `turn - 1`.
  const lastTurn = Math.max(-1, ...[...stored.values()].map((standing) => standing.lastTurn));
  const shares = eligible.map((rep): RotationShare => {
    const before = stored.get(rep.repId);
    const calibrated = before === undefined || before.lastTurn < lastTurn;
    const credit = before === undefined ? 0 : calibrated ? Math.min(before.credit, 0) : before.credit;
    return { ...rep, credit: credit + rep.weight, firstOffers: before?.firstOffers ?? 0, calibrated };
  });
  const ranked = rotationOrder(shares, turn).sort((a, b) => priority(b, total) - priority(a, total));
  const first = ranked[0];
  if (first) {
    first.credit -= total;
    first.firstOffers += 1;
  }
  const standings = new Map(
    shares.map((share) => [share.repId, { credit: share.credit, firstOffers: share.firstOffers, lastTurn: turn }]),
  );
  return { turn: { turn, order: ranked.map((share) => share.repId), shares }, standings };
}

// --- Least busy --------------------------------------------------------------------------------------------------

export interface RepLoad {
  repId: string;
  activeConversations: number;
  capacity: number | null;
  /** When the rep's last conversation started or ended; null if they never had one (idle longest of all). */
  lastConversationAt: string | null;
}

/** Open conversations as a share of capacity; a rep without a capacity counts each conversation as a whole one. */
export function loadOf(rep: Pick<RepLoad, 'activeConversations' | 'capacity'>): number {
  return rep.capacity ? rep.activeConversations / rep.capacity : rep.activeConversations;
}

/** Least busy first: lowest load, then idle longest, then the stage's own order (the sort is stable). */
export function leastBusyOrder(reps: readonly RepLoad[]): RepLoad[] {
  const idleSince = (rep: RepLoad) => (rep.lastConversationAt === null ? 0 : Date.parse(rep.lastConversationAt));
  return [...reps].sort((a, b) => loadOf(a) - loadOf(b) || idleSince(a) - idleSince(b));
}
