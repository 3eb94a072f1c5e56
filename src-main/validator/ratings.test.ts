/**
 * Ratings from receipts (ratings.ts): who gains and who loses, that a validator offline for a
 * round gains nothing, that the order receipts arrive in changes nothing, and that the served
 * ratings are recomputed at most once per period.
 */
import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../shared/protocol/receipt';
import { GENESIS_PLAYER, RatingsBook, computeRatings, type RatingInput } from './ratings';

// Hotkeys as the receipts name them; ratings do not check addresses (the store did).
const [V1, V2, V3] = ['validator-1', 'validator-2', 'validator-3'];
const [ALICE, BOB] = ['miner-alice', 'miner-bob'];
const GENESIS = 'a'.repeat(64);
const hex = (c: string) => c.repeat(64);

function receipt(
  validator: string,
  miner: string,
  digest: string,
  verdict: Receipt['verdict'],
  round: number,
  holderDigest = GENESIS,
): Receipt {
  return {
    v: 1,
    track: 'cifar10-binary-v1',
    trackDigest: 'e'.repeat(64),
    validator,
    round,
    taskSeedCommitment: hex('c'),
    digest,
    miner,
    commitmentBlock: 1,
    holderDigest,
    challengerScore: verdict === 'accept' ? 0.71 : 0.69,
    holderScore: 0.69,
    margin: 0.01,
    verdict,
    reason: verdict,
    issuedAt: round * 1000,
  };
}

const input = (receipts: Receipt[], holders: Record<string, string> = {}): RatingInput => ({
  receipts,
  holderMiner: (d) => holders[d] ?? null,
  validators: [V1, V2, V3].map((hotkey) => ({ hotkey, stake: 100n })),
  quorum: 2 / 3,
});

const rating = (rows: readonly { player: string; rating: number }[], player: string) =>
  rows.find((r) => r.player === player);

describe('ratings', () => {
  it('raise a miner whose claim cleared the margin and lower one whose claim did not', () => {
    const r = computeRatings(
      input([
        ...[V1, V2, V3].map((v) => receipt(v, ALICE, hex('1'), 'accept', 1)),
        ...[V1, V2, V3].map((v) => receipt(v, BOB, hex('2'), 'reject', 1)),
      ]),
    );
    expect(rating(r.miners, ALICE)!.rating).toBeGreaterThan(1500);
    expect(rating(r.miners, BOB)!.rating).toBeLessThan(1500);
    // The genesis program won once and lost once: back about where it started.
    expect(Math.abs(rating(r.miners, GENESIS_PLAYER)!.rating - 1500)).toBeLessThan(1);
    expect(r.miners[0]!.player).toBe(ALICE);
    expect(r.miners.find((m) => m.player === ALICE)).toMatchObject({ matches: 1, wins: 1 });
    expect(r).toMatchObject({ rounds: 1, receipts: 6 });
  });

  it('score a split verdict as a partial win, against the miner who held the record', () => {
    const second = hex('3');
    const r = computeRatings(
      input(
        [
          ...[V1, V2, V3].map((v) => receipt(v, ALICE, hex('1'), 'accept', 1)),
          // Round 2: Bob challenges Alice's record; two of three accept it.
          receipt(V1, BOB, second, 'accept', 2, hex('1')),
          receipt(V2, BOB, second, 'accept', 2, hex('1')),
          receipt(V3, BOB, second, 'reject', 2, hex('1')),
        ],
        { [hex('1')]: ALICE },
      ),
    );
    const bob = rating(r.miners, BOB)!;
    expect(bob.rating).toBeGreaterThan(1500);
    expect(r.miners.find((m) => m.player === BOB)).toMatchObject({ matches: 1, wins: 0 });
    expect(r.miners.find((m) => m.player === ALICE)!.matches).toBe(2);
  });

  it('lower a validator that disagrees with the quorum; one offline gains nothing, and grows less sure', () => {
    const rounds = [1, 2, 3].flatMap((round) => [
      receipt(V1, ALICE, hex(String(round)), 'accept', round),
      receipt(V2, ALICE, hex(String(round)), 'accept', round),
      // V3 rejects what the others accept, and is offline in round 3.
      ...(round < 3 ? [receipt(V3, ALICE, hex(String(round)), 'reject', round)] : []),
    ]);
    const r = computeRatings(input(rounds));
    const v1 = r.validators.find((v) => v.player === V1)!;
    const v3 = r.validators.find((v) => v.player === V3)!;
    expect(v1.rating).toBeGreaterThan(1500);
    expect(v3.rating).toBeLessThan(1500);
    expect(v3.matches).toBe(2);
    // Offline in the last round: the same rating as after round 2, with a wider deviation.
    const afterTwo = computeRatings(input(rounds.filter((x) => x.round < 3)));
    const v3Before = afterTwo.validators.find((v) => v.player === V3)!;
    expect(v3.rating).toBe(v3Before.rating);
    expect(v3.rd).toBeGreaterThan(v3Before.rd);
  });

  it('give no validator a match on a claim the stake did not settle', () => {
    const r = computeRatings(
      input([receipt(V1, ALICE, hex('1'), 'accept', 1), receipt(V2, ALICE, hex('1'), 'reject', 1)]),
    );
    expect(r.validators).toEqual([]);
    expect(r.miners.find((m) => m.player === ALICE)!.matches).toBe(1);
  });

  it('are the same whatever order the receipts come in', () => {
    const receipts = [1, 2, 3, 4].flatMap((round) =>
      [V1, V2, V3].map((v, i) =>
        receipt(
          v,
          round % 2 ? ALICE : BOB,
          hex(String(round)),
          (round + i) % 3 ? 'accept' : 'reject',
          round,
        ),
      ),
    );
    const forward = computeRatings(input(receipts));
    const backward = computeRatings(input([...receipts].reverse()));
    expect(backward).toEqual(forward);
  });

  it('are served from a computation at most once per period', () => {
    let now = 0;
    let computed = 0;
    const book = new RatingsBook(
      () => {
        computed++;
        return input([receipt(V1, ALICE, hex('1'), 'accept', 1)]);
      },
      30_000,
      () => now,
    );
    book.current();
    now = 29_999;
    expect(book.current().computedAt).toBe(0);
    now = 30_000;
    expect(book.current().computedAt).toBe(30_000);
    expect(computed).toBe(2);
  });
});
