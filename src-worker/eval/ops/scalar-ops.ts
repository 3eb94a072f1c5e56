/** The ops named SCALAR_… (and NO_OP), except the sets (set-ops.ts). */
import { exp } from '../exp';
import { OP, SIMD } from '../wasm/bytes';
import { fn, type FunctionCode } from '../wasm/function-code';
import { scale } from './js-kernels';
import type { OpFamily, OpsNamed } from './op-definition';

/** s[o] = f(s[a]) through a function of the module (imported Math, or exp compiled in). */
const callMath = (index: number) => (f: FunctionCode, ins: { in1: number; out: number }) =>
  void f.get(f.s(ins.in1)).call(index).set(f.s(ins.out));

export const SCALAR_OPS: OpFamily<OpsNamed<'SCALAR'> | 'NO_OP'> = {
  NO_OP: {
    js: () => () => {},
    wasm: () => {},
  },
  SCALAR_SUM_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = m[in1]! + m[in2]!),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Add),
  },
  SCALAR_DIFF_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = m[in1]! - m[in2]!),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Sub),
  },
  SCALAR_PRODUCT_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = m[in1]! * m[in2]!),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Mul),
  },
  SCALAR_DIVISION_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = m[in1]! / m[in2]!),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Div),
  },
  SCALAR_MIN_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = Math.min(m[in1]!, m[in2]!)),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Min),
  },
  SCALAR_MAX_OP: {
    js:
      ({ m, in1, in2, out }) =>
      () =>
        void (m[out] = Math.max(m[in1]!, m[in2]!)),
    wasm: (f, { in1, in2, out }) => f.scalar2(in1, in2, out, OP.f64Max),
  },
  SCALAR_ABS_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.abs(m[in1]!)),
    wasm: (f, { in1, out }) => void f.get(f.s(in1)).op(OP.f64Abs).set(f.s(out)),
  },
  SCALAR_RECIPROCAL_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = 1 / m[in1]!),
    wasm: (f, { in1, out }) => void f.f64c(1).get(f.s(in1)).op(OP.f64Div).set(f.s(out)),
  },
  SCALAR_SIN_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.sin(m[in1]!)),
    wasm: callMath(fn.sin),
  },
  SCALAR_COS_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.cos(m[in1]!)),
    wasm: callMath(fn.cos),
  },
  SCALAR_TAN_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.tan(m[in1]!)),
    wasm: callMath(fn.tan),
  },
  SCALAR_ARCSIN_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.asin(m[in1]!)),
    wasm: callMath(fn.asin),
  },
  SCALAR_ARCCOS_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.acos(m[in1]!)),
    wasm: callMath(fn.acos),
  },
  SCALAR_ARCTAN_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.atan(m[in1]!)),
    wasm: callMath(fn.atan),
  },
  SCALAR_EXP_OP: {
    // exp.ts, not Math.exp: the same IEEE steps in both engines, so the same bits everywhere.
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = exp(m[in1]!)),
    wasm: callMath(fn.exp),
  },
  SCALAR_LOG_OP: {
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = Math.log(m[in1]!)),
    wasm: callMath(fn.log),
  },
  SCALAR_HEAVYSIDE_OP: {
    // x >= 0 for scalars, as in the C++ (the vector and matrix ones are x > 0).
    js:
      ({ m, in1, out }) =>
      () =>
        void (m[out] = m[in1]! >= 0 ? 1 : 0),
    wasm: (f, { in1, out }) =>
      void f.get(f.s(in1)).f64c(0).op(OP.f64Ge, OP.f64ConvertI32U).set(f.s(out)),
  },
  SCALAR_VECTOR_PRODUCT_OP: {
    js: ({ m, F, in1, vB, vO }) => scale(m, vO, in1, vB, F),
    wasm: (f, { in1, in2, out }) => {
      f.get(f.s(in1)).splat().set(f.t(0));
      f.vector1(out, (k) => f.get(f.t(0)).get(f.v(in2, k)).simd(SIMD.f64x2Mul));
    },
  },
  SCALAR_BROADCAST_OP: {
    js:
      ({ m, F, in1, vO }) =>
      () =>
        void m.fill(m[in1]!, vO, vO + F),
    wasm: (f, { in1, out }) => {
      f.get(f.s(in1)).splat().set(f.t(0));
      f.vector1(out, () => f.get(f.t(0)));
    },
  },
  SCALAR_MATRIX_PRODUCT_OP: {
    js: ({ m, FF, in1, mB, mO }) => scale(m, mO, in1, mB, FF),
    wasm: (f, { in1, in2, out }) => {
      f.get(f.s(in1)).splat().set(f.t(0));
      f.matrixMap(out, [in2], () => f.get(f.t(0)).simd(SIMD.f64x2Mul));
    },
  },
};
