import { describe, expect, it } from 'vitest';
import { splitReward } from './payout';
import { MinerStatementSchema, splitHolds, type RewardWindowView } from './statement';

const shares = { alice: '3', bob: '2', carol: '1' };

function published(total: bigint, feeBps: number): RewardWindowView {
  const split = splitReward({
    total,
    shares: new Map(Object.entries(shares).map(([m, s]) => [m, BigInt(s)])),
    feeBps,
  });
  return {
    id: 1,
    closedAt: 0,
    block: 10,
    totalRao: total.toString(),
    feeRao: split.fee.toString(),
    feeBps,
    earnedAlpha: '99',
    unstakeTx: '0x00',
    shares,
    amounts: Object.fromEntries([...split.amounts].map(([m, a]) => [m, a.toString()])),
  };
}

describe('splitHolds', () => {
  it('accepts the split the share table gives', () => {
    expect(splitHolds(published(1_000_000_007n, 500))).toBe(true);
    expect(splitHolds(published(0n, 0))).toBe(true);
  });

  it('catches a pool that moves a single RAO, keeps a larger fee or pays an outsider', () => {
    const w = published(1_000_000_007n, 500);
    const moved: Record<string, string> = {
      ...w.amounts,
      alice: String(BigInt(w.amounts['alice']!) - 1n),
      bob: String(BigInt(w.amounts['bob']!) + 1n),
    };
    expect(splitHolds({ ...w, amounts: moved })).toBe(false);
    expect(splitHolds({ ...w, feeRao: String(BigInt(w.feeRao) + 1n) })).toBe(false);
    expect(splitHolds({ ...w, amounts: { ...w.amounts, mallory: '1' } })).toBe(false);
    const { carol: _dropped, ...withoutCarol } = w.amounts;
    expect(splitHolds({ ...w, amounts: withoutCarol })).toBe(false);
  });
});

describe('MinerStatementSchema', () => {
  it('refuses amounts that are not whole decimal numbers', () => {
    const statement = {
      miner: 'alice',
      shares: '10',
      reputation: 1,
      agreed: 1,
      dissented: 0,
      late: 0,
      pendingRao: '5',
      paidRao: '0',
      payouts: [],
    };
    expect(MinerStatementSchema.safeParse(statement).success).toBe(true);
    expect(MinerStatementSchema.safeParse({ ...statement, pendingRao: '-5' }).success).toBe(false);
    expect(MinerStatementSchema.safeParse({ ...statement, paidRao: 1.5 }).success).toBe(false);
  });
});
