import { describe, expect, it } from 'vitest';
import { payable, splitReward } from './payout';

const sum = (m: ReadonlyMap<string, bigint>) => [...m.values()].reduce((a, b) => a + b, 0n);

describe('splitReward', () => {
  it('takes the fee and splits the rest pro rata, exactly to the RAO', () => {
    const shares = new Map([
      ['alice', 3n],
      ['bob', 3n],
      ['carol', 1n],
    ]);
    const { fee, amounts } = splitReward({ total: 1_000_000_007n, shares, feeBps: 250 });
    expect(fee).toBe(25_000_000n);
    expect(sum(amounts) + fee).toBe(1_000_000_007n);
    // 975,000,007 × 3/7 = 417,857,145.857… and × 1/7 = 139,285,715.285…
    expect(amounts).toEqual(
      new Map([
        ['alice', 417_857_146n],
        ['bob', 417_857_146n],
        ['carol', 139_285_715n],
      ]),
    );
  });

  it('gives leftover units by largest remainder, then more shares, then address', () => {
    const { amounts } = splitReward({
      total: 10n,
      shares: new Map([
        ['b', 1n],
        ['a', 1n],
        ['c', 1n],
      ]),
      feeBps: 0,
    });
    expect(amounts).toEqual(
      new Map([
        ['b', 3n],
        ['a', 4n],
        ['c', 3n],
      ]),
    );
  });

  it('pays nobody without shares, and leaves out miners with zero shares', () => {
    expect(splitReward({ total: 50n, shares: new Map(), feeBps: 100 })).toEqual({
      fee: 50n,
      amounts: new Map(),
    });
    const { amounts } = splitReward({
      total: 50n,
      shares: new Map([
        ['a', 0n],
        ['b', 2n],
      ]),
      feeBps: 0,
    });
    expect(amounts).toEqual(new Map([['b', 50n]]));
  });

  it('refuses a fee outside 0..100% and negative inputs', () => {
    expect(() => splitReward({ total: 1n, shares: new Map(), feeBps: 10_001 })).toThrow(/feeBps/);
    expect(() => splitReward({ total: -1n, shares: new Map(), feeBps: 0 })).toThrow(/negative/);
    expect(() => splitReward({ total: 1n, shares: new Map([['a', -1n]]), feeBps: 0 })).toThrow(
      /negative/,
    );
  });
});

describe('payable', () => {
  it('pays balances at or above the minimum and carries the rest', () => {
    const { pay, carry } = payable(
      new Map([
        ['a', 100n],
        ['b', 99n],
      ]),
      100n,
    );
    expect(pay).toEqual(new Map([['a', 100n]]));
    expect(carry).toEqual(new Map([['b', 99n]]));
  });
});
