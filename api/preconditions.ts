// Versioned writes of the rules and the draft (RFC 9110): reads answer an `ETag` naming the state they show; a write
// with `If-Match` is applied only when that is still the current state, else 412, so two admins editing at once are
// told rather than one silently overwriting the other. `If-Match` is optional: clients written before it keep working.
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Precondition, RulesRevision } from '../store/rules';

/** Strong entity tags: a live version, or a draft's id and revision (a new draft never reuses a discarded one's). */
export function etagOf(revision: RulesRevision): string {
  return revision.scope === 'live'
    ? `"rules-v${revision.version}"`
    : `"draft-${revision.draftId}-r${revision.revision}"`;
}

export const etagHeaders = (revision: RulesRevision) => ({ ETag: etagOf(revision) });

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(2000)
    .optional()
    .meta({
      description:
        'The `ETag` of the state this change was made against (or `*`): when it is no longer current, 412 ' +
        '`precondition_failed` and nothing changes. Without it the change applies to whatever is current.',
    }),
});

/** What `If-Match` asks, as the store's precondition: undefined when absent. Weak tags never match (strong comparison). */
export function preconditionOf(ifMatch: string | undefined): Precondition | undefined {
  if (ifMatch === undefined) return undefined;
  if (ifMatch.trim() === '*') return () => true;
  const tags = new Set([...ifMatch.matchAll(/(W\/)?("[^"]*")/g)].filter((m) => !m[1]).map((m) => m[2]));
  return (current) => tags.has(etagOf(current));
}

/** The `ETag` a response carries, for the contract. */
export const withEtag = (response: ResponseConfig): ResponseConfig => ({
  ...response,
  headers: {
    ...response.headers,
    ETag: {
      description: 'The state this answer shows (or the change made): send it back in `If-Match` with the next change.',
      required: true,
      schema: { type: 'string' },
    },
  },
});

export const preconditionFailed =
  'precondition_failed: `If-Match` names a state that is no longer current; read again.';
