// A rep's open conversations, with the visitor each one is with: what the rep console lists under "active".

import { byteOrder, type Db } from '../store/database';
import type { Visitor } from './schemas/visitor';

export interface OpenConversation {
  routingId: string;
  type: string;
  visitor: Visitor;
  startedAt: string;
}

/** Oldest first. The visitor comes from the offer the rep accepted, which every conversation starts from. */
export async function openConversationsForRep(db: Db, repId: string): Promise<OpenConversation[]> {
  const rows = await db
    .selectFrom('conversations')
    .innerJoin('offers', (join) =>
      join
        .onRef('offers.routing_id', '=', 'conversations.routing_id')
        .onRef('offers.rep_id', '=', 'conversations.rep_id'),
    )
    .select(['conversations.routing_id', 'conversations.started_at', 'offers.routing_type', 'offers.visitor'])
    .where('conversations.rep_id', '=', repId)
    .where('conversations.ended_at', 'is', null)
    .orderBy(byteOrder(db, 'conversations.started_at'))
    .orderBy(byteOrder(db, 'conversations.routing_id'))
    .execute();
  return rows.map((row) => ({
    routingId: row.routing_id,
    type: row.routing_type,
    visitor: JSON.parse(row.visitor) as Visitor,
    startedAt: row.started_at,
  }));
}
