/**
 * What every op does, in JavaScript: the executable specification of the ops' semantics, one
 * entry per op of shared/algorithm/ops.ts, keyed by its name (a missing entry does not compile).
 * Each entry binds an instruction's addresses once and returns the step that runs it; the JS
 * engine (js-engine.ts) runs programs as lists of these steps. The WebAssembly compiler
 * (wasm/compile.ts) must reproduce these results bit for bit, which the differential test checks
 * on thousands of random programs.
 *
 * Semantics follow AutoML-Zero's executor.h, with the floating-point details pinned down so that a
 * score is reproducible anywhere:
 * - Reductions over F values use two interleaved partial sums (even and odd indices, each in index
 *   order, starting from the first term) added at the end. That is the order a 2-lane SIMD loop
 *   produces, so the fast path can use SIMD and still agree exactly.
 * - Matrix products and column norms accumulate over k (rows) in order, starting from the first term.
 * - min/max propagate NaN and order −0 below +0 (Math.min/max, WebAssembly f64.min/max).
 * - Scalar heaviside is x ≥ 0, vector and matrix heaviside x > 0, as in the C++.
 * - Random ops draw from the evaluation's Rng in element order (row-major for matrices).
 * - Ops whose output may alias an input (matrix products, transposes, row reductions) write
 *   through the scratch area `t`; elementwise ops write element i right after reading it.
 */
import { floatToIndex, type OpName } from '../../shared/algorithm/ops';
import type { Rng } from '../../shared/random/rng';
import { exp } from './exp';

export type Step = () => void;

/** An instruction's operands, as addresses into the state `m`. */
export interface Operands {
  readonly m: Float64Array;
  readonly F: number;
  /** F · F: the length of a matrix. */
  readonly FF: number;
  /** Scalar operands are addressed by their index. */
  readonly in1: number;
  readonly in2: number;
  readonly out: number;
  /** Vector and matrix operands by their first element. */
  readonly vA: number;
  readonly vB: number;
  readonly vO: number;
  readonly mA: number;
  readonly mB: number;
  readonly mO: number;
  /** The scratch area (F · F values). */
  readonly t: number;
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  /** The engine's random stream at the time the step runs. */
  readonly rng: () => Rng;
}

export const JS_OPS: { readonly [N in OpName]: (o: Operands) => Step } = {
  NO_OP: () => () => {},
  SCALAR_SUM_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = m[in1]! + m[in2]!),
  SCALAR_DIFF_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = m[in1]! - m[in2]!),
  SCALAR_PRODUCT_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = m[in1]! * m[in2]!),
  SCALAR_DIVISION_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = m[in1]! / m[in2]!),
  SCALAR_ABS_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.abs(m[in1]!)),
  SCALAR_RECIPROCAL_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = 1 / m[in1]!),
  SCALAR_SIN_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.sin(m[in1]!)),
  SCALAR_COS_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.cos(m[in1]!)),
  SCALAR_TAN_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.tan(m[in1]!)),
  SCALAR_ARCSIN_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.asin(m[in1]!)),
  SCALAR_ARCCOS_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.acos(m[in1]!)),
  SCALAR_ARCTAN_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.atan(m[in1]!)),
  SCALAR_EXP_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = exp(m[in1]!)),
  SCALAR_LOG_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = Math.log(m[in1]!)),
  SCALAR_HEAVYSIDE_OP:
    ({ m, in1, out }) =>
    () =>
      void (m[out] = m[in1]! >= 0 ? 1 : 0),
  VECTOR_HEAVYSIDE_OP: ({ m, F, vA, vO }) => map1(m, vO, vA, F, (x) => (x > 0 ? 1 : 0)),
  MATRIX_HEAVYSIDE_OP: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, (x) => (x > 0 ? 1 : 0)),
  SCALAR_VECTOR_PRODUCT_OP: ({ m, F, in1, vB, vO }) => scale(m, vO, in1, vB, F),
  SCALAR_BROADCAST_OP:
    ({ m, F, in1, vO }) =>
    () =>
      void m.fill(m[in1]!, vO, vO + F),
  VECTOR_RECIPROCAL_OP: ({ m, F, vA, vO }) => map1(m, vO, vA, F, (x) => 1 / x),
  VECTOR_NORM_OP:
    ({ m, F, out, vA }) =>
    () =>
      void (m[out] = Math.sqrt(sumOfSquares(m, vA, F))),
  VECTOR_ABS_OP: ({ m, F, vA, vO }) => map1(m, vO, vA, F, Math.abs),
  VECTOR_SUM_OP:
    ({ m, F, vA, vB, vO }) =>
    () => {
      for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! + m[vB + i]!;
    },
  VECTOR_DIFF_OP:
    ({ m, F, vA, vB, vO }) =>
    () => {
      for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! - m[vB + i]!;
    },
  VECTOR_PRODUCT_OP:
    ({ m, F, vA, vB, vO }) =>
    () => {
      for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! * m[vB + i]!;
    },
  VECTOR_DIVISION_OP:
    ({ m, F, vA, vB, vO }) =>
    () => {
      for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! / m[vB + i]!;
    },
  VECTOR_INNER_PRODUCT_OP:
    ({ m, F, out, vA, vB }) =>
    () =>
      void (m[out] = dot(m, vA, vB, F)),
  VECTOR_OUTER_PRODUCT_OP: ({ m, F, vA, vB, mO }) => {
    return () => {
      for (let r = 0; r < F; r++) {
        const x = m[vA + r]!;
        for (let c = 0; c < F; c++) m[mO + r * F + c] = x * m[vB + c]!;
      }
    };
  },
  SCALAR_MATRIX_PRODUCT_OP: ({ m, FF, in1, mB, mO }) => scale(m, mO, in1, mB, FF),
  MATRIX_RECIPROCAL_OP: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, (x) => 1 / x),
  MATRIX_VECTOR_PRODUCT_OP:
    ({ m, F, vB, vO, mA, t }) =>
    () => {
      for (let r = 0; r < F; r++) m[t + r] = dot(m, mA + r * F, vB, F);
      m.copyWithin(vO, t, t + F);
    },
  VECTOR_COLUMN_BROADCAST_OP:
    ({ m, F, vA, mO }) =>
    () => {
      for (let r = 0; r < F; r++) m.fill(m[vA + r]!, mO + r * F, mO + r * F + F);
    },
  VECTOR_ROW_BROADCAST_OP:
    ({ m, F, vA, mO }) =>
    () => {
      for (let r = 0; r < F; r++) m.copyWithin(mO + r * F, vA, vA + F);
    },
  MATRIX_NORM_OP:
    ({ m, FF, out, mA }) =>
    () =>
      void (m[out] = Math.sqrt(sumOfSquares(m, mA, FF))),
  MATRIX_COLUMN_NORM_OP:
    ({ m, F, vO, mA, t }) =>
    () => {
      for (let c = 0; c < F; c++) {
        let acc = m[mA + c]! * m[mA + c]!;
        for (let r = 1; r < F; r++) acc += m[mA + r * F + c]! * m[mA + r * F + c]!;
        m[t + c] = Math.sqrt(acc);
      }
      m.copyWithin(vO, t, t + F);
    },
  MATRIX_ROW_NORM_OP:
    ({ m, F, vO, mA, t }) =>
    () => {
      for (let r = 0; r < F; r++) m[t + r] = Math.sqrt(sumOfSquares(m, mA + r * F, F));
      m.copyWithin(vO, t, t + F);
    },
  MATRIX_TRANSPOSE_OP:
    ({ m, F, FF, mA, mO, t }) =>
    () => {
      for (let r = 0; r < F; r++) for (let c = 0; c < F; c++) m[t + r * F + c] = m[mA + c * F + r]!;
      m.copyWithin(mO, t, t + FF);
    },
  MATRIX_ABS_OP: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, Math.abs),
  MATRIX_SUM_OP:
    ({ m, FF, mA, mB, mO }) =>
    () => {
      for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! + m[mB + i]!;
    },
  MATRIX_DIFF_OP:
    ({ m, FF, mA, mB, mO }) =>
    () => {
      for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! - m[mB + i]!;
    },
  MATRIX_PRODUCT_OP:
    ({ m, FF, mA, mB, mO }) =>
    () => {
      for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! * m[mB + i]!;
    },
  MATRIX_DIVISION_OP:
    ({ m, FF, mA, mB, mO }) =>
    () => {
      for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! / m[mB + i]!;
    },
  MATRIX_MATRIX_PRODUCT_OP:
    ({ m, F, FF, mA, mB, mO, t }) =>
    () => {
      for (let r = 0; r < F; r++) {
        for (let c = 0; c < F; c++) {
          let acc = m[mA + r * F]! * m[mB + c]!;
          for (let k = 1; k < F; k++) acc += m[mA + r * F + k]! * m[mB + k * F + c]!;
          m[t + r * F + c] = acc;
        }
      }
      m.copyWithin(mO, t, t + FF);
    },
  SCALAR_MIN_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = Math.min(m[in1]!, m[in2]!)),
  VECTOR_MIN_OP: ({ m, F, vA, vB, vO }) => map2(m, vO, vA, vB, F, Math.min),
  MATRIX_MIN_OP: ({ m, FF, mA, mB, mO }) => map2(m, mO, mA, mB, FF, Math.min),
  SCALAR_MAX_OP:
    ({ m, in1, in2, out }) =>
    () =>
      void (m[out] = Math.max(m[in1]!, m[in2]!)),
  VECTOR_MAX_OP: ({ m, F, vA, vB, vO }) => map2(m, vO, vA, vB, F, Math.max),
  MATRIX_MAX_OP: ({ m, FF, mA, mB, mO }) => map2(m, mO, mA, mB, FF, Math.max),
  VECTOR_MEAN_OP:
    ({ m, F, out, vA }) =>
    () =>
      void (m[out] = sum(m, vA, F) / F),
  MATRIX_MEAN_OP:
    ({ m, FF, out, mA }) =>
    () =>
      void (m[out] = sum(m, mA, FF) / FF),
  MATRIX_ROW_MEAN_OP:
    ({ m, F, vO, mA, t }) =>
    () => {
      for (let r = 0; r < F; r++) m[t + r] = sum(m, mA + r * F, F) / F;
      m.copyWithin(vO, t, t + F);
    },
  MATRIX_ROW_ST_DEV_OP:
    ({ m, F, vO, mA, t }) =>
    () => {
      for (let r = 0; r < F; r++) m[t + r] = stdev(m, mA + r * F, F);
      m.copyWithin(vO, t, t + F);
    },
  VECTOR_ST_DEV_OP:
    ({ m, F, out, vA }) =>
    () =>
      void (m[out] = stdev(m, vA, F)),
  MATRIX_ST_DEV_OP:
    ({ m, FF, out, mA }) =>
    () =>
      void (m[out] = stdev(m, mA, FF)),
  SCALAR_CONST_SET_OP:
    ({ m, out, d0 }) =>
    () =>
      void (m[out] = d0),
  VECTOR_CONST_SET_OP: ({ m, F, vO, d0, d1 }) => {
    const at = vO + floatToIndex(d0, F);
    return () => void (m[at] = d1);
  },
  MATRIX_CONST_SET_OP: ({ m, F, mO, d0, d1, d2 }) => {
    const at = mO + floatToIndex(d0, F) * F + floatToIndex(d1, F);
    return () => void (m[at] = d2);
  },
  SCALAR_UNIFORM_SET_OP:
    ({ m, out, d0, d1, rng }) =>
    () =>
      void (m[out] = rng().uniformIn(d0, d1)),
  VECTOR_UNIFORM_SET_OP: ({ m, F, vO, d0, d1, rng }) =>
    fill(m, vO, F, () => rng().uniformIn(d0, d1)),
  MATRIX_UNIFORM_SET_OP: ({ m, FF, mO, d0, d1, rng }) =>
    fill(m, mO, FF, () => rng().uniformIn(d0, d1)),
  SCALAR_GAUSSIAN_SET_OP:
    ({ m, out, d0, d1, rng }) =>
    () =>
      void (m[out] = rng().gaussian(d0, d1)),
  VECTOR_GAUSSIAN_SET_OP: ({ m, F, vO, d0, d1, rng }) =>
    fill(m, vO, F, () => rng().gaussian(d0, d1)),
  MATRIX_GAUSSIAN_SET_OP: ({ m, FF, mO, d0, d1, rng }) =>
    fill(m, mO, FF, () => rng().gaussian(d0, d1)),
};

// Reductions in the canonical two-lane order: even and odd terms summed separately from the
// first, added at the end (n is even). The WebAssembly engine's f64x2 loops produce this order.

function sum(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]!;
  let a1 = m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]!;
    a1 += m[a + i + 1]!;
  }
  return a0 + a1;
}

function sumOfSquares(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]! * m[a]!;
  let a1 = m[a + 1]! * m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[a + i]!;
    a1 += m[a + i + 1]! * m[a + i + 1]!;
  }
  return a0 + a1;
}

function dot(m: Float64Array, a: number, b: number, n: number): number {
  let a0 = m[a]! * m[b]!;
  let a1 = m[a + 1]! * m[b + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[b + i]!;
    a1 += m[a + i + 1]! * m[b + i + 1]!;
  }
  return a0 + a1;
}

/** The population standard deviation: sqrt(E[x²] − E[x]²). */
function stdev(m: Float64Array, a: number, n: number): number {
  const mean = sum(m, a, n) / n;
  return Math.sqrt(sumOfSquares(m, a, n) / n - mean * mean);
}

// Elementwise ops write element i right after reading it, so in-place use is exact.

function map1(m: Float64Array, o: number, a: number, n: number, f: (x: number) => number): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!);
  };
}

function map2(
  m: Float64Array,
  o: number,
  a: number,
  b: number,
  n: number,
  f: (x: number, y: number) => number,
): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!, m[b + i]!);
  };
}

/** out = s[k] · a, the scalar read before anything is written. */
function scale(m: Float64Array, o: number, k: number, a: number, n: number): Step {
  return () => {
    const x = m[k]!;
    for (let i = 0; i < n; i++) m[o + i] = x * m[a + i]!;
  };
}

/** Draws n values in element order. */
function fill(m: Float64Array, o: number, n: number, draw: () => number): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = draw();
  };
}
