/**
 * Quorum: a challenger becomes the state of the art when validators holding at least the track's
 * quorum share of validator stake have each signed a receipt accepting it against the current
 * holder. Every validator runs this same rule over the same receipts and metagraph, so they all
 * reach the same answer without further coordination.
 */
import type { Receipt } from './receipt';

export interface ValidatorWeight {
  readonly hotkey: string;
  /** Stake in the subnet (RAO or alpha units); only ratios matter. */
  readonly stake: bigint;
}

export interface QuorumTally {
  /** Share of validator stake that accepted, in [0, 1]. */
  readonly share: number;
  readonly accepting: readonly string[];
  readonly rejecting: readonly string[];
  readonly reached: boolean;
}

/**
 * Tallies the receipts for one challenger against one holder. Receipts from hotkeys outside the
 * validator set, for another holder or another program are ignored; a validator counts once, by
 * its latest receipt. When no validator has stake (a young subnet), each counts equally.
 */
export function tally(
  receipts: readonly Receipt[],
  validators: readonly ValidatorWeight[],
  challenger: string,
  holder: string,
  quorum: number,
): QuorumTally {
  const latest = new Map<string, Receipt>();
  for (const r of receipts) {
    if (r.digest !== challenger || r.holderDigest !== holder) continue;
    const seen = latest.get(r.validator);
    if (!seen || r.issuedAt > seen.issuedAt) latest.set(r.validator, r);
  }
  const total = validators.reduce((sum, v) => sum + v.stake, 0n);
  const weightOf = (v: ValidatorWeight) =>
    total > 0n ? Number(v.stake) / Number(total) : 1 / validators.length;
  let share = 0;
  const accepting: string[] = [];
  const rejecting: string[] = [];
  for (const v of validators) {
    const r = latest.get(v.hotkey);
    if (!r) continue;
    if (r.verdict === 'accept') {
      accepting.push(v.hotkey);
      share += weightOf(v);
    } else rejecting.push(v.hotkey);
  }
  // Shares are sums of ratios: allow for rounding at exactly the quorum (e.g. 2 of 3).
  return { share, accepting, rejecting, reached: validators.length > 0 && share >= quorum - 1e-9 };
}

/**
 * The claim that reached quorum, if any: receipts are tallied per miner, so that one validator's
 * receipt naming another miner (its own hotkey, say) cannot ride on the acceptance the others
 * gave to the miner who really submitted the program. Miners are tried in a fixed order, so every
 * validator picks the same one.
 */
export function quorumClaim(
  receipts: readonly Receipt[],
  validators: readonly ValidatorWeight[],
  challenger: string,
  holder: string,
  quorum: number,
): { miner: string; tally: QuorumTally } | null {
  const miners = [...new Set(receipts.map((r) => r.miner))].sort();
  for (const miner of miners) {
    const t = tally(
      receipts.filter((r) => r.miner === miner),
      validators,
      challenger,
      holder,
      quorum,
    );
    if (t.reached) return { miner, tally: t };
  }
  return null;
}
