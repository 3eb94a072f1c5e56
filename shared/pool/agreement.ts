/**
 * Deciding a unit from its replicas: a pool gives each unit to several miners (at least 3) and
 * accepts a result only when enough of them returned exactly the same bytes. Those miners earn
 * the unit's shares; a miner whose result differs from an accepted one earns nothing and loses
 * reputation; late results (after the lease) are not counted at all.
 */

export interface Replica {
  readonly miner: string;
  /**
   * Who controls the miner's hotkey (its coldkey); the hotkey when unknown. Agreement counts
   * owners, not hotkeys: one person's hotkeys agreeing with each other prove nothing.
   */
  readonly owner?: string;
  /** resultDigest() of what the miner returned. */
  readonly digest: string;
}

export interface AgreementRule {
  /** Replicas to wait for before deciding (default 3). */
  readonly replicas: number;
  /** Identical results needed to accept (default 2: a majority of 3). */
  readonly agree: number;
}

export const DEFAULT_AGREEMENT: AgreementRule = { replicas: 3, agree: 2 };

export type Decision =
  | { readonly state: 'pending' }
  /** No result reached `agree` among `replicas`: the unit is issued again to other miners. */
  | { readonly state: 'disputed'; readonly dissenters: readonly string[] }
  | {
      readonly state: 'accepted';
      readonly digest: string;
      /** Miners whose result is the accepted one: they earn the unit's shares. */
      readonly agreeing: readonly string[];
      /** Miners who returned something else: no shares, lower reputation. */
      readonly dissenters: readonly string[];
    };

/**
 * Decides a unit from the replicas received so far: one per owner (a second answer from the same
 * miner, or from another hotkey of the same owner, is ignored, so nobody can outvote others with
 * copies of its own result).
 */
export function decide(replicas: readonly Replica[], rule = DEFAULT_AGREEMENT): Decision {
  if (rule.agree < 2 || rule.agree > rule.replicas)
    throw new RangeError(`agree must be in 2..${rule.replicas}, got ${rule.agree}`);
  const first = new Map<string, string>();
  const owners = new Set<string>();
  for (const r of replicas) {
    const owner = r.owner ?? r.miner;
    if (first.has(r.miner) || owners.has(owner)) continue;
    owners.add(owner);
    first.set(r.miner, r.digest);
  }
  const byDigest = new Map<string, string[]>();
  for (const [miner, digest] of first) {
    const group = byDigest.get(digest) ?? [];
    group.push(miner);
    byDigest.set(digest, group);
  }
  // The largest group, if it is the only one of its size: a tie (2 against 2 when 4 replicas
  // are asked for) accepts neither side.
  const sizes = [...byDigest.values()].map((g) => g.length).sort((a, b) => b - a);
  let best: [string, string[]] | null = null;
  for (const entry of byDigest) if (!best || entry[1].length > best[1].length) best = entry;
  if (best && best[1].length >= rule.agree && sizes[1] !== sizes[0]) {
    const [digest, agreeing] = best;
    return {
      state: 'accepted',
      digest,
      agreeing,
      dissenters: [...first].filter(([, d]) => d !== digest).map(([m]) => m),
    };
  }
  if (first.size < rule.replicas) return { state: 'pending' };
  return { state: 'disputed', dissenters: [...first.keys()] };
}
