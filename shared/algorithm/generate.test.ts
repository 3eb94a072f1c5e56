import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import {
  ALL_OPS,
  randomData,
  randomInAddress,
  randomInstruction,
  randomOutAddress,
  randomProgram,
} from './generate';
import { NUM_OPS, OPS, Op, isFloat32Data } from './ops';
import {
  DEFAULT_MEMORY,
  checkProgram,
  instructionIssue,
  programsEqual,
  type MemoryShape,
} from './program';

const SIZES = { setup: 5, predict: 10, learn: 10 };

describe('randomProgram', () => {
  it('is a pure function of the seed', () => {
    const a = randomProgram(new Rng(123), DEFAULT_MEMORY, SIZES);
    const b = randomProgram(new Rng(123), DEFAULT_MEMORY, SIZES);
    const c = randomProgram(new Rng(124), DEFAULT_MEMORY, SIZES);
    expect(programsEqual(a, b)).toBe(true);
    expect(programsEqual(a, c)).toBe(false);
  });

  it('makes valid programs of the requested sizes, for several memory shapes', () => {
    const shapes: MemoryShape[] = [
      DEFAULT_MEMORY,
      { scalars: 2, vectors: 2, matrices: 1 },
      { scalars: 20, vectors: 20, matrices: 20 },
    ];
    const rng = new Rng(5);
    for (const shape of shapes) {
      for (let i = 0; i < 500; i++) {
        const p = randomProgram(rng, shape, SIZES);
        expect(checkProgram(p, shape)).toEqual([]);
        expect([p.setup.length, p.predict.length, p.learn.length]).toEqual([5, 10, 10]);
      }
    }
  });

  it('draws ops uniformly from all 65 by default', () => {
    const rng = new Rng(8);
    const counts = new Array<number>(NUM_OPS).fill(0);
    for (let i = 0; i < 400; i++) {
      const p = randomProgram(rng, DEFAULT_MEMORY, SIZES);
      for (const ins of [...p.setup, ...p.predict, ...p.learn]) counts[ins.op]!++;
    }
    // 10,000 draws over 65 ops: about 154 each.
    expect(Math.min(...counts)).toBeGreaterThan(100);
    expect(Math.max(...counts)).toBeLessThan(210);
    expect(ALL_OPS).toHaveLength(NUM_OPS);
  });

  it('draws only the allowed ops of each function', () => {
    const ops = {
      setup: [Op.SCALAR_CONST_SET_OP, Op.VECTOR_GAUSSIAN_SET_OP],
      predict: [Op.MATRIX_VECTOR_PRODUCT_OP],
      learn: [Op.VECTOR_SUM_OP, Op.SCALAR_VECTOR_PRODUCT_OP, Op.NO_OP],
    };
    const rng = new Rng(9);
    for (let i = 0; i < 200; i++) {
      const p = randomProgram(rng, DEFAULT_MEMORY, SIZES, ops);
      for (const c of ['setup', 'predict', 'learn'] as const) {
        for (const ins of p[c]) expect(ops[c]).toContain(ins.op);
      }
    }
  });

  it('refuses impossible requests', () => {
    const rng = new Rng(1);
    expect(() =>
      randomProgram(rng, DEFAULT_MEMORY, SIZES, { setup: [], predict: [0], learn: [0] }),
    ).toThrow(RangeError);
    expect(() =>
      randomProgram(
        rng,
        DEFAULT_MEMORY,
        { setup: 0, predict: 1, learn: 0 },
        { setup: [], predict: [65], learn: [] },
      ),
    ).toThrow(RangeError);
    expect(() => randomProgram(rng, DEFAULT_MEMORY, { setup: -1, predict: 0, learn: 0 })).toThrow(
      RangeError,
    );
    // An empty op list is fine for an empty function.
    expect(
      randomProgram(
        rng,
        DEFAULT_MEMORY,
        { setup: 0, predict: 1, learn: 0 },
        { setup: [], predict: [0], learn: [] },
      ).predict,
    ).toHaveLength(1);
    const noMatrices: MemoryShape = { scalars: 5, vectors: 9, matrices: 0 };
    expect(() => randomInstruction(rng, Op.MATRIX_TRANSPOSE_OP, noMatrices)).toThrow(RangeError);
    expect(() => randomInstruction(rng, 65, DEFAULT_MEMORY)).toThrow(RangeError);
  });
});

describe('randomInstruction parameter distributions', () => {
  const N = 4000;

  function draws(op: number, seed = 77) {
    const rng = new Rng(seed);
    return Array.from({ length: N }, () => randomInstruction(rng, op, DEFAULT_MEMORY));
  }

  function mean(xs: number[]): number {
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  }

  it('reads any address and writes only FIRST_OUT..count-1, uniformly', () => {
    const list = draws(Op.SCALAR_SUM_OP);
    const histogram = (xs: number[], n: number) =>
      xs.reduce((h, x) => (h[x]!++, h), new Array<number>(n).fill(0));
    const in1 = histogram(
      list.map((i) => i.in1),
      5,
    );
    const out = histogram(
      list.map((i) => i.out),
      5,
    );
    for (const c of in1) expect(Math.abs(c - N / 5)).toBeLessThan(N / 5 / 5);
    expect(out[0]).toBe(0);
    for (const c of out.slice(1)) expect(Math.abs(c - N / 4)).toBeLessThan(N / 4 / 5);
    const vectorOut = draws(Op.VECTOR_SUM_OP).map((i) => i.out);
    expect(vectorOut).not.toContain(0);
    expect(new Set(vectorOut).size).toBe(8);
    const matrixOut = draws(Op.MATRIX_SUM_OP).map((i) => i.out);
    expect(new Set(matrixOut)).toEqual(new Set([0, 1]));
  });

  it('SCALAR_CONST_SET: a float64 in U(-1, 1)', () => {
    const d = draws(Op.SCALAR_CONST_SET_OP).map((i) => i.data[0]);
    for (const x of d) expect(x >= -1 && x < 1).toBe(true);
    expect(Math.abs(mean(d))).toBeLessThan(0.05);
    expect(d.some((x) => Math.fround(x) !== x)).toBe(true);
  });

  it('VECTOR_CONST_SET: index fraction in U(0, 1), value in U(-1, 1)', () => {
    const list = draws(Op.VECTOR_CONST_SET_OP);
    for (const i of list) {
      expect(i.data[0] >= 0 && i.data[0] < 1).toBe(true);
      expect(i.data[1] >= -1 && i.data[1] <= 1).toBe(true);
      expect(i.data[2]).toBe(0);
    }
    expect(Math.abs(mean(list.map((i) => i.data[0])) - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(mean(list.map((i) => i.data[1])))).toBeLessThan(0.05);
  });

  it('MATRIX_CONST_SET: two index fractions in U(0, 1), value in U(-1, 1)', () => {
    const list = draws(Op.MATRIX_CONST_SET_OP);
    for (const i of list) {
      expect(i.data[0] >= 0 && i.data[0] < 1 && i.data[1] >= 0 && i.data[1] < 1).toBe(true);
      expect(i.data[2] >= -1 && i.data[2] <= 1).toBe(true);
    }
    expect(Math.abs(mean(list.map((i) => i.data[1])) - 0.5)).toBeLessThan(0.03);
    expect(Math.abs(mean(list.map((i) => i.data[2])))).toBeLessThan(0.05);
  });

  it('GAUSSIAN: mean in U(-1, 1), stdev in U(0, 1)', () => {
    for (const op of [
      Op.SCALAR_GAUSSIAN_SET_OP,
      Op.VECTOR_GAUSSIAN_SET_OP,
      Op.MATRIX_GAUSSIAN_SET_OP,
    ]) {
      const list = draws(op);
      for (const i of list) {
        expect(i.data[0] >= -1 && i.data[0] <= 1).toBe(true);
        expect(i.data[1] >= 0 && i.data[1] <= 1).toBe(true);
      }
      expect(Math.abs(mean(list.map((i) => i.data[0])))).toBeLessThan(0.05);
      expect(Math.abs(mean(list.map((i) => i.data[1])) - 0.5)).toBeLessThan(0.03);
    }
  });

  it('UNIFORM: low and high each in U(-1, 1), not sorted', () => {
    for (const op of [
      Op.SCALAR_UNIFORM_SET_OP,
      Op.VECTOR_UNIFORM_SET_OP,
      Op.MATRIX_UNIFORM_SET_OP,
    ]) {
      const list = draws(op);
      for (const i of list)
        for (const d of i.data.slice(0, 2)) expect(d >= -1 && d <= 1).toBe(true);
      const inverted = list.filter((i) => i.data[0] > i.data[1]).length;
      expect(Math.abs(inverted / N - 0.5)).toBeLessThan(0.05);
    }
  });

  it('rounds float32 fields and leaves unused fields and addresses 0', () => {
    const rng = new Rng(31);
    for (const spec of OPS) {
      for (let k = 0; k < 50; k++) {
        const ins = randomInstruction(rng, spec.code, DEFAULT_MEMORY);
        expect(instructionIssue(ins, DEFAULT_MEMORY)).toBeNull();
        if (isFloat32Data(spec.data)) for (const d of ins.data) expect(Math.fround(d)).toBe(d);
        if (!spec.in1) expect(ins.in1).toBe(0);
        if (!spec.in2) expect(ins.in2).toBe(0);
        if (!spec.out) expect(ins.out).toBe(0);
      }
    }
  });

  it('keeps an index fraction below 1 when float32 rounding would reach it', () => {
    class AlmostOne extends Rng {
      override uniform(): number {
        return 0.99999999; // rounds to 1 as float32
      }
    }
    const [index, value] = randomData(new AlmostOne(1), OPS[Op.VECTOR_CONST_SET_OP]!);
    expect(index).toBe(1 - 2 ** -24);
    expect(value).toBe(Math.fround(0.99999998));
  });

  it('exposes the address draws the mutations will reuse', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 200; i++) {
      expect(randomOutAddress(rng, 's', DEFAULT_MEMORY)).toBeGreaterThanOrEqual(1);
      expect(randomInAddress(rng, 'm', DEFAULT_MEMORY)).toBeLessThan(2);
    }
    expect(() => randomOutAddress(rng, 's', { scalars: 1, vectors: 1, matrices: 1 })).toThrow(
      RangeError,
    );
  });
});

describe('barrel', () => {
  it('re-exports the public API of the algorithm module', async () => {
    const api = await import('./index');
    for (const name of [
      'OPS',
      'Op',
      'instruction',
      'checkProgram',
      'printProgram',
      'parseProgram',
      'parseProgramOrThrow',
      'DslError',
      'canonicalBytes',
      'decodeCanonical',
      'programDigest',
      'randomInstruction',
      'randomProgram',
    ]) {
      expect(api).toHaveProperty(name);
    }
  });
});
