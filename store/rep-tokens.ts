// Per-rep API tokens: minted by admins, shown once, stored only as hashes.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './database';

/** Tokens carry 256 random bits, so a fast hash is enough: there is nothing to brute-force. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function mintRepToken(db: Db, userId: string): Promise<string> {
  const token = `rep_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('rep_tokens')
    .values({ token_hash: hashToken(token), user_id: userId, created_at: new Date().toISOString() })
    .execute();
  return token;
}

/** The rep a token acts for, if it is a live token. Looked up by hash, so timing reveals nothing of the token. */
export async function repForToken(db: Db, token: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('rep_tokens')
    .select('user_id')
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  return row?.user_id;
}

export async function revokeRepTokens(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('rep_tokens').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
