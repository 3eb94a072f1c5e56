/**
 * What every op does: one entry per op of shared/algorithm/ops.ts, keyed by its name, holding its
 * JavaScript step (the executable specification, run by js-engine.ts) and its WebAssembly emitter
 * (run by wasm/compile.ts) side by side. Adding an op is its line in ops.ts and its entry in the
 * family file here; a missing entry does not compile, and the differential test holds the two
 * halves of every entry to the same bits on thousands of random programs.
 *
 * Semantics follow AutoML-Zero's executor.h, with the floating-point details pinned down so that a
 * score is reproducible anywhere:
 * - Reductions over F values use two interleaved partial sums (even and odd indices, each in index
 *   order, starting from the first term) added at the end. That is the order a 2-lane SIMD loop
 *   produces, so the fast path can use SIMD and still agree exactly (js-kernels.ts).
 * - Matrix products and column norms accumulate over k (rows) in order, starting from the first term.
 * - min/max propagate NaN and order −0 below +0 (Math.min/max, WebAssembly f64.min/max).
 * - Scalar heaviside is x ≥ 0, vector and matrix heaviside x > 0, as in the C++.
 * - Random ops draw from the evaluation's Rng in element order (row-major for matrices).
 * - Ops whose output may alias an input (matrix products, transposes, row reductions) write
 *   through the scratch area; elementwise ops write element i right after reading it.
 */
import type { OpName } from '../../../shared/algorithm/ops';
import { MATRIX_OPS } from './matrix-ops';
import type { OpDefinition } from './op-definition';
import { SCALAR_OPS } from './scalar-ops';
import { SET_OPS } from './set-ops';
import { VECTOR_OPS } from './vector-ops';

export type { OpDefinition, Operands, Step } from './op-definition';

export const OP_DEFINITIONS: { readonly [N in OpName]: OpDefinition } = {
  ...SCALAR_OPS,
  ...VECTOR_OPS,
  ...MATRIX_OPS,
  ...SET_OPS,
};
