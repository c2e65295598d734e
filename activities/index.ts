// Every activity the routing worker registers, built over one database handle.
import type { Db } from '../store/database';
import { createOwnerActivities } from './owners';
import { createRoutingActivities } from './routing';

export function createActivities(db: Db) {
  return { ...createRoutingActivities(db), ...createOwnerActivities(db) };
}

export type Activities = ReturnType<typeof createActivities>;
