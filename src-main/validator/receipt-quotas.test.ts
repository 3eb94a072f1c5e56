import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Receipt } from '../../shared/protocol/receipt';
import { quotaRefusal, type ReceiptQuotas } from './receipt-quotas';
import { ValidatorStore } from './store';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const ss58 = (c: string) => `5${c.repeat(47)}`;
const QUOTAS: ReceiptQuotas = { perRound: 5, unknownPerRound: 2, holdersPerProgram: 2 };

function receipt(over: Partial<Receipt> = {}): Receipt {
  return {
    v: 1,
    track: 'cifar10-binary-v1',
    trackDigest: 'e'.repeat(64),
    validator: ss58('V'),
    round: 3,
    taskSeedCommitment: hex(0xc),
    digest: hex(1),
    miner: ss58('M'),
    commitmentBlock: 100,
    holderDigest: hex(0),
    challengerScore: 0.74,
    holderScore: 0.69,
    margin: 0.01,
    verdict: 'accept',
    reason: 'beats the holder by 0.05',
    issuedAt: 5_000,
    ...over,
  };
}

describe('receipt quotas', () => {
  let dir: string;
  let store: ValidatorStore;
  /** Stores `r` if it fits its quotas (what receiveReceipts does); returns the refusal. */
  const offer = (r: Receipt): string | null => {
    const refusal = quotaRefusal(store, r, QUOTAS);
    if (!refusal) store.addReceipt({ receipt: r, signature: `0x${'1'.repeat(128)}` });
    return refusal;
  };
  const submit = (digest: string) =>
    store.addSubmission({
      digest,
      miner: ss58('M'),
      track: 'cifar10-binary-v1',
      program: 'def Setup():\ndef Predict():\ndef Learn():\n',
      commitmentBlock: 100,
      fingerprint: null,
      receivedAt: 1_000,
      round: 3,
    });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sota-quotas-'));
    store = ValidatorStore.open(path.join(dir, 'v.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a signer little room for programs this validator never received', () => {
    expect(offer(receipt({ digest: hex(101) }))).toBeNull();
    expect(offer(receipt({ digest: hex(102) }))).toBeNull();
    expect(offer(receipt({ digest: hex(103) }))).toMatch(
      /2 receipts on unknown programs in round 3/,
    );
    // Another signer, and the next round, have room of their own.
    expect(offer(receipt({ digest: hex(103), validator: ss58('W') }))).toBeNull();
    expect(offer(receipt({ digest: hex(103), round: 4 }))).toBeNull();
  });

  it('gives known programs room up to the round quota', () => {
    for (let i = 1; i <= 6; i++) submit(hex(i));
    for (let i = 1; i <= 5; i++) expect(offer(receipt({ digest: hex(i) }))).toBeNull();
    expect(offer(receipt({ digest: hex(6) }))).toMatch(/has 5 receipts in round 3/);
  });

  it('bounds the holders one program is judged against, and lets a receipt be replaced', () => {
    submit(hex(1));
    expect(offer(receipt({ holderDigest: hex(900) }))).toBeNull();
    expect(offer(receipt({ holderDigest: hex(901) }))).toBeNull();
    expect(offer(receipt({ holderDigest: hex(902) }))).toMatch(/against 2 holders/);
    // A newer receipt for a stored key replaces it and takes no new room.
    expect(offer(receipt({ holderDigest: hex(901), issuedAt: 6_000 }))).toBeNull();
    expect(store.holdersJudged(ss58('V'), hex(1))).toBe(2);
  });
});
