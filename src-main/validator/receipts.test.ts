import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ReceiptSchema,
  SignedReceiptSchema,
  receiptSigningBytes,
  type Receipt,
  type SignedReceipt,
} from '../../shared/protocol/receipt';
import { checkReceipt, signReceipt } from './receipts';

let alice: KeyringPair;
let bob: KeyringPair;

beforeAll(async () => {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
});

const hex = (c: string) => c.repeat(64);
const MINER = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y'; // //Charlie

/** A well-formed receipt by `validator` (Alice unless given), checked by the protocol schema. */
function receipt(over: Partial<Receipt> = {}, validator = alice.address): Receipt {
  return ReceiptSchema.parse({
    v: 1,
    track: 'cifar10-binary-v1',
    trackDigest: 'e'.repeat(64),
    validator,
    round: 42,
    taskSeedCommitment: hex('c'),
    digest: hex('a'),
    miner: MINER,
    commitmentBlock: 1234,
    holderDigest: hex('b'),
    challengerScore: 0.731,
    holderScore: 0.7,
    margin: 0.01,
    verdict: 'accept',
    reason: 'beats the holder by 0.031',
    issuedAt: 1_700_000_000_000,
    ...over,
  });
}

/** checkReceipt's reason, failing the test if the receipt was accepted. */
function reasonOf(value: unknown): string {
  const r = checkReceipt(value);
  if (r.ok) throw new Error('expected the receipt to be rejected');
  return r.reason;
}

describe('signReceipt', () => {
  it('signs a receipt that names the signer, and checkReceipt accepts it', () => {
    const r = receipt();
    const signed = signReceipt(alice, r);
    expect(signed.receipt).toEqual(r);
    expect(signed.signature).toMatch(/^0x[0-9a-f]{128}$/);
    expect(SignedReceiptSchema.safeParse(signed).success).toBe(true);
    const checked = checkReceipt(signed);
    expect(checked).toEqual({ ok: true, signed });
  });

  it('works for any validator signing its own receipt', () => {
    const signed = signReceipt(
      bob,
      receipt({ verdict: 'reject', reason: 'below the margin' }, bob.address),
    );
    expect(checkReceipt(signed).ok).toBe(true);
  });

  it('refuses a receipt naming another validator', () => {
    expect(() => signReceipt(alice, receipt({}, bob.address))).toThrow(
      'a validator signs only receipts that name it',
    );
  });

  it('refuses a malformed receipt', () => {
    const bad = { ...receipt(), challengerScore: 1.5 };
    expect(() => signReceipt(alice, bad)).toThrow();
    const extra = { ...receipt(), bonus: 1 } as unknown as Receipt;
    expect(() => signReceipt(alice, extra)).toThrow();
  });
});

describe('checkReceipt', () => {
  it('rejects a receipt whose fields were changed after signing', () => {
    const signed = signReceipt(alice, receipt());
    const tampered: Partial<Receipt>[] = [
      { challengerScore: 0.9 },
      { holderScore: 0.5 },
      { margin: 0 },
      { verdict: 'reject' },
      { digest: hex('d') },
      { holderDigest: hex('e') },
      { taskSeedCommitment: hex('f') },
      { round: 43 },
      { commitmentBlock: 1 },
      { miner: bob.address },
      { reason: 'beats the holder by 0.5' },
      { issuedAt: 1_700_000_000_001 },
      { track: 'other-track' },
    ];
    for (const change of tampered) {
      const forged: SignedReceipt = { ...signed, receipt: { ...signed.receipt, ...change } };
      expect(reasonOf(forged), JSON.stringify(change)).toBe('bad receipt signature');
    }
  });

  it('rejects a receipt naming Alice but signed by Bob', () => {
    // Bob signs exactly the bytes Alice would have signed: still not Alice's signature.
    const r = receipt();
    const forged: SignedReceipt = {
      receipt: r,
      signature: u8aToHex(bob.sign(receiptSigningBytes(r))),
    };
    expect(SignedReceiptSchema.safeParse(forged).success).toBe(true);
    expect(reasonOf(forged)).toBe('bad receipt signature');
    // And Bob's own signed receipt with Alice's name swapped in.
    const asBob = signReceipt(bob, receipt({}, bob.address));
    const swapped: SignedReceipt = {
      receipt: { ...asBob.receipt, validator: alice.address },
      signature: asBob.signature,
    };
    expect(reasonOf(swapped)).toBe('bad receipt signature');
  });

  it('rejects a signature that was altered', () => {
    const signed = signReceipt(alice, receipt());
    const last = signed.signature.slice(-1);
    const flipped = signed.signature.slice(0, -1) + (last === '0' ? '1' : '0');
    expect(reasonOf({ ...signed, signature: flipped })).toBe('bad receipt signature');
    expect(reasonOf({ ...signed, signature: `0x${'0'.repeat(128)}` })).toBe(
      'bad receipt signature',
    );
  });

  it('rejects a validator address that does not decode', () => {
    const signed = signReceipt(alice, receipt());
    // Right length for the schema, wrong checksum for ss58.
    const mangled = `${alice.address.slice(0, -1)}${alice.address.endsWith('a') ? 'b' : 'a'}`;
    expect(reasonOf({ ...signed, receipt: { ...signed.receipt, validator: mangled } })).toBe(
      'bad receipt signature',
    );
  });

  it('reports malformed objects as malformed', () => {
    const signed = signReceipt(alice, receipt());
    const { holderScore: _h, ...missingField } = signed.receipt;
    const cases: unknown[] = [
      null,
      'receipt',
      42,
      [],
      {},
      { receipt: signed.receipt },
      { signature: signed.signature },
      { ...signed, receipt: missingField },
      { ...signed, receipt: { ...signed.receipt, extra: true } },
      { ...signed, extra: true },
      { ...signed, signature: 'not hex' },
      { ...signed, signature: signed.signature.slice(2) }, // no 0x
      { ...signed, signature: signed.signature.toUpperCase().replace('0X', '0x') },
      { ...signed, signature: signed.signature.slice(0, -2) }, // 63 bytes
      { ...signed, receipt: { ...signed.receipt, v: 2 } },
      { ...signed, receipt: { ...signed.receipt, verdict: 'maybe' } },
      { ...signed, receipt: { ...signed.receipt, digest: hex('A') } },
      { ...signed, receipt: { ...signed.receipt, challengerScore: -0.1 } },
      { ...signed, receipt: { ...signed.receipt, round: 1.5 } },
    ];
    for (const value of cases) {
      expect(reasonOf(value), JSON.stringify(value)).toMatch(/^malformed receipt: /);
    }
  });

  it('accepts a receipt relayed as JSON', () => {
    const signed = signReceipt(alice, receipt({ challengerScore: 0.1 + 0.2, holderScore: 1 / 3 }));
    const relayed: unknown = JSON.parse(JSON.stringify(signed));
    const checked = checkReceipt(relayed);
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.signed).toEqual(signed);
  });

  it('does not depend on the key order of the relayed object', () => {
    const signed = signReceipt(alice, receipt());
    const reversed = Object.fromEntries(Object.entries(signed.receipt).reverse());
    expect(checkReceipt({ signature: signed.signature, receipt: reversed }).ok).toBe(true);
  });
});
