// Pure round-robin order: routing number `turn` starts with person `turn mod n` and goes around once.
export function rotationOrder<T>(people: readonly T[], turn: number): T[] {
  if (people.length === 0) return [];
  const start = ((turn % people.length) + people.length) % people.length;
  return [...people.slice(start), ...people.slice(0, start)];
}

/** Rotations are kept per rule and stage, so two rules sharing reps keep independent, fair turns. */
export function rotationKey(ruleId: string, stageName: string): string {
  return `${ruleId}/${stageName}`;
}
