/**
 * Signing and checking receipts. A receipt is checked on its own: its signature must be the
 * validator's it names, so receipts can be relayed by anyone and still be trusted.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { decodeAddress, sr25519Verify } from '@polkadot/util-crypto';
import {
  ReceiptSchema,
  SignedReceiptSchema,
  receiptSigningBytes,
  type Receipt,
  type SignedReceipt,
} from '../../shared/protocol/receipt';

export function signReceipt(pair: KeyringPair, receipt: Receipt): SignedReceipt {
  const checked = ReceiptSchema.parse(receipt);
  if (checked.validator !== pair.address)
    throw new Error('a validator signs only receipts that name it');
  return { receipt: checked, signature: u8aToHex(pair.sign(receiptSigningBytes(checked))) };
}

/** The receipt if it is well-formed (its signature not checked yet); otherwise why not. */
export function parseReceipt(
  value: unknown,
): { ok: true; signed: SignedReceipt } | { ok: false; reason: string } {
  const parsed = SignedReceiptSchema.safeParse(value);
  return parsed.success
    ? { ok: true, signed: parsed.data }
    : { ok: false, reason: `malformed receipt: ${parsed.error.issues[0]?.message ?? ''}` };
}

/** Whether a well-formed receipt is signed by the validator it names (sr25519: the costly part). */
export function receiptSignatureHolds({ receipt, signature }: SignedReceipt): boolean {
  try {
    return sr25519Verify(receiptSigningBytes(receipt), signature, decodeAddress(receipt.validator));
  } catch {
    return false; // an address or signature that does not decode
  }
}

/** The receipt if it is well-formed and signed by its validator; otherwise why not. */
export function checkReceipt(
  value: unknown,
): { ok: true; signed: SignedReceipt } | { ok: false; reason: string } {
  const parsed = parseReceipt(value);
  if (!parsed.ok) return parsed;
  return receiptSignatureHolds(parsed.signed)
    ? parsed
    : { ok: false, reason: 'bad receipt signature' };
}
