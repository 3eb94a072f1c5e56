/**
 * Canonical bytes of a program: the one binary form that identifies it, independent of how its
 * text was formatted. Program digests (commitments on chain, receipts, caches) hash these bytes,
 * so the layout below is frozen per version; a change needs a new version byte.
 *
 * Version 1 layout:
 * ```
 * "AZP" (0x41 0x5A 0x50), version 0x01
 * for setup, predict, learn in that order:
 *   count: uint16 little-endian
 *   count × instruction:
 *     op: uint8 (AutoML-Zero op code)
 *     the address bytes the op uses, in the order in1, in2, out: uint8 each
 *     the data fields the op uses, d0, d1, d2 in order: float64 little-endian each
 *     (float32 fields are stored as their exact float64 value)
 * ```
 * Unused addresses and data fields are absent (the IR keeps them 0), so the encoding is
 * injective on valid programs and -0 differs from 0 where a constant is used.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { OPS, dataFieldCount, type OpSpec } from './ops';
import {
  COMPONENTS,
  DEFAULT_MEMORY,
  MAX_PROGRAM_LIMITS,
  instructionIssue,
  type Instruction,
  type MemoryShape,
  type Program,
  type ProgramLimits,
} from './program';

export const CANONICAL_MAGIC: readonly number[] = [0x41, 0x5a, 0x50]; // "AZP"
export const CANONICAL_VERSION = 1;

export class CanonicalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CanonicalError';
  }
}

const ROLES = ['in1', 'in2', 'out'] as const;

/** Largest memory addressable by one byte: what any valid program can be encoded against. */
const BYTE_SHAPE: MemoryShape = { scalars: 256, vectors: 256, matrices: 256 };

function addressCount(spec: OpSpec): number {
  return ROLES.reduce((n, r) => n + (spec[r] ? 1 : 0), 0);
}

/**
 * The canonical bytes of a program. Throws CanonicalError for a program that has none: unknown
 * op, address outside a byte, non-finite or non-float32 constants, nonzero unused fields, or
 * more than 65535 instructions in a function. Memory-shape limits are the reader's business.
 */
export function canonicalBytes(p: Program): Uint8Array {
  let size = 4;
  for (const c of COMPONENTS) {
    const list = p[c];
    if (list.length > 0xffff)
      throw new CanonicalError(`${c} has ${list.length} instructions, more than 65535`);
    size += 2;
    list.forEach((ins, i) => {
      const issue = instructionIssue(ins, BYTE_SHAPE);
      if (issue) throw new CanonicalError(`${c} instruction ${i}: ${issue}`);
      const spec = OPS[ins.op]!;
      size += 1 + addressCount(spec) + 8 * dataFieldCount(spec.data);
    });
  }
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes.set(CANONICAL_MAGIC, 0);
  bytes[3] = CANONICAL_VERSION;
  let at = 4;
  for (const c of COMPONENTS) {
    view.setUint16(at, p[c].length, true);
    at += 2;
    for (const ins of p[c]) {
      const spec = OPS[ins.op]!;
      bytes[at++] = ins.op;
      for (const r of ROLES) if (spec[r]) bytes[at++] = ins[r];
      for (let f = 0; f < dataFieldCount(spec.data); f++) {
        view.setFloat64(at, ins.data[f]!, true);
        at += 8;
      }
    }
  }
  return bytes;
}

/**
 * Reads canonical bytes back into a program and checks it against the memory shape and limits.
 * Throws CanonicalError saying what is wrong and at which byte offset.
 */
export function decodeCanonical(
  bytes: Uint8Array,
  shape: MemoryShape = DEFAULT_MEMORY,
  limits: ProgramLimits = MAX_PROGRAM_LIMITS,
): Program {
  if (!(bytes instanceof Uint8Array))
    throw new CanonicalError('canonical program must be a Uint8Array');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const need = (n: number, what: string): void => {
    if (at + n > bytes.length) {
      throw new CanonicalError(
        `truncated at byte ${at}: ${what} needs ${n} bytes, ${bytes.length - at} left`,
      );
    }
  };
  need(4, 'the header');
  for (let i = 0; i < 3; i++) {
    if (bytes[i] !== CANONICAL_MAGIC[i])
      throw new CanonicalError('not a canonical program: bad magic (expected "AZP")');
  }
  if (bytes[3] !== CANONICAL_VERSION) {
    throw new CanonicalError(
      `unsupported canonical version ${bytes[3]!} (this build reads ${CANONICAL_VERSION})`,
    );
  }
  at = 4;
  const program: Record<(typeof COMPONENTS)[number], Instruction[]> = {
    setup: [],
    predict: [],
    learn: [],
  };
  for (const c of COMPONENTS) {
    need(2, `the ${c} instruction count`);
    const count = view.getUint16(at, true);
    if (count > limits[c])
      throw new CanonicalError(`${c} has ${count} instructions, the limit is ${limits[c]}`);
    at += 2;
    for (let i = 0; i < count; i++) {
      const where = `${c} instruction ${i}`;
      need(1, `the op of ${where}`);
      const opAt = at;
      const code = bytes[at++]!;
      const spec = OPS[code];
      if (!spec) throw new CanonicalError(`unknown op ${code} at byte ${opAt} (${where})`);
      const addr = { in1: 0, in2: 0, out: 0 };
      need(addressCount(spec), `the addresses of ${where}`);
      for (const r of ROLES) if (spec[r]) addr[r] = bytes[at++]!;
      const nData = dataFieldCount(spec.data);
      need(8 * nData, `the constants of ${where}`);
      const data: [number, number, number] = [0, 0, 0];
      for (let f = 0; f < nData; f++) {
        data[f] = view.getFloat64(at, true);
        at += 8;
      }
      const ins: Instruction = { op: code, ...addr, data };
      const issue = instructionIssue(ins, shape);
      if (issue) throw new CanonicalError(`${where} (op at byte ${opAt}): ${issue}`);
      program[c].push(ins);
    }
  }
  if (at !== bytes.length)
    throw new CanonicalError(`${bytes.length - at} trailing bytes after the program at byte ${at}`);
  return program;
}

/** BLAKE2b-256 (32-byte output parameter, not a truncated BLAKE2b-512) of the canonical bytes. */
export function programDigestBytes(p: Program): Uint8Array {
  return blake2b(canonicalBytes(p), { dkLen: 32 });
}

/** The program's identity: BLAKE2b-256 of its canonical bytes, 64 lowercase hex digits. */
export function programDigest(p: Program): string {
  return bytesToHex(programDigestBytes(p));
}
