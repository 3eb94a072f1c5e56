/** The ops named VECTOR_…, except the sets (set-ops.ts). */
import { OP, SIMD } from '../wasm/bytes';
import { dot, map1, map2, stdev, sum, sumOfSquares } from './js-kernels';
import type { OpFamily, OpsNamed } from './op-definition';

export const VECTOR_OPS: OpFamily<OpsNamed<'VECTOR'>> = {
  VECTOR_HEAVYSIDE_OP: {
    js: ({ m, F, vA, vO }) => map1(m, vO, vA, F, (x) => (x > 0 ? 1 : 0)),
    wasm: (f, { in1, out }) => f.vector1(out, (k) => f.get(f.v(in1, k)).heaviside()),
  },
  VECTOR_RECIPROCAL_OP: {
    js: ({ m, F, vA, vO }) => map1(m, vO, vA, F, (x) => 1 / x),
    wasm: (f, { in1, out }) =>
      f.vector1(out, (k) => f.constV(1, 1).get(f.v(in1, k)).simd(SIMD.f64x2Div)),
  },
  VECTOR_ABS_OP: {
    js: ({ m, F, vA, vO }) => map1(m, vO, vA, F, Math.abs),
    wasm: (f, { in1, out }) => f.vector1(out, (k) => f.get(f.v(in1, k)).simd(SIMD.f64x2Abs)),
  },
  VECTOR_SUM_OP: {
    js:
      ({ m, F, vA, vB, vO }) =>
      () => {
        for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! + m[vB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Add),
  },
  VECTOR_DIFF_OP: {
    js:
      ({ m, F, vA, vB, vO }) =>
      () => {
        for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! - m[vB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Sub),
  },
  VECTOR_PRODUCT_OP: {
    js:
      ({ m, F, vA, vB, vO }) =>
      () => {
        for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! * m[vB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Mul),
  },
  VECTOR_DIVISION_OP: {
    js:
      ({ m, F, vA, vB, vO }) =>
      () => {
        for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! / m[vB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Div),
  },
  VECTOR_MIN_OP: {
    // NaN propagates and −0 orders below +0, in Math.min as in f64x2.min.
    js: ({ m, F, vA, vB, vO }) => map2(m, vO, vA, vB, F, Math.min),
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Min),
  },
  VECTOR_MAX_OP: {
    js: ({ m, F, vA, vB, vO }) => map2(m, vO, vA, vB, F, Math.max),
    wasm: (f, { in1, in2, out }) => f.vector2(in1, in2, out, SIMD.f64x2Max),
  },
  VECTOR_NORM_OP: {
    js:
      ({ m, F, out, vA }) =>
      () =>
        void (m[out] = Math.sqrt(sumOfSquares(m, vA, F))),
    wasm: (f, { in1, out }) => void f.vectorSum(in1, true).op(OP.f64Sqrt).set(f.s(out)),
  },
  VECTOR_MEAN_OP: {
    js:
      ({ m, F, out, vA }) =>
      () =>
        void (m[out] = sum(m, vA, F) / F),
    wasm: (f, { in1, out }) => void f.vectorSum(in1, false).f64c(f.F).op(OP.f64Div).set(f.s(out)),
  },
  VECTOR_ST_DEV_OP: {
    js:
      ({ m, F, out, vA }) =>
      () =>
        void (m[out] = stdev(m, vA, F)),
    wasm: (f, { in1, out }) => f.standardDeviation((sq) => f.vectorSum(in1, sq), f.F, out),
  },
  VECTOR_INNER_PRODUCT_OP: {
    js:
      ({ m, F, out, vA, vB }) =>
      () =>
        void (m[out] = dot(m, vA, vB, F)),
    wasm: (f, { in1, in2, out }) =>
      void f
        .laneSum(f.H, (k) => f.get(f.v(in1, k)).get(f.v(in2, k)).simd(SIMD.f64x2Mul))
        .set(f.s(out)),
  },
  VECTOR_OUTER_PRODUCT_OP: {
    js:
      ({ m, F, vA, vB, mO }) =>
      () => {
        for (let r = 0; r < F; r++) {
          const x = m[vA + r]!;
          for (let c = 0; c < F; c++) m[mO + r * F + c] = x * m[vB + c]!;
        }
      },
    // Row r = splat(a[r]) · b.
    wasm: (f, { in1, in2, out }) => {
      for (let r = 0; r < f.F; r++) {
        f.vElem(in1, r).splat().set(f.t(0));
        for (let k = 0; k < f.H; k++) {
          f.i32c(0).get(f.t(0)).get(f.v(in2, k)).simd(SIMD.f64x2Mul);
          f.storeV(f.matBytes(out) + r * f.F * 8 + 16 * k);
        }
      }
    },
  },
  VECTOR_COLUMN_BROADCAST_OP: {
    // M[r][c] = x[r].
    js:
      ({ m, F, vA, mO }) =>
      () => {
        for (let r = 0; r < F; r++) m.fill(m[vA + r]!, mO + r * F, mO + r * F + F);
      },
    wasm: (f, { in1, out }) => {
      for (let r = 0; r < f.F; r++) {
        f.vElem(in1, r).splat().set(f.t(0));
        for (let k = 0; k < f.H; k++)
          f.i32c(0)
            .get(f.t(0))
            .storeV(f.matBytes(out) + r * f.F * 8 + 16 * k);
      }
    },
  },
  VECTOR_ROW_BROADCAST_OP: {
    // M[r][c] = x[c].
    js:
      ({ m, F, vA, mO }) =>
      () => {
        for (let r = 0; r < F; r++) m.copyWithin(mO + r * F, vA, vA + F);
      },
    wasm: (f, { in1, out }) => {
      for (let r = 0; r < f.F; r++) {
        for (let k = 0; k < f.H; k++)
          f.i32c(0)
            .get(f.v(in1, k))
            .storeV(f.matBytes(out) + r * f.F * 8 + 16 * k);
      }
    },
  },
};
