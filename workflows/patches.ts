// The ids of deliberate changes to the routing workflow's commands, each guarded by `patched(id)` so routings started
// before it replay the old path (README: "Changing the routing workflow safely").

/** Round robin takes a weighted turn (`takeWeightedTurn`) instead of the plain rotation's (`takeRoundRobinTurn`). */
export const weightedRotationPatch = 'weighted-rotation';

/** Routings that connect start the workflow ending their conversation if nobody does (end-idle-conversation.ts). */
export const endIdleConversationsPatch = 'end-idle-conversations';

/**
 * Round robin's first turn is taken, and its first offer shown, by beginRouting (as first available's offers are),
 * instead of by a local activity of its own and the offer's write after it.
 */
export const rotationAtStartPatch = 'rotation-at-start';

/**
 * Round robin's later offers are one local activity each (`offerNextInTurn`: the last offer's outcome written, the
 * next rep checked and offered) instead of three (the outcome's write, the check, the offer's write).
 */
export const offerInTurnAtOncePatch = 'offer-in-turn-at-once';
