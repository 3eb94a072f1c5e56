/**
 * The ops named MATRIX_…, except the sets (set-ops.ts). Products, transposes and row reductions
 * may write over their input, so they compute into the scratch area `t` (or temps) first.
 */
import { OP, SIMD } from '../wasm/bytes';
import { HIGH_LANES, LOW_LANES } from '../wasm/function-code';
import { dot, map1, map2, stdev, sum, sumOfSquares } from './js-kernels';
import type { OpFamily, OpsNamed } from './op-definition';

export const MATRIX_OPS: OpFamily<OpsNamed<'MATRIX'>> = {
  MATRIX_HEAVYSIDE_OP: {
    js: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, (x) => (x > 0 ? 1 : 0)),
    wasm: (f, { in1, out }) => f.matrixMap(out, [in1], () => f.heaviside()),
  },
  MATRIX_RECIPROCAL_OP: {
    js: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, (x) => 1 / x),
    wasm: (f, { in1, out }) =>
      f.matrixMap(out, [in1], () => {
        f.set(f.t(0)).constV(1, 1).get(f.t(0)).simd(SIMD.f64x2Div);
      }),
  },
  MATRIX_ABS_OP: {
    js: ({ m, FF, mA, mO }) => map1(m, mO, mA, FF, Math.abs),
    wasm: (f, { in1, out }) => f.matrixMap(out, [in1], () => f.simd(SIMD.f64x2Abs)),
  },
  MATRIX_SUM_OP: {
    js:
      ({ m, FF, mA, mB, mO }) =>
      () => {
        for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! + m[mB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Add),
  },
  MATRIX_DIFF_OP: {
    js:
      ({ m, FF, mA, mB, mO }) =>
      () => {
        for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! - m[mB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Sub),
  },
  MATRIX_PRODUCT_OP: {
    js:
      ({ m, FF, mA, mB, mO }) =>
      () => {
        for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! * m[mB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Mul),
  },
  MATRIX_DIVISION_OP: {
    js:
      ({ m, FF, mA, mB, mO }) =>
      () => {
        for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! / m[mB + i]!;
      },
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Div),
  },
  MATRIX_MIN_OP: {
    js: ({ m, FF, mA, mB, mO }) => map2(m, mO, mA, mB, FF, Math.min),
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Min),
  },
  MATRIX_MAX_OP: {
    js: ({ m, FF, mA, mB, mO }) => map2(m, mO, mA, mB, FF, Math.max),
    wasm: (f, { in1, in2, out }) => f.matrix2(in1, in2, out, SIMD.f64x2Max),
  },
  MATRIX_NORM_OP: {
    js:
      ({ m, FF, out, mA }) =>
      () =>
        void (m[out] = Math.sqrt(sumOfSquares(m, mA, FF))),
    wasm: (f, { in1, out }) => void f.matrixSum(in1, true).op(OP.f64Sqrt).set(f.s(out)),
  },
  MATRIX_MEAN_OP: {
    js:
      ({ m, FF, out, mA }) =>
      () =>
        void (m[out] = sum(m, mA, FF) / FF),
    wasm: (f, { in1, out }) =>
      void f
        .matrixSum(in1, false)
        .f64c(f.F * f.F)
        .op(OP.f64Div)
        .set(f.s(out)),
  },
  MATRIX_ST_DEV_OP: {
    js:
      ({ m, FF, out, mA }) =>
      () =>
        void (m[out] = stdev(m, mA, FF)),
    wasm: (f, { in1, out }) => f.standardDeviation((sq) => f.matrixSum(in1, sq), f.F * f.F, out),
  },
  MATRIX_VECTOR_PRODUCT_OP: {
    js:
      ({ m, F, vB, vO, mA, t }) =>
      () => {
        for (let r = 0; r < F; r++) m[t + r] = dot(m, mA + r * F, vB, F);
        m.copyWithin(vO, t, t + F);
      },
    // Results in temps t(4..), then copied: the output may be the input vector.
    wasm: (f, { in1, in2, out }) => {
      f.rowPairs(
        in1,
        (row, k) =>
          f
            .loadAbsV(row + 16 * k)
            .get(f.v(in2, k))
            .simd(SIMD.f64x2Mul),
        (j) => f.set(f.t(4 + j)),
      );
      for (let j = 0; j < f.H; j++) f.get(f.t(4 + j)).set(f.v(out, j));
    },
  },
  MATRIX_COLUMN_NORM_OP: {
    // Rows accumulated in order, per column.
    js:
      ({ m, F, vO, mA, t }) =>
      () => {
        for (let c = 0; c < F; c++) {
          let acc = m[mA + c]! * m[mA + c]!;
          for (let r = 1; r < F; r++) acc += m[mA + r * F + c]! * m[mA + r * F + c]!;
          m[t + c] = Math.sqrt(acc);
        }
        m.copyWithin(vO, t, t + F);
      },
    wasm: (f, { in1, out }) => {
      const rowBytes = f.F * 8;
      for (let k = 0; k < f.H; k++) {
        for (let r = 0; r < f.F; r++) {
          const at = f.matBytes(in1) + r * rowBytes + 16 * k;
          f.loadAbsV(at).loadAbsV(at).simd(SIMD.f64x2Mul);
          if (r > 0) f.simd(SIMD.f64x2Add);
        }
        f.simd(SIMD.f64x2Sqrt).set(f.v(out, k));
      }
    },
  },
  MATRIX_ROW_NORM_OP: {
    js:
      ({ m, F, vO, mA, t }) =>
      () => {
        for (let r = 0; r < F; r++) m[t + r] = Math.sqrt(sumOfSquares(m, mA + r * F, F));
        m.copyWithin(vO, t, t + F);
      },
    wasm: (f, { in1, out }) =>
      f.rowPairs(in1, f.rowTerm(true), (j) => {
        f.simd(SIMD.f64x2Sqrt).set(f.v(out, j));
      }),
  },
  MATRIX_ROW_MEAN_OP: {
    js:
      ({ m, F, vO, mA, t }) =>
      () => {
        for (let r = 0; r < F; r++) m[t + r] = sum(m, mA + r * F, F) / F;
        m.copyWithin(vO, t, t + F);
      },
    wasm: (f, { in1, out }) =>
      f.rowPairs(in1, f.rowTerm(false), (j) => {
        f.divideBy(f.F).set(f.v(out, j));
      }),
  },
  MATRIX_ROW_ST_DEV_OP: {
    js:
      ({ m, F, vO, mA, t }) =>
      () => {
        for (let r = 0; r < F; r++) m[t + r] = stdev(m, mA + r * F, F);
        m.copyWithin(vO, t, t + F);
      },
    // sqrt(sumsq/F − mean²) per row; the means go to temps first (the output may be read later).
    wasm: (f, { in1, out }) => {
      f.rowPairs(in1, f.rowTerm(false), (j) => {
        f.divideBy(f.F).set(f.t(4 + j));
      });
      f.rowPairs(in1, f.rowTerm(true), (j) => {
        f.divideBy(f.F)
          .get(f.t(4 + j))
          .get(f.t(4 + j))
          .simd(SIMD.f64x2Mul)
          .simd(SIMD.f64x2Sub)
          .simd(SIMD.f64x2Sqrt)
          .set(f.v(out, j));
      });
    },
  },
  MATRIX_TRANSPOSE_OP: {
    js:
      ({ m, F, FF, mA, mO, t }) =>
      () => {
        for (let r = 0; r < F; r++)
          for (let c = 0; c < F; c++) m[t + r * F + c] = m[mA + c * F + r]!;
        m.copyWithin(mO, t, t + FF);
      },
    // By 2×2 blocks, through the scratch area when in place.
    wasm: (f, { in1, out }) => {
      const target = out === in1 ? f.scratchBytes() : f.matBytes(out);
      const rowBytes = f.F * 8;
      for (let i = 0; i < f.H; i++) {
        for (let j = 0; j < f.H; j++) {
          // out rows 2i, 2i+1, chunk j  <-  in rows 2j, 2j+1, chunk i
          const in0 = f.matBytes(in1) + 2 * j * rowBytes + 16 * i;
          const inNext = in0 + rowBytes;
          const out0 = target + 2 * i * rowBytes + 16 * j;
          f.i32c(0).loadAbsV(in0).loadAbsV(inNext).shuffle(LOW_LANES).storeV(out0);
          f.i32c(0)
            .loadAbsV(in0)
            .loadAbsV(inNext)
            .shuffle(HIGH_LANES)
            .storeV(out0 + rowBytes);
        }
      }
      if (out === in1) f.copyMatrix(target, f.matBytes(out));
    },
  },
  MATRIX_MATRIX_PRODUCT_OP: {
    js:
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
    // Out row r = the sum over k, in order, of A[r][k] · B's row k.
    wasm: (f, { in1, in2, out }) => {
      const inPlace = out === in1 || out === in2;
      const target = inPlace ? f.scratchBytes() : f.matBytes(out);
      const rowBytes = f.F * 8;
      f.rowLoop(() => {
        for (let k = 0; k < f.F; k++) {
          f.get(f.iRow)
            .loadF(f.matBytes(in1) + 8 * k)
            .splat()
            .set(f.t(0));
          for (let j = 0; j < f.H; j++) {
            if (k > 0) f.get(f.t(4 + j));
            f.get(f.t(0))
              .loadAbsV(f.matBytes(in2) + k * rowBytes + 16 * j)
              .simd(SIMD.f64x2Mul);
            if (k > 0) f.simd(SIMD.f64x2Add);
            f.set(f.t(4 + j));
          }
        }
        for (let j = 0; j < f.H; j++)
          f.get(f.iRow)
            .get(f.t(4 + j))
            .storeV(target + 16 * j);
      });
      if (inPlace) f.copyMatrix(target, f.matBytes(out));
    },
  },
};
