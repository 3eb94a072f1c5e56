/**
 * The ops that set a register: to a constant carried in the instruction's data, or to draws from
 * the evaluation's random stream. Draws come in element order (row-major for matrices), from the
 * same stream in both engines (the WebAssembly module imports it).
 */
import { floatToIndex } from '../../../shared/algorithm/ops';
import type { Instruction } from '../../../shared/algorithm/program';
import { SIMD } from '../wasm/bytes';
import { fn, type FunctionCode } from '../wasm/function-code';
import { fill } from './js-kernels';
import type { OpFamily, SetOpName } from './op-definition';

/** Fills the vector through the scratch area with the imported fill function, then loads it. */
const drawVector = (fillFunction: number) => (f: FunctionCode, ins: Instruction) => {
  const [low, high] = ins.data;
  f.i32c(f.scratchBytes()).i32c(f.F).f64c(low).f64c(high).call(fillFunction);
  f.vector1(ins.out, (k) => f.loadAbsV(f.scratchBytes() + 16 * k));
};

/** Fills the matrix in place with the imported fill function. */
const drawMatrix = (fillFunction: number) => (f: FunctionCode, ins: Instruction) => {
  const [low, high] = ins.data;
  f.i32c(f.matBytes(ins.out))
    .i32c(f.F * f.F)
    .f64c(low)
    .f64c(high)
    .call(fillFunction);
};

/** s[o] = the imported draw function of (d0, d1). */
const drawScalar = (drawFunction: number) => (f: FunctionCode, ins: Instruction) => {
  const [a, b] = ins.data;
  f.f64c(a).f64c(b).call(drawFunction).set(f.s(ins.out));
};

export const SET_OPS: OpFamily<SetOpName> = {
  SCALAR_CONST_SET_OP: {
    js:
      ({ m, out, d0 }) =>
      () =>
        void (m[out] = d0),
    wasm: (f, { out, data }) => void f.f64c(data[0]).set(f.s(out)),
  },
  VECTOR_CONST_SET_OP: {
    js: ({ m, F, vO, d0, d1 }) => {
      const at = vO + floatToIndex(d0, F);
      return () => void (m[at] = d1);
    },
    wasm: (f, { out, data: [d0, d1] }) => {
      const i = floatToIndex(d0, f.F);
      f.get(f.v(out, i >> 1))
        .f64c(d1)
        .simd(SIMD.f64x2ReplaceLane);
      f.w.byte(i & 1);
      f.set(f.v(out, i >> 1));
    },
  },
  MATRIX_CONST_SET_OP: {
    js: ({ m, F, mO, d0, d1, d2 }) => {
      const at = mO + floatToIndex(d0, F) * F + floatToIndex(d1, F);
      return () => void (m[at] = d2);
    },
    wasm: (f, { out, data: [d0, d1, d2] }) =>
      void f
        .i32c(0)
        .f64c(d2)
        .storeF(f.matBytes(out) + 8 * (floatToIndex(d0, f.F) * f.F + floatToIndex(d1, f.F))),
  },
  SCALAR_UNIFORM_SET_OP: {
    js:
      ({ m, out, d0, d1, rng }) =>
      () =>
        void (m[out] = rng().uniformIn(d0, d1)),
    wasm: drawScalar(fn.uniform),
  },
  VECTOR_UNIFORM_SET_OP: {
    js: ({ m, F, vO, d0, d1, rng }) => fill(m, vO, F, () => rng().uniformIn(d0, d1)),
    wasm: drawVector(fn.fillUniform),
  },
  MATRIX_UNIFORM_SET_OP: {
    js: ({ m, FF, mO, d0, d1, rng }) => fill(m, mO, FF, () => rng().uniformIn(d0, d1)),
    wasm: drawMatrix(fn.fillUniform),
  },
  SCALAR_GAUSSIAN_SET_OP: {
    js:
      ({ m, out, d0, d1, rng }) =>
      () =>
        void (m[out] = rng().gaussian(d0, d1)),
    wasm: drawScalar(fn.gaussian),
  },
  VECTOR_GAUSSIAN_SET_OP: {
    js: ({ m, F, vO, d0, d1, rng }) => fill(m, vO, F, () => rng().gaussian(d0, d1)),
    wasm: drawVector(fn.fillGaussian),
  },
  MATRIX_GAUSSIAN_SET_OP: {
    js: ({ m, FF, mO, d0, d1, rng }) => fill(m, mO, FF, () => rng().gaussian(d0, d1)),
    wasm: drawMatrix(fn.fillGaussian),
  },
};
