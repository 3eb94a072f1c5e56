/**
 * Hidden tasks: each validator draws its verification tasks from a secret of its own, fresh every
 * round, so no miner can fit its program to them. The receipt carries a commitment to the round's
 * secret; after the round the validator reveals the secret and anyone can rebuild the same tasks.
 *
 *   round secret  = BLAKE2b-256("sota-round-v1" ‖ master secret ‖ round as u64 LE)
 *   commitment    = BLAKE2b-256(round secret)
 *   task i        = pair ALL_PAIRS[h_i mod 45], projection seed from h_i, where
 *                   h_i = BLAKE2b-256("sota-task-v1" ‖ round secret ‖ i as u32 LE)
 *
 * The tasks are built from the CIFAR-10 test images, which the search never uses.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ALL_PAIRS } from '../task/pairs';
import type { TaskId } from '../task/types';

const ROUND = utf8ToBytes('sota-round-v1');
const TASK = utf8ToBytes('sota-task-v1');

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u64le(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

/** The round's secret as 64 hex digits. */
export function roundSecret(masterSecret: Uint8Array, round: number): string {
  if (masterSecret.length < 32) throw new RangeError('a master secret has at least 32 bytes');
  if (!Number.isSafeInteger(round) || round < 0) throw new RangeError('bad round');
  return bytesToHex(blake2b(concat(ROUND, masterSecret, u64le(round)), { dkLen: 32 }));
}

export function seedCommitment(roundSecretHex: string): string {
  return bytesToHex(blake2b(hexToBytes(roundSecretHex), { dkLen: 32 }));
}

export function hiddenTaskIds(roundSecretHex: string, count: number): TaskId[] {
  const secret = hexToBytes(roundSecretHex);
  const out: TaskId[] = [];
  for (let i = 0; i < count; i++) {
    const index = new Uint8Array(4);
    new DataView(index.buffer).setUint32(0, i, true);
    const h = new DataView(blake2b(concat(TASK, secret, index), { dkLen: 32 }).buffer);
    const pair = ALL_PAIRS[h.getUint32(0, true) % ALL_PAIRS.length]!;
    // 2^31 seeds: plenty, and a safe integer everywhere a seed is used.
    out.push({
      positive: pair.positive,
      negative: pair.negative,
      seed: h.getUint32(4, true) >>> 1,
    });
  }
  return out;
}

/** The round a block belongs to. */
export function roundOf(block: number, roundBlocks: number): number {
  return Math.floor(block / roundBlocks);
}
