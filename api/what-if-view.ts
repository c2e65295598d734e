// A what-if run as GET /v1/rules/what-if/{id} answers it: its progress and, once done, its result with the counts
// turned into per-rule rows and per-rep shares of first offers.
import type { z } from 'zod';
import type { WhatIfRun } from '../store/what-if';
import type { whatIfResultSchema, whatIfRunSchema } from './schemas/what-if';

type WhatIfResult = z.output<typeof whatIfResultSchema>;

const zero = { before: 0, after: 0 };
const shareOf = (count: number, of: number) => (of === 0 ? 0 : Math.round((count / of) * 10_000) / 10_000);

function resultOf(run: WhatIfRun): WhatIfResult {
  const { tally } = run;
  const names = new Map(run.rules.map((rule) => [rule.id, rule.name]));
  const rules = Object.entries(tally.rules)
    .map(([ruleId, counts]) => ({
      ruleId: ruleId === '' ? null : ruleId,
      name: names.get(ruleId) ?? null,
      ...counts,
    }))
    .sort(
      (a, b) =>
        Math.max(b.before, b.after) - Math.max(a.before, a.after) || String(a.ruleId).localeCompare(String(b.ruleId)),
    );
  const parts = (repId: string) =>
    (Object.hasOwn(tally.offerParts, repId) ? tally.offerParts[repId] : undefined) ?? zero;
  const reps = Object.entries(tally.firstOffers)
    .map(([repId, counts]) => ({
      repId,
      before: { firstOffers: counts.before, share: shareOf(parts(repId).before, tally.offered.before) },
      after: { firstOffers: counts.after, share: shareOf(parts(repId).after, tally.offered.after) },
    }))
    .sort((a, b) => a.repId.localeCompare(b.repId));
  return {
    total: tally.replayed,
    skipped: run.skipped ?? 0,
    changed: tally.changed,
    ruleChanged: tally.ruleChanged,
    stageChanged: tally.stageChanged,
    repsChanged: tally.repsChanged,
    nowUnmatched: tally.nowUnmatched,
    rules,
    reps,
    examples: tally.examples,
  };
}

export function whatIfView(run: WhatIfRun): z.output<typeof whatIfRunSchema> {
  return {
    id: run.id,
    status: run.status,
    request: run.request,
    ruleSetVersion: run.ruleSetVersion,
    progress: { total: run.total, skipped: run.skipped, replayed: run.replayed },
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    error: run.error,
    ...(run.status === 'done' && { result: resultOf(run) }),
  };
}
