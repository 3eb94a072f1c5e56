/**
 * Where an evaluation's memory lives in a flat float64 array. The JS engine and the compiled
 * WebAssembly use the same layout, so the evaluator can zero, snapshot and restore the state of
 * either with one typed-array copy.
 *
 *   [scalars | pad to even | vectors (F each) | matrices (F×F each, row-major) | scratch]
 *
 * Vectors and matrices start at even float64 indices, so 16-byte SIMD loads are aligned.
 */
import type { MemoryShape } from '../../shared/algorithm/program';

export interface Layout {
  readonly F: number;
  readonly shape: MemoryShape;
  /** float64 index of vector 0 and matrix 0. */
  readonly vectorBase: number;
  readonly matrixBase: number;
  /** float64 index of a scratch matrix (for ops whose output may alias an input). */
  readonly scratch: number;
  /** float64 length of the state (scalars, vectors, matrices), which the evaluator snapshots. */
  readonly stateLength: number;
  /** float64 length including scratch. */
  readonly totalLength: number;
}

export function makeLayout(shape: MemoryShape, F: number): Layout {
  if (!Number.isInteger(F) || F < 2 || F % 2 !== 0 || F > 64) {
    throw new RangeError(`feature size must be an even number in 2..64, got ${F}`);
  }
  const vectorBase = shape.scalars + (shape.scalars % 2);
  const matrixBase = vectorBase + shape.vectors * F;
  const stateLength = matrixBase + shape.matrices * F * F;
  const scratch = stateLength;
  return { F, shape, vectorBase, matrixBase, scratch, stateLength, totalLength: scratch + F * F };
}

export const vectorAt = (l: Layout, v: number): number => l.vectorBase + v * l.F;
export const matrixAt = (l: Layout, m: number): number => l.matrixBase + m * l.F * l.F;
