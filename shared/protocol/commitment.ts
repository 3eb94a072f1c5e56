/**
 * Priority by commitment: before a miner shows a program to anyone, it publishes
 * BLAKE2b-256("sota-commit-v1" ‖ program digest ‖ miner hotkey public key) on chain. The block
 * that holds it fixes the miner's priority; a copier who sees the program later can only commit
 * later, and the hotkey inside the hash stops anyone from claiming another miner's commitment.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

const DOMAIN = utf8ToBytes('sota-commit-v1');

/** The 32 bytes a miner commits for a program (digest as 64 hex digits, key as 32 bytes). */
export function commitmentBytes(programDigest: string, hotkeyPublicKey: Uint8Array): Uint8Array {
  if (!/^[0-9a-f]{64}$/.test(programDigest))
    throw new RangeError('a program digest is 64 lowercase hex digits');
  if (hotkeyPublicKey.length !== 32) throw new RangeError('a hotkey public key is 32 bytes');
  const input = new Uint8Array(DOMAIN.length + 64);
  input.set(DOMAIN, 0);
  input.set(hexToBytes(programDigest), DOMAIN.length);
  input.set(hotkeyPublicKey, DOMAIN.length + 32);
  return blake2b(input, { dkLen: 32 });
}

export function commitmentHex(programDigest: string, hotkeyPublicKey: Uint8Array): string {
  return bytesToHex(commitmentBytes(programDigest, hotkeyPublicKey));
}
