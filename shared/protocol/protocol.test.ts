import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from '../algorithm/dsl';
import { programDigest } from '../algorithm/canonical';
import { ALL_PAIRS } from '../task/pairs';
import { canonicalJson } from './canonical-json';
import { commitmentHex } from './commitment';
import { TEACHER_SEED_RANGES } from '../task/teacher';
import {
  hiddenTaskIds,
  hiddenTeacherTaskIds,
  roundOf,
  roundSecret,
  seedCommitment,
} from './hidden-tasks';
import { quorumClaim, tally } from './quorum';
import { ReceiptSchema, receiptSigningBytes, verdictOnScores, type Receipt } from './receipt';
import { bodyHash, requestSigningBytes } from './request';
import { SubmissionSchema } from './submission';
import {
  CIFAR10_BINARY,
  LINEAR_BASELINE,
  MAX_ANNOUNCED_TRACKS,
  TEACHER_REGRESSION,
  TracksAnswerSchema,
  builtInTrack,
  checkAnnouncedTrack,
  makeTrack,
  trackDigest,
  trackMetric,
  type Track,
} from './track';
import { sotaWeights } from './weights-policy';

const key = (b: number) => new Uint8Array(32).fill(b);
const hex = (c: string) => c.repeat(64);

describe('commitments', () => {
  it('bind the program and the hotkey', () => {
    const a = commitmentHex(hex('a'), key(1));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(commitmentHex(hex('a'), key(1))).toBe(a);
    expect(commitmentHex(hex('b'), key(1))).not.toBe(a);
    expect(commitmentHex(hex('a'), key(2))).not.toBe(a);
    expect(() => commitmentHex('A'.repeat(64), key(1))).toThrow(/hex/);
    expect(() => commitmentHex(hex('a'), new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('signed request payloads', () => {
  it('change with every claim', () => {
    const base = {
      method: 'post',
      path: '/v1/submissions',
      bodyHash: bodyHash(new Uint8Array([1, 2])),
      timestamp: 1,
      nonce: hex('0').slice(0, 32),
      target: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    };
    const text = new TextDecoder().decode(requestSigningBytes(base));
    expect(text.split('\n')).toEqual([
      'sota-request-v1',
      'POST',
      base.path,
      base.bodyHash,
      '1',
      base.nonce,
      base.target,
    ]);
    for (const change of [{ path: '/v1/x' }, { timestamp: 2 }, { target: 'other' }]) {
      expect(requestSigningBytes({ ...base, ...change })).not.toEqual(requestSigningBytes(base));
    }
  });
});

describe('hidden tasks', () => {
  const master = new Uint8Array(32).fill(9);
  it('are fixed by the round secret, differ between rounds and cover all pairs', () => {
    const s1 = roundSecret(master, 1);
    expect(roundSecret(master, 1)).toBe(s1);
    expect(roundSecret(master, 2)).not.toBe(s1);
    expect(hiddenTaskIds(s1, 10)).toEqual(hiddenTaskIds(s1, 10));
    expect(hiddenTaskIds(s1, 10)).not.toEqual(hiddenTaskIds(roundSecret(master, 2), 10));
    const ids = hiddenTaskIds(s1, 400);
    const pairs = new Set(ids.map((t) => `${t.positive}-${t.negative}`));
    expect(pairs.size).toBe(ALL_PAIRS.length);
    for (const t of ids) expect(Number.isSafeInteger(t.seed) && t.seed >= 0).toBe(true);
    expect(seedCommitment(s1)).toMatch(/^[0-9a-f]{64}$/);
    expect(seedCommitment(s1)).not.toBe(s1);
    expect(roundOf(719, 360)).toBe(1);
    expect(() => roundSecret(new Uint8Array(8), 1)).toThrow(/32 bytes/);
  });

  it('of a teacher track take seeds from the secret in the hidden range only', () => {
    const s1 = roundSecret(master, 1);
    const ids = hiddenTeacherTaskIds(s1, 200, 'nonlinear');
    expect(hiddenTeacherTaskIds(s1, 200, 'nonlinear')).toEqual(ids);
    expect(hiddenTeacherTaskIds(roundSecret(master, 2), 200, 'nonlinear')).not.toEqual(ids);
    const { first, count } = TEACHER_SEED_RANGES.hidden;
    for (const t of ids) {
      expect(t.teacher).toBe('nonlinear');
      expect(t.seed).toBeGreaterThanOrEqual(first);
      expect(t.seed).toBeLessThan(first + count);
      // Never a search or held-out seed.
      expect(t.seed).toBeGreaterThanOrEqual(
        TEACHER_SEED_RANGES.heldOut.first + TEACHER_SEED_RANGES.heldOut.count,
      );
    }
    expect(new Set(ids.map((t) => t.seed)).size).toBe(200);
  });
});

function receipt(over: Partial<Receipt> = {}): Receipt {
  return ReceiptSchema.parse({
    v: 1,
    track: 'cifar10-binary-v1',
    trackDigest: hex('e'),
    validator: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
    round: 3,
    taskSeedCommitment: hex('1'),
    digest: hex('c'),
    miner: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
    commitmentBlock: 10,
    holderDigest: hex('d'),
    challengerScore: 0.72,
    holderScore: 0.69,
    margin: 0.01,
    verdict: 'accept',
    reason: 'beats the holder by 0.030',
    issuedAt: 1000,
    ...over,
  });
}

describe('receipts', () => {
  it('sign canonical bytes, independent of key order', () => {
    const r = receipt();
    const shuffled = Object.fromEntries(Object.entries(r).reverse()) as Receipt;
    expect(receiptSigningBytes(shuffled)).toEqual(receiptSigningBytes(r));
    expect(receiptSigningBytes(receipt({ holderScore: 0.7 }))).not.toEqual(receiptSigningBytes(r));
    expect(() => ReceiptSchema.parse({ ...r, extra: 1 })).toThrow();
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/NaN/);
  });

  it('accept a challenger that beats the holder by at least the margin', () => {
    expect(verdictOnScores(0.7264, 0.69095, 0.01)).toEqual({
      verdict: 'accept',
      gain: 0.7264 - 0.69095,
      reason: 'beats the holder by 0.0355 (margin 0.01)',
    });
    expect(verdictOnScores(0.75, 0.5, 0.25).verdict).toBe('accept');
    expect(verdictOnScores(0.7, 0.695, 0.01)).toMatchObject({
      verdict: 'reject',
      reason: '0.0050 over the holder, below the margin 0.01',
    });
    expect(verdictOnScores(0.6, 0.6, 0).verdict).toBe('accept');
  });
});

describe('quorum', () => {
  // Validator hotkeys of SS58 length.
  const id = (c: string) => `5${c.repeat(47)}`;
  const v = (hotkey: string, stake: bigint) => ({ hotkey: id(hotkey), stake });
  const r = (validator: string, verdict: 'accept' | 'reject', issuedAt = 1000) =>
    receipt({ validator: id(validator), verdict, issuedAt });
  const C = hex('c');
  const H = hex('d');
  it('is reached with two thirds of the stake', () => {
    const vs = [v('a', 10n), v('b', 10n), v('c', 10n)];
    expect(tally([r('a', 'accept')], vs, C, H, 2 / 3).reached).toBe(false);
    const t = tally([r('a', 'accept'), r('b', 'accept'), r('c', 'reject')], vs, C, H, 2 / 3);
    expect(t.reached).toBe(true);
    expect(t.accepting).toEqual([id('a'), id('b')]);
    expect(t.rejecting).toEqual([id('c')]);
  });
  it('weighs by stake, counts each validator once by its latest receipt, ignores strangers', () => {
    const vs = [v('a', 80n), v('b', 10n), v('c', 10n)];
    expect(tally([r('a', 'accept')], vs, C, H, 2 / 3).reached).toBe(true);
    expect(tally([r('b', 'accept'), r('c', 'accept')], vs, C, H, 2 / 3).reached).toBe(false);
    const changed = [r('a', 'accept', 1), r('a', 'reject', 2)];
    expect(tally(changed, vs, C, H, 2 / 3).reached).toBe(false);
    expect(tally([r('x', 'accept')], vs, C, H, 2 / 3).share).toBe(0);
    // A receipt against another holder does not count.
    expect(
      tally([receipt({ validator: id('a'), holderDigest: hex('e') })], vs, C, H, 0.6).share,
    ).toBe(0);
  });
  it('is per miner: a receipt naming another miner does not ride on the others', () => {
    const vs = [v('a', 10n), v('b', 10n), v('c', 10n)];
    const thief = receipt({ validator: id('c'), miner: id('t'), issuedAt: 1 });
    const honest = [r('a', 'accept'), r('b', 'accept')];
    const claim = quorumClaim([thief, ...honest], vs, C, H, 2 / 3);
    expect(claim?.miner).toBe(receipt().miner);
    expect(claim?.tally.accepting).toEqual([id('a'), id('b')]);
    expect(quorumClaim([thief, r('a', 'accept')], vs, C, H, 2 / 3)).toBeNull();
  });

  it('counts validators equally while none has stake', () => {
    const vs = [v('a', 0n), v('b', 0n), v('c', 0n)];
    expect(tally([r('a', 'accept'), r('b', 'accept')], vs, C, H, 2 / 3).reached).toBe(true);
    expect(tally([], [], C, H, 2 / 3).reached).toBe(false);
  });
});

describe('weights policy', () => {
  it('pays the holder its share while the window is open, burns the rest', () => {
    expect(sotaWeights({ holderUid: 4, burnUid: 0, winnerShare: 0.1, windowOpen: true })).toEqual({
      uids: [4, 0],
      weights: [0.1, 0.9],
    });
    const burn = { uids: [0], weights: [1] };
    expect(sotaWeights({ holderUid: 4, burnUid: 0, winnerShare: 0.1, windowOpen: false })).toEqual(
      burn,
    );
    expect(
      sotaWeights({ holderUid: null, burnUid: 0, winnerShare: 0.1, windowOpen: true }),
    ).toEqual(burn);
  });
});

describe('tracks and submissions', () => {
  it('have a parseable genesis and checked fields', () => {
    expect(programDigest(parseProgramOrThrow(LINEAR_BASELINE))).toMatch(/^[0-9a-f]{64}$/);
    expect(makeTrack({ roundBlocks: 5 }).roundBlocks).toBe(5);
    expect(() => makeTrack({ quorum: 0.4 })).toThrow(/quorum/);
    expect(CIFAR10_BINARY.winnerShare).toBe(0.1);
    expect(() =>
      SubmissionSchema.parse({ track: 't', program: 'x', digest: hex('a'), miner: 'm' }),
    ).toThrow();
    expect(() => SubmissionSchema.parse({ track: 't', program: 'x', digest: 'zz' })).toThrow(/hex/);
    expect(() =>
      SubmissionSchema.parse({ track: 't', program: 'x', digest: hex('a'), trackDigest: 'x' }),
    ).toThrow(/hex/);
  });

  it('are named by a digest of every field, whatever the order they are written in', () => {
    const track = makeTrack();
    // Pinned: a change here changes what every validator publishes and every miner sends.
    expect(trackDigest(track)).toBe(
      '6db5989a8a5d2b56e19c004ce7d638038d23ea1859018e1030a8bc9cef57187e',
    );
    expect(trackDigest(TEACHER_REGRESSION)).not.toBe(trackDigest(track));
    const reordered = Object.fromEntries(Object.entries(track).reverse()) as Track;
    expect(trackDigest(reordered)).toBe(trackDigest(track));
    for (const [field, value] of [
      ['margin', 0.02],
      ['roundBlocks', 60],
      ['genesis', `${LINEAR_BASELINE}\n`],
      ['maxStepCost', 1833],
      ['task', { family: 'teacher', teacher: 'linear' }],
    ] as const)
      expect(trackDigest(makeTrack({ [field]: value }))).not.toBe(trackDigest(track));
  });

  it('are built in by id, each stating its task family and so its metric', () => {
    expect(makeTrack({ id: TEACHER_REGRESSION.id })).toEqual(TEACHER_REGRESSION);
    expect(makeTrack({ id: TEACHER_REGRESSION.id, margin: 0.02 }).task).toEqual({
      family: 'teacher',
      teacher: 'nonlinear',
    });
    // An id of its own starts from the CIFAR-10 track.
    expect(makeTrack({ id: 'cifar10-fast-v1' }).task).toEqual({ family: 'cifar10-binary' });
    expect(trackMetric(CIFAR10_BINARY)).toBe('accuracy');
    expect(trackMetric(TEACHER_REGRESSION)).toBe('rms-error');
    expect(builtInTrack('nope')).toBeUndefined();
    expect(() => makeTrack({ task: { family: 'teacher' } as never })).toThrow(/teacher/);
    expect(() => makeTrack({ task: { family: 'mnist' } as never })).toThrow(/family/);
  });

  it('are taken from a validator only when valid and matching their digest', () => {
    const track = makeTrack({ roundBlocks: 60 });
    const digest = trackDigest(track);
    expect(checkAnnouncedTrack({ digest, track })).toEqual({ ok: true, track });
    // The margin lowered under the honest digest.
    expect(checkAnnouncedTrack({ digest, track: { ...track, margin: 0 } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining(`its digest ${digest} is not its content's`),
    });
    // A field the digest would not cover, or one out of range, or no track at all.
    expect(checkAnnouncedTrack({ digest, track: { ...track, bonus: 1 } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a valid track'),
    });
    expect(checkAnnouncedTrack({ digest, track: { ...track, quorum: 0.2 } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('quorum'),
    });
    expect(checkAnnouncedTrack({ digest, track: null }).ok).toBe(false);
    expect(
      TracksAnswerSchema.safeParse({
        tracks: Array(MAX_ANNOUNCED_TRACKS + 1).fill({ digest, track }),
      }).success,
    ).toBe(false);
  });
});
