/**
 * Splitting a pool's reward: the pool keeps its fee (announced up front), the rest goes to the
 * miners pro rata to their verified shares, exactly to the unit (RAO): nothing is created or lost
 * by rounding. Remainders go by the largest-remainder method, ties to the miner with more shares
 * and then the smaller address, so anyone holding the share table can recompute the split.
 */

export interface SplitInput {
  /** The reward to split, in RAO. */
  readonly total: bigint;
  /** Miner (SS58 address) → shares. Shares are non-negative whole numbers. */
  readonly shares: ReadonlyMap<string, bigint>;
  /** The pool's fee in basis points (1/100 of a percent), 0..10000. */
  readonly feeBps: number;
}

export interface Split {
  readonly fee: bigint;
  /** Miner → RAO; only miners with shares appear. Sums to total − fee. */
  readonly amounts: ReadonlyMap<string, bigint>;
}

export function splitReward({ total, shares, feeBps }: SplitInput): Split {
  if (total < 0n) throw new RangeError('total must not be negative');
  if (!Number.isInteger(feeBps) || feeBps < 0 || feeBps > 10_000)
    throw new RangeError(`feeBps must be a whole number in 0..10000, got ${feeBps}`);
  const entries = [...shares].filter(([, s]) => {
    if (s < 0n) throw new RangeError('shares must not be negative');
    return s > 0n;
  });
  const sum = entries.reduce((a, [, s]) => a + s, 0n);
  // Nobody to pay: the whole reward stays with the pool.
  if (sum === 0n) return { fee: total, amounts: new Map() };
  const fee = (total * BigInt(feeBps)) / 10_000n;
  const pot = total - fee;
  const parts = entries.map(([miner, s]) => ({
    miner,
    shares: s,
    amount: (pot * s) / sum,
    remainder: (pot * s) % sum,
  }));
  let left = pot - parts.reduce((a, p) => a + p.amount, 0n);
  const order = [...parts].sort((a, b) =>
    a.remainder !== b.remainder
      ? a.remainder > b.remainder
        ? -1
        : 1
      : a.shares !== b.shares
        ? a.shares > b.shares
          ? -1
          : 1
        : a.miner < b.miner
          ? -1
          : 1,
  );
  for (const p of order) {
    if (left === 0n) break;
    p.amount += 1n;
    left -= 1n;
  }
  return { fee, amounts: new Map(parts.map((p) => [p.miner, p.amount])) };
}

/**
 * What to transfer now: pending balances (previous carry + this split) at or above the minimum
 * are paid; smaller ones are carried to the next payout, so transfer fees never eat a payout.
 */
export function payable(
  pending: ReadonlyMap<string, bigint>,
  minimum: bigint,
): { pay: Map<string, bigint>; carry: Map<string, bigint> } {
  const pay = new Map<string, bigint>();
  const carry = new Map<string, bigint>();
  for (const [miner, amount] of pending) (amount >= minimum ? pay : carry).set(miner, amount);
  return { pay, carry };
}
