/**
 * What a pool publishes about its rewards, and how a miner checks it: every closed window with
 * its share table and split (GET /v1/pool/windows), and each miner's statement (shares, pending
 * balance, payouts; GET /v1/pool/miners/:hotkey). RAO and share amounts travel as decimal
 * strings: they can exceed 2^53.
 */
import { z } from 'zod';
import { splitReward } from './payout';

const amount = z.string().regex(/^\d{1,40}$/, 'expected a whole number as decimal text');
const address = z.string().min(1).max(64);

export const RewardWindowSchema = z.object({
  id: z.number().int().min(1),
  closedAt: z.number().int(),
  /** The block of the unstake that turned the window's earnings into TAO (null: booked by hand). */
  block: z.number().int().nullable(),
  totalRao: amount,
  feeRao: amount,
  feeBps: z.number().int().min(0).max(10_000),
  earnedAlpha: amount.nullable(),
  unstakeTx: z.string().nullable(),
  shares: z.record(address, amount),
  amounts: z.record(address, amount),
});
export type RewardWindowView = z.infer<typeof RewardWindowSchema>;

export const PayoutSchema = z.object({
  window: z.number().int(),
  amountRao: amount,
  payee: address.nullable(),
  txHash: z.string().nullable(),
  paidAt: z.number().int().nullable(),
});
export type PayoutView = z.infer<typeof PayoutSchema>;

export const MinerStatementSchema = z.object({
  miner: address,
  /** Shares in the window in progress. */
  shares: amount,
  reputation: z.number().int(),
  agreed: z.number().int(),
  dissented: z.number().int(),
  late: z.number().int(),
  /** Credited in closed windows, not yet transferred (below the minimum, or a failed transfer). */
  pendingRao: amount,
  paidRao: amount,
  payouts: z.array(PayoutSchema),
});
export type MinerStatement = z.infer<typeof MinerStatementSchema>;

/**
 * Recomputes a window's split from its published share table, fee and total: true when the
 * pool's amounts and fee are exactly what splitReward gives. A miner that checks every window it
 * was paid in knows the pool split fairly by its own published rules.
 */
export function splitHolds(w: RewardWindowView): boolean {
  const shares = new Map(Object.entries(w.shares).map(([m, s]) => [m, BigInt(s)]));
  const { fee, amounts } = splitReward({ total: BigInt(w.totalRao), shares, feeBps: w.feeBps });
  if (fee !== BigInt(w.feeRao)) return false;
  const published = Object.entries(w.amounts).filter(([, a]) => BigInt(a) > 0n);
  const expected = [...amounts].filter(([, a]) => a > 0n);
  return (
    published.length === expected.length &&
    expected.every(([m, a]) => w.amounts[m] !== undefined && BigInt(w.amounts[m]) === a)
  );
}
