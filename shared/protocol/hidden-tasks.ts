/**
 * Hidden tasks: each validator draws its verification tasks from a secret of its own, fresh every
 * round, so no miner can fit its program to them. The receipt carries a commitment to the round's
 * secret; after the round the validator reveals the secret and anyone can rebuild the same tasks.
 *
 *   round secret  = BLAKE2b-256("sota-round-v1" ‖ master secret ‖ round as u64 LE)
 *   commitment    = BLAKE2b-256(round secret)
 *   task i        = pair ALL_PAIRS[h_i mod 45], projection seed from h_i (CIFAR-10 tracks), or
 *                   teacher seed from h_i in the hidden seed range (teacher tracks), where
 *                   h_i = BLAKE2b-256("sota-task-v1" ‖ round secret ‖ i as u32 LE)
 *
 * CIFAR-10 hidden tasks score on the test images, and teacher tasks take seeds, that the search
 * never uses.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ALL_PAIRS } from '../task/pairs';
import { TEACHER_SEED_RANGES } from '../task/teacher';
import type { TaskId, TeacherKind, TeacherTaskId } from '../task/types';

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

/** h_i of the file comment, as a view to read integers from. */
function taskHash(secret: Uint8Array, i: number): DataView {
  const index = new Uint8Array(4);
  new DataView(index.buffer).setUint32(0, i, true);
  return new DataView(blake2b(concat(TASK, secret, index), { dkLen: 32 }).buffer);
}

/** The round's hidden CIFAR-10 tasks. */
export function hiddenTaskIds(roundSecretHex: string, count: number): TaskId[] {
  const secret = hexToBytes(roundSecretHex);
  return Array.from({ length: count }, (_, i) => {
    const h = taskHash(secret, i);
    const pair = ALL_PAIRS[h.getUint32(0, true) % ALL_PAIRS.length]!;
    // 2^31 seeds: plenty, and a safe integer everywhere a seed is used.
    return { positive: pair.positive, negative: pair.negative, seed: h.getUint32(4, true) >>> 1 };
  });
}

/**
 * The round's hidden teacher tasks: task i's seed is h_i's first 32 bits folded into the hidden
 * range of teacher seeds, which no search or held-out task uses (shared/task/teacher.ts).
 */
export function hiddenTeacherTaskIds(
  roundSecretHex: string,
  count: number,
  teacher: TeacherKind,
): TeacherTaskId[] {
  const secret = hexToBytes(roundSecretHex);
  const { first, count: range } = TEACHER_SEED_RANGES.hidden;
  return Array.from({ length: count }, (_, i) => ({
    teacher,
    seed: first + (taskHash(secret, i).getUint32(0, true) % range),
  }));
}

/** The round a block belongs to. */
export function roundOf(block: number, roundBlocks: number): number {
  return Math.floor(block / roundBlocks);
}
