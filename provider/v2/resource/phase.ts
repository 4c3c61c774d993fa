/**
 * How a v2 job's phase reads in messages and the demo: the level-1 phase, with the level-2 one in
 * parentheses only when it says more (`Running`, but `Abnormal (CreateFailed)`).
 */
export function phaseLabel(phase: string, secondaryPhase?: string): string {
  return secondaryPhase && secondaryPhase !== phase ? `${phase} (${secondaryPhase})` : phase;
}
