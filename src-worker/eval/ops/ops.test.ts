/**
 * Op semantics: the JavaScript steps of ops/ (run by the JS engine), checked against values worked out by hand (F = 4).
 * The differential test then holds the WebAssembly engine to the same results.
 */
import { describe, expect, it } from 'vitest';
import { Op } from '../../../shared/algorithm/ops';
import {
  instruction as I,
  type Instruction,
  type MemoryShape,
} from '../../../shared/algorithm/program';
import { Rng } from '../../../shared/random/rng';
import type { TaskData } from '../../../shared/task/types';
import { evaluateOnTask } from '../evaluate';
import { JsEngine } from '../js-engine';
import { matrixAt, vectorAt } from '../layout';

const F = 4;
const shape: MemoryShape = { scalars: 4, vectors: 4, matrices: 3 };

/** Runs instructions as Setup on a state prepared by `init`, returns accessors. */
function run(instructions: Instruction[], init: (e: Mem) => void = () => {}, seed = 1) {
  const engine = new JsEngine(shape, F, new Rng(seed));
  const mem = new Mem(engine);
  init(mem);
  engine.prepare({ setup: instructions, predict: [], learn: [] }).setup();
  return mem;
}

class Mem {
  constructor(readonly e: JsEngine) {}
  s(i: number, value?: number): number {
    if (value !== undefined) this.e.state[i] = value;
    return this.e.state[i]!;
  }
  v(i: number, values?: number[]): number[] {
    const at = vectorAt(this.e.layout, i);
    if (values) this.e.state.set(values, at);
    return Array.from(this.e.state.subarray(at, at + F));
  }
  m(i: number, rows?: number[][]): number[][] {
    const at = matrixAt(this.e.layout, i);
    if (rows) this.e.state.set(rows.flat(), at);
    return Array.from({ length: F }, (_, r) =>
      Array.from(this.e.state.subarray(at + r * F, at + r * F + F)),
    );
  }
}

const A = [
  [1, 2, 3, 4],
  [5, 6, 7, 8],
  [9, 10, 11, 12],
  [13, 14, 15, 16],
];
const B = [
  [2, 0, 0, 1],
  [0, 1, 0, 0],
  [1, 0, 3, 0],
  [0, 0, 0, -1],
];

describe('op semantics (the JavaScript steps)', () => {
  it('scalar heaviside is x >= 0, vector and matrix heaviside are x > 0', () => {
    const m = run(
      [
        I(Op.SCALAR_HEAVYSIDE_OP, { in1: 2, out: 1 }),
        I(Op.VECTOR_HEAVYSIDE_OP, { in1: 1, out: 2 }),
      ],
      (e) => {
        e.s(2, 0);
        e.v(1, [0, -0, 2, NaN]);
      },
    );
    expect(m.s(1)).toBe(1);
    expect(m.v(2)).toEqual([0, 0, 1, 0]);
  });

  it('min and max propagate NaN and order -0 below +0', () => {
    const m = run(
      [
        I(Op.VECTOR_MIN_OP, { in1: 1, in2: 2, out: 3 }),
        I(Op.SCALAR_MAX_OP, { in1: 2, in2: 3, out: 1 }),
      ],
      (e) => {
        e.v(1, [1, NaN, 0, 5]);
        e.v(2, [2, 3, -0, -5]);
        e.s(2, -0);
        e.s(3, 0);
      },
    );
    expect(m.v(3)).toEqual([1, NaN, -0, -5]);
    expect(Object.is(m.v(3)[2], -0)).toBe(true);
    expect(Object.is(m.s(1), 0)).toBe(true);
  });

  it('matrix-vector, outer and matrix-matrix products', () => {
    const m = run(
      [
        I(Op.MATRIX_VECTOR_PRODUCT_OP, { in1: 0, in2: 1, out: 1 }), // in place on the vector
        I(Op.VECTOR_OUTER_PRODUCT_OP, { in1: 2, in2: 3, out: 2 }),
        I(Op.MATRIX_MATRIX_PRODUCT_OP, { in1: 0, in2: 1, out: 0 }), // in place on the left matrix
      ],
      (e) => {
        e.m(0, A);
        e.m(1, B);
        e.v(1, [1, 0, -1, 2]);
        e.v(2, [1, 2, 3, 4]);
        e.v(3, [1, -1, 0, 2]);
      },
    );
    expect(m.v(1)).toEqual([6, 14, 22, 30]);
    expect(m.m(2)[2]).toEqual([3, -3, 0, 6]);
    expect(m.m(0)).toEqual([
      [5, 2, 9, -3],
      [17, 6, 21, -3],
      [29, 10, 33, -3],
      [41, 14, 45, -3],
    ]);
  });

  it('transpose (also in place) and the two broadcasts', () => {
    const m = run(
      [
        I(Op.MATRIX_TRANSPOSE_OP, { in1: 0, out: 0 }),
        I(Op.VECTOR_COLUMN_BROADCAST_OP, { in1: 1, out: 1 }),
        I(Op.VECTOR_ROW_BROADCAST_OP, { in1: 1, out: 2 }),
      ],
      (e) => {
        e.m(0, A);
        e.v(1, [1, 2, 3, 4]);
      },
    );
    expect(m.m(0)[0]).toEqual([1, 5, 9, 13]);
    expect(m.m(0)[3]).toEqual([4, 8, 12, 16]);
    expect(m.m(1)[2]).toEqual([3, 3, 3, 3]); // axis=0: column r holds x, M[r][c] = x[r]
    expect(m.m(2)[2]).toEqual([1, 2, 3, 4]); // axis=1: every row is x
  });

  it('norms, means and standard deviations', () => {
    const m = run(
      [
        I(Op.VECTOR_NORM_OP, { in1: 1, out: 1 }),
        I(Op.VECTOR_MEAN_OP, { in1: 1, out: 2 }),
        I(Op.VECTOR_ST_DEV_OP, { in1: 1, out: 3 }),
        I(Op.MATRIX_ROW_MEAN_OP, { in1: 0, out: 2 }),
        I(Op.MATRIX_COLUMN_NORM_OP, { in1: 1, out: 3 }),
        I(Op.MATRIX_ROW_ST_DEV_OP, { in1: 0, out: 1 }),
      ],
      (e) => {
        e.v(1, [3, 4, 0, 0]);
        e.m(0, A);
        e.m(1, B);
      },
    );
    expect(m.s(1)).toBe(5);
    expect(m.s(2)).toBe(1.75);
    expect(m.s(3)).toBeCloseTo(Math.sqrt(25 / 4 - 1.75 ** 2), 15);
    expect(m.v(2)).toEqual([2.5, 6.5, 10.5, 14.5]);
    expect(m.v(3)).toEqual([Math.sqrt(5), 1, 3, Math.sqrt(2)]);
    expect(m.v(1)).toEqual([1, 1, 1, 1].map(() => Math.sqrt(1.25)));
  });

  it('constant sets address elements by fraction of F, as FloatToIndex does', () => {
    const m = run([
      I(Op.VECTOR_CONST_SET_OP, { out: 1, data: [0.5, -2] }),
      I(Op.MATRIX_CONST_SET_OP, { out: 2, data: [0.99, 0.25, 7] }),
      I(Op.SCALAR_CONST_SET_OP, { out: 3, data: [0.1] }),
    ]);
    expect(m.v(1)).toEqual([0, 0, -2, 0]);
    expect(m.m(2)[3]).toEqual([0, 7, 0, 0]);
    expect(m.s(3)).toBe(0.1);
  });

  it('random ops are reproducible from the seed and respect their ranges', () => {
    const program = [
      I(Op.VECTOR_UNIFORM_SET_OP, { out: 1, data: [-0.5, 0.25] }),
      I(Op.MATRIX_GAUSSIAN_SET_OP, { out: 0, data: [3, 0] }),
      I(Op.SCALAR_GAUSSIAN_SET_OP, { out: 1, data: [0, 1] }),
    ];
    const a = run(program, undefined, 42);
    const b = run(program, undefined, 42);
    const c = run(program, undefined, 43);
    expect(a.v(1)).toEqual(b.v(1));
    expect(a.s(1)).toBe(b.s(1));
    expect(a.v(1)).not.toEqual(c.v(1));
    for (const x of a.v(1)) expect(x >= -0.5 && x < 0.25).toBe(true);
    expect(a.m(0).flat()).toEqual(new Array(16).fill(3)); // stdev 0
  });
});

describe('evaluation loop', () => {
  const task: TaskData = {
    metric: 'accuracy',
    id: { positive: 0, negative: 1, seed: 0 },
    features: F,
    train: {
      n: 3,
      x: new Float64Array([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]),
      y: new Float64Array([1, 0, 1]),
    },
    valid: { n: 2, x: new Float64Array([1, 0, 0, 0, -1, 0, 0, 0]), y: new Float64Array([1, 0]) },
    test: { n: 2, x: new Float64Array([1, 0, 0, 0, -1, 0, 0, 0]), y: new Float64Array([0, 0]) },
  };

  it('shares memory across training examples, sees the label only in Learn, and validates on a snapshot', () => {
    const engine = new JsEngine(shape, F, new Rng(0));
    // Predict: s1 = dot(v0, v1). Learn: s2 = s2 + s0 (counts positive labels), v1 = v1 + v0.
    // Predict also does s3 = s3 + s0, which must stay 0: s0 is zeroed before every Predict.
    const program = {
      setup: [],
      predict: [
        I(Op.VECTOR_INNER_PRODUCT_OP, { in1: 0, in2: 1, out: 1 }),
        I(Op.SCALAR_SUM_OP, { in1: 3, in2: 0, out: 3 }),
      ],
      learn: [
        I(Op.SCALAR_SUM_OP, { in1: 2, in2: 0, out: 2 }),
        I(Op.VECTOR_SUM_OP, { in1: 1, in2: 0, out: 1 }),
      ],
    };
    const score = evaluateOnTask(engine, engine.prepare(program), task, { seed: 0, test: true });
    expect(engine.state[2]).toBe(2);
    expect(engine.state[3]).toBe(0);
    expect(vectorAt(engine.layout, 1)).toBeGreaterThan(0);
    expect(
      Array.from(engine.state.subarray(vectorAt(engine.layout, 1), vectorAt(engine.layout, 1) + F)),
    ).toEqual([6, 0, 0, 0]);
    // w = (6,0,0,0): valid x=(1,..) → positive, correct; x=(-1,..) → negative, correct.
    expect(score.fitness).toBe(1);
    expect(score.testAccuracy).toBe(0.5);
    expect(score.trainSteps).toBe(3);
  });

  it('stops early on an error above the bound and scores 0', () => {
    const engine = new JsEngine(shape, F, new Rng(0));
    // s1 = log(0) = -inf → sigmoid 0 → error 1: fine. s1 = 0/0 = NaN → stop.
    const program = {
      setup: [],
      predict: [I(Op.SCALAR_DIVISION_OP, { in1: 2, in2: 2, out: 1 })],
      learn: [],
    };
    const score = evaluateOnTask(engine, engine.prepare(program), task, { seed: 0 });
    expect(score).toEqual({
      fitness: 0,
      testAccuracy: null,
      bestTestAccuracy: null,
      trainSteps: 1,
      stoppedEarly: true,
    });
  });

  it('a no-op program predicts probability 0.5, i.e. class 0', () => {
    const engine = new JsEngine(shape, F, new Rng(0));
    const score = evaluateOnTask(
      engine,
      engine.prepare({ setup: [], predict: [], learn: [] }),
      task,
      { seed: 0 },
    );
    expect(score.fitness).toBe(0.5);
  });
});
