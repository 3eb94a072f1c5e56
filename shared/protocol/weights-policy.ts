/**
 * The weights a validator sets each tempo: the track's winner share to the state-of-the-art
 * holder while its reward window lasts, everything else to the burn uid (the subnet owner's), so
 * that emission is paid only for a verified breakthrough.
 */
export interface WeightPolicyInput {
  /** The holder's uid on the subnet, or null when nobody holds (genesis) or it deregistered. */
  readonly holderUid: number | null;
  readonly burnUid: number;
  readonly winnerShare: number;
  /** Whether the holder's reward window is still open. */
  readonly windowOpen: boolean;
}

export interface WeightPlan {
  readonly uids: number[];
  /** Fractions summing to 1; the chain client scales them to u16. */
  readonly weights: number[];
}

export function sotaWeights(input: WeightPolicyInput): WeightPlan {
  const { holderUid, burnUid, winnerShare, windowOpen } = input;
  if (holderUid === null || !windowOpen || holderUid === burnUid || winnerShare <= 0)
    return { uids: [burnUid], weights: [1] };
  if (winnerShare >= 1) return { uids: [holderUid], weights: [1] };
  return { uids: [holderUid, burnUid], weights: [winnerShare, 1 - winnerShare] };
}
