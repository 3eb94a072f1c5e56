import { describe, expect, it } from 'vitest';
import type { Receipt } from '../../shared/protocol/receipt';
import {
  admissionRefusal,
  MAX_CLOCK_SKEW_MS,
  RECEIPT_ROUNDS_KEPT,
  type AdmissionContext,
} from './receipt-admission';

const NOW = 1_800_000_000_000;
const receipt = (over: Partial<Receipt> = {}): Receipt => ({
  v: 1,
  track: 't',
  trackDigest: 'a'.repeat(64),
  validator: 'bob',
  round: 30,
  taskSeedCommitment: 'c'.repeat(64),
  digest: 'd'.repeat(64),
  miner: 'dave',
  commitmentBlock: 1,
  holderDigest: 'h'.repeat(64),
  challengerScore: 0.7,
  holderScore: 0.69,
  margin: 0.01,
  verdict: 'accept',
  reason: 'r',
  issuedAt: NOW,
  ...over,
});
const context = (stored = false): AdmissionContext => ({
  track: 't',
  trackDigest: 'a'.repeat(64),
  currentRound: 30,
  now: NOW,
  isValidator: (hotkey) => hotkey === 'bob',
  store: { hasReceipt: () => stored },
});

describe('admissionRefusal', () => {
  it('admits a current receipt of this track from a validator', () => {
    expect(admissionRefusal(receipt(), context())).toBeNull();
    expect(admissionRefusal(receipt({ round: 31 }), context())).toBeNull(); // the next round: clocks differ
    expect(admissionRefusal(receipt({ issuedAt: NOW + MAX_CLOCK_SKEW_MS }), context())).toBeNull();
  });

  it('refuses another track, a future date, a round not begun and a signer without a permit', () => {
    expect(admissionRefusal(receipt({ track: 'u' }), context())).toMatch(/another track/);
    expect(admissionRefusal(receipt({ trackDigest: 'b'.repeat(64) }), context())).toBe(
      'receipt from bob judged under another version of t (bbbbbbbb, here aaaaaaaa)',
    );
    expect(admissionRefusal(receipt({ issuedAt: NOW + MAX_CLOCK_SKEW_MS + 1 }), context())).toMatch(
      /dated in the future/,
    );
    expect(admissionRefusal(receipt({ round: 32 }), context())).toMatch(/has not begun/);
    expect(admissionRefusal(receipt({ validator: 'charlie' }), context())).toMatch(
      /not a validator/,
    );
  });

  it('refuses a new receipt for a round long past, but lets a stored one be replaced', () => {
    const old = receipt({ round: 30 - RECEIPT_ROUNDS_KEPT - 1 });
    expect(admissionRefusal(old, context(false))).toMatch(/older than 24 rounds/);
    expect(admissionRefusal(old, context(true))).toBeNull();
    expect(admissionRefusal(receipt({ round: 30 - RECEIPT_ROUNDS_KEPT }), context())).toBeNull();
  });
});
