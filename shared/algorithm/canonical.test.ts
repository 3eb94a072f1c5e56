import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import {
  CanonicalError,
  canonicalBytes,
  decodeCanonical,
  programDigest,
  programDigestBytes,
} from './canonical';
import { parseProgramOrThrow, printProgram } from './dsl';
import { randomProgram } from './generate';
import { Op } from './ops';
import {
  DEFAULT_MEMORY,
  instruction,
  programsEqual,
  type Instruction,
  type MemoryShape,
  type Program,
} from './program';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (h) => parseInt(h, 16));
}

const SMALL_TEXT = `def Setup():
  s3 = 0.01
  v1[0.5] = -1
def Predict():
  s1 = dot(v0, v1)
def Learn():
  s4 = s0 - s1
  v2 = s4 * v0
  v1 = v1 + v2
`;

describe('canonical bytes', () => {
  it('matches the pinned version-1 test vector', () => {
    const p = parseProgramOrThrow(SMALL_TEXT);
    // Cross-checked with Python (struct + hashlib.blake2b(digest_size=32)). If this changes,
    // every published digest changes: bump CANONICAL_VERSION instead.
    expect(hex(canonicalBytes(p))).toBe(
      '415a5001' +
        '0200' +
        '3803' +
        '7b14ae47e17a843f' +
        '3901' +
        '000000000000e03f' +
        '000000000000f0bf' +
        '0100' +
        '1b000101' +
        '0300' +
        '02000104' +
        '12040002' +
        '17010201',
    );
    expect(programDigest(p)).toBe(
      'df0b76f310634ca230ccfb0474d57900a8624036a9a1a5bc7eb8eadcab1bb699',
    );
    expect(hex(programDigestBytes(p))).toBe(programDigest(p));
  });

  it('encodes the empty program as header and three zero counts', () => {
    expect(hex(canonicalBytes({ setup: [], predict: [], learn: [] }))).toBe('415a5001000000000000');
  });

  it('gives the same digest for differently formatted texts of one program', () => {
    const variants = [
      SMALL_TEXT,
      SMALL_TEXT.replace(/\n/g, '\r\n'),
      SMALL_TEXT.replace('0.01', '0.010'),
      SMALL_TEXT.replace('0.01', '1e-2'),
      SMALL_TEXT.replace('v1[0.5] = -1', 'v1[.5]=-1.0   # index 8 of 16'),
      `# comment\n\n${SMALL_TEXT.replace(/^ {2}/gm, '\t    ').replace(/ = /g, '=')}`,
    ];
    const digests = new Set(variants.map((t) => programDigest(parseProgramOrThrow(t))));
    expect(digests.size).toBe(1);
  });

  it('changes the digest when any op, address or constant changes', () => {
    const base = parseProgramOrThrow(SMALL_TEXT);
    const digest = programDigest(base);
    const edits: [string, string][] = [
      ['s1 = dot(v0, v1)', 's1 = dot(v1, v0)'],
      ['s1 = dot(v0, v1)', 's2 = dot(v0, v1)'],
      ['s4 = s0 - s1', 's4 = s0 + s1'],
      ['s4 = s0 - s1', 's3 = s0 - s1'],
      ['s3 = 0.01', 's3 = 0.010000000000000002'],
      ['s3 = 0.01', 's3 = -0.01'],
      ['v1[0.5] = -1', 'v1[0.5000001] = -1'],
      ['v1[0.5] = -1', 'v1[0.5] = -0.99999994'],
      ['  v1 = v1 + v2\n', '  v1 = v1 + v2\n  NoOp()\n'],
    ];
    const seen = new Set([digest]);
    for (const [from, to] of edits) {
      const text = SMALL_TEXT.replace(from, to);
      expect(text).not.toBe(SMALL_TEXT);
      seen.add(programDigest(parseProgramOrThrow(text)));
    }
    expect(seen.size).toBe(edits.length + 1);
    // Moving an instruction between functions changes the program too.
    const moved: Program = {
      setup: base.setup,
      predict: [],
      learn: [...base.predict, ...base.learn],
    };
    expect(programDigest(moved)).not.toBe(digest);
  });

  it('tells -0 from 0', () => {
    const zero = parseProgramOrThrow('def Setup():\n  s2 = 0\n');
    const negZero = parseProgramOrThrow('def Setup():\n  s2 = -0\n');
    expect(programDigest(zero)).not.toBe(programDigest(negZero));
    const f32zero = parseProgramOrThrow('def Setup():\n  v2 = uniform(0, 1, n_features)\n');
    const f32negZero = parseProgramOrThrow('def Setup():\n  v2 = uniform(-0, 1, n_features)\n');
    expect(programDigest(f32zero)).not.toBe(programDigest(f32negZero));
  });

  it('decodes what it encodes, for random programs', () => {
    const rng = new Rng(11);
    for (let i = 0; i < 2000; i++) {
      const p = randomProgram(rng, DEFAULT_MEMORY, {
        setup: rng.int(5),
        predict: rng.int(8),
        learn: rng.int(8),
      });
      const back = decodeCanonical(canonicalBytes(p));
      expect(programsEqual(back, p)).toBe(true);
      // The text form and the binary form agree on identity.
      expect(programDigest(parseProgramOrThrow(printProgram(p)))).toBe(programDigest(p));
    }
  });

  it('decodes from a view into a larger buffer', () => {
    const bytes = canonicalBytes(parseProgramOrThrow(SMALL_TEXT));
    const big = new Uint8Array(bytes.length + 10);
    big.set(bytes, 5);
    const view = big.subarray(5, 5 + bytes.length);
    expect(programsEqual(decodeCanonical(view), parseProgramOrThrow(SMALL_TEXT))).toBe(true);
  });
});

describe('decodeCanonical: malformed bytes', () => {
  const good = canonicalBytes(parseProgramOrThrow(SMALL_TEXT));

  function decodeError(bytes: Uint8Array, shape?: MemoryShape): string {
    try {
      decodeCanonical(bytes, shape);
    } catch (e) {
      expect(e).toBeInstanceOf(CanonicalError);
      return (e as Error).message;
    }
    throw new Error('expected a CanonicalError');
  }

  it('truncated at every length', () => {
    for (let n = 0; n < good.length; n++) {
      expect(decodeError(good.subarray(0, n))).toMatch(/^truncated at byte \d+/);
    }
    expect(decodeError(good.subarray(0, 20))).toContain('the constants of setup instruction 1');
  });

  it('extra bytes', () => {
    const extra = new Uint8Array(good.length + 3);
    extra.set(good);
    expect(decodeError(extra)).toBe(`3 trailing bytes after the program at byte ${good.length}`);
  });

  it('bad magic and version', () => {
    const magic = good.slice();
    magic[0] = 0x42;
    expect(decodeError(magic)).toContain('bad magic');
    const version = good.slice();
    version[3] = 2;
    expect(decodeError(version)).toContain('unsupported canonical version 2');
  });

  it('unknown op 65', () => {
    const bad = good.slice();
    bad[6] = 65; // the first setup op
    expect(decodeError(bad)).toBe('unknown op 65 at byte 6 (setup instruction 0)');
  });

  it('bad addresses', () => {
    const readOnly = good.slice();
    readOnly[7] = 0; // s3 = 0.01 → s0 = 0.01
    expect(decodeError(readOnly)).toContain(
      'setup instruction 0 (op at byte 6): out address s0 is outside s1..s4',
    );
    const outOfRange = canonicalBytes({
      setup: [],
      predict: [instruction(Op.VECTOR_INNER_PRODUCT_OP, { in1: 0, in2: 12, out: 1 })],
      learn: [],
    });
    expect(decodeError(outOfRange)).toContain('in2 address v12 is outside v0..v8');
    // The same bytes are fine for a larger memory.
    expect(
      decodeCanonical(outOfRange, { scalars: 5, vectors: 16, matrices: 2 }).predict,
    ).toHaveLength(1);
  });

  it('bad constants', () => {
    const nan = good.slice();
    new DataView(nan.buffer).setFloat64(8, NaN, true);
    expect(decodeError(nan)).toContain('not a finite number');
    const notF32 = good.slice();
    new DataView(notF32.buffer).setFloat64(26, 0.1, true); // v1[0.5] = 0.1 (not a float32 value)
    expect(decodeError(notF32)).toContain('not a float32 value');
    const fraction = good.slice();
    new DataView(fraction.buffer).setFloat64(18, 1, true);
    expect(decodeError(fraction)).toContain('outside [0, 1)');
  });

  it('more instructions than the limits', () => {
    expect(() => decodeCanonical(good, DEFAULT_MEMORY, { setup: 1, predict: 1, learn: 1 })).toThrow(
      'setup has 2 instructions, the limit is 1',
    );
  });

  it('not bytes at all', () => {
    expect(() => decodeCanonical([1, 2, 3] as unknown as Uint8Array)).toThrow(CanonicalError);
  });

  it('round-trips the pinned hex', () => {
    expect(
      programsEqual(decodeCanonical(fromHex(hex(good))), parseProgramOrThrow(SMALL_TEXT)),
    ).toBe(true);
  });
});

describe('canonicalBytes: programs without a canonical form', () => {
  const withSetup = (ins: Instruction): Program => ({ setup: [ins], predict: [], learn: [] });

  it('rejects invalid instructions instead of encoding them ambiguously', () => {
    const cases: Instruction[] = [
      { op: 65, in1: 0, in2: 0, out: 0, data: [0, 0, 0] },
      { op: Op.SCALAR_SUM_OP, in1: 256, in2: 0, out: 1, data: [0, 0, 0] },
      { op: Op.SCALAR_ABS_OP, in1: 1, in2: 3, out: 1, data: [0, 0, 0] }, // unused in2 set
      { op: Op.SCALAR_ABS_OP, in1: 1, in2: 0, out: 1, data: [0, 1, 0] }, // unused data set
      { op: Op.SCALAR_CONST_SET_OP, in1: 0, in2: 0, out: 1, data: [Infinity, 0, 0] },
      { op: Op.VECTOR_CONST_SET_OP, in1: 0, in2: 0, out: 1, data: [0.5, 0.1, 0] }, // not float32
      { op: Op.SCALAR_SUM_OP, in1: 1, in2: 1, out: 0, data: [0, 0, 0] }, // writes the label
    ];
    for (const ins of cases) expect(() => canonicalBytes(withSetup(ins))).toThrow(CanonicalError);
  });

  it('accepts any address that fits a byte, whatever the memory', () => {
    const p = withSetup(instruction(Op.VECTOR_SUM_OP, { in1: 255, in2: 17, out: 200 }));
    expect(hex(canonicalBytes(p))).toBe('415a5001' + '0100' + '17ff11c8' + '0000' + '0000');
  });
});
