// Who a planned stage names and whether each may be offered now. Written against the activities' interface so the
// workflow (through activity proxies) and the simulate endpoint (calling them directly) resolve stages identically.
import type { Activities } from '../activities';
import type { Candidate, PlannedStage } from '../domain/routing';
import type { Visitor } from '../domain/visitor';

export type StageActivities = Pick<Activities, 'resolveStage' | 'outboundPeople' | 'salesforcePeople'>;

export async function stageCandidates(
  activities: StageActivities,
  stage: PlannedStage,
  visitor: Visitor,
  alreadyTried: readonly string[],
  /** The instant working hours and daily caps are judged at: the routing's clock. */
  at: string,
  /** The routing checking its stage, which records the check (a simulation names none). */
  routingId?: string,
): Promise<{ candidates: Candidate[]; identifiedBy?: string }> {
  const tried = [...alreadyTried];
  const { source } = stage;
  const check = routingId === undefined ? {} : { check: { routingId, stage: stage.name, source } };
  if (source.kind === 'users')
    return { candidates: await activities.resolveStage({ target: source.target, alreadyTried: tried, at, ...check }) };
  const found =
    source.kind === 'outbound'
      ? await activities.outboundPeople({ rule: { routeTo: source.routeTo }, visitor })
      : await activities.salesforcePeople({
          rule: { target: source.target, ...(source.teamRoles && { teamRoles: source.teamRoles }) },
          visitor,
        });
  const candidates =
    found.emails.length > 0
      ? await activities.resolveStage({ emails: found.emails, alreadyTried: tried, at, ...check })
      : [];
  return { candidates, ...(found.identifiedBy !== undefined && { identifiedBy: found.identifiedBy }) };
}
