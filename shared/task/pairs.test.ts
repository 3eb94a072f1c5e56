import { describe, expect, it } from 'vitest';

import {
  ALL_PAIRS,
  HELDOUT_PAIRS,
  SEARCH_PAIRS,
  heldoutTaskIds,
  isHeldoutPair,
  SEARCH_PAIR_ORDER,
  searchPairForSeed,
  searchTaskIds,
} from './pairs';

const key = (p: { positive: number; negative: number }) => `${p.positive}-${p.negative}`;

describe('class pairs', () => {
  it('lists the 45 pairs i<j once each', () => {
    expect(ALL_PAIRS).toHaveLength(45);
    expect(new Set(ALL_PAIRS.map(key)).size).toBe(45);
    for (const p of ALL_PAIRS) expect(p.positive).toBeLessThan(p.negative);
  });

  it("holds back AutoML-Zero's 9 pairs and searches on the other 36", () => {
    expect(HELDOUT_PAIRS.map(key)).toEqual([
      '0-5',
      '0-9',
      '1-8',
      '2-9',
      '3-5',
      '3-6',
      '3-8',
      '4-6',
      '8-9',
    ]);
    expect(SEARCH_PAIRS).toHaveLength(36);
    const held = new Set(HELDOUT_PAIRS.map(key));
    for (const p of SEARCH_PAIRS) expect(held.has(key(p))).toBe(false);
    expect(new Set([...SEARCH_PAIRS, ...HELDOUT_PAIRS].map(key)).size).toBe(45);
    expect(isHeldoutPair(5, 0)).toBe(true);
    expect(isHeldoutPair(0, 1)).toBe(false);
  });

  it('search task ids spread the search pairs over consecutive seeds', () => {
    const ids = searchTaskIds(40, 100);
    expect(ids).toHaveLength(40);
    expect(ids.map((i) => i.seed)).toEqual(Array.from({ length: 40 }, (_, k) => 100 + k));
    // Any 36 consecutive seeds use each search pair once.
    expect(new Set(ids.slice(0, 36).map(key)).size).toBe(36);
    expect(ids[36]).toEqual({ ...ids[0], seed: 136 });
    for (const id of ids) expect(isHeldoutPair(id.positive, id.negative)).toBe(false);
    expect(searchTaskIds(3)).toEqual(searchTaskIds(40).slice(0, 3));
    expect(searchTaskIds(2, 5)).toEqual(searchTaskIds(7).slice(5));
    // Every window of 10 seeds, wherever it starts, touches every class 1 to 3 times.
    for (let first = 0; first < 36; first++) {
      const perClass = new Array<number>(10).fill(0);
      for (const id of searchTaskIds(10, first)) {
        perClass[id.positive]!++;
        perClass[id.negative]!++;
      }
      expect(Math.min(...perClass)).toBeGreaterThan(0);
      expect(Math.max(...perClass)).toBeLessThanOrEqual(3);
    }
    expect(new Set(SEARCH_PAIR_ORDER.map(key))).toEqual(new Set(SEARCH_PAIRS.map(key)));
    expect(searchPairForSeed(2 ** 53 - 1)).toBe(SEARCH_PAIR_ORDER[(2 ** 53 - 1) % 36]);
  });

  it('held-out task ids are pair-major over seeds 0..n-1', () => {
    const ids = heldoutTaskIds(3);
    expect(ids).toHaveLength(27);
    expect(ids.slice(0, 4)).toEqual([
      { positive: 0, negative: 5, seed: 0 },
      { positive: 0, negative: 5, seed: 1 },
      { positive: 0, negative: 5, seed: 2 },
      { positive: 0, negative: 9, seed: 0 },
    ]);
    expect(ids[26]).toEqual({ positive: 8, negative: 9, seed: 2 });
  });

  it('rejects bad counts', () => {
    expect(() => searchTaskIds(-1)).toThrow(RangeError);
    expect(() => heldoutTaskIds(1.5)).toThrow(RangeError);
  });
});
