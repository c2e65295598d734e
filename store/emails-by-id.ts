// Synced users' emails by their id at the provider, the one step every sync takes to turn owner ids into the emails
// reps are matched by: ids deduplicated and read in slices small enough to bind.
import { slices } from './batching';

/** `select` reads one slice of ids from the caller's users table; the result maps each found id to its email. */
export async function emailsById(
  ids: Iterable<string | null>,
  select: (slice: string[]) => Promise<readonly { id: string; email: string }[]>,
): Promise<Map<string, string>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  const emails = new Map<string, string>();
  for (const slice of slices(wanted)) for (const row of await select(slice)) emails.set(row.id, row.email);
  return emails;
}
