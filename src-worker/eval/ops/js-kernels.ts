/**
 * The loops the ops' JavaScript steps share.
 *
 * Reductions use the canonical two-lane order: even and odd terms summed separately from the
 * first, added at the end (n is even). The WebAssembly engine's f64x2 loops produce this order,
 * so both engines agree bit for bit while the fast one uses SIMD.
 * Elementwise steps write element i right after reading it, so in-place use is exact.
 */
import type { Step } from './op-definition';

export function sum(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]!;
  let a1 = m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]!;
    a1 += m[a + i + 1]!;
  }
  return a0 + a1;
}

export function sumOfSquares(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]! * m[a]!;
  let a1 = m[a + 1]! * m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[a + i]!;
    a1 += m[a + i + 1]! * m[a + i + 1]!;
  }
  return a0 + a1;
}

export function dot(m: Float64Array, a: number, b: number, n: number): number {
  let a0 = m[a]! * m[b]!;
  let a1 = m[a + 1]! * m[b + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[b + i]!;
    a1 += m[a + i + 1]! * m[b + i + 1]!;
  }
  return a0 + a1;
}

/** The population standard deviation: sqrt(E[x²] − E[x]²). */
export function stdev(m: Float64Array, a: number, n: number): number {
  const mean = sum(m, a, n) / n;
  return Math.sqrt(sumOfSquares(m, a, n) / n - mean * mean);
}

export function map1(
  m: Float64Array,
  o: number,
  a: number,
  n: number,
  f: (x: number) => number,
): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!);
  };
}

export function map2(
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
export function scale(m: Float64Array, o: number, k: number, a: number, n: number): Step {
  return () => {
    const x = m[k]!;
    for (let i = 0; i < n; i++) m[o + i] = x * m[a + i]!;
  };
}

/** Draws n values in element order. */
export function fill(m: Float64Array, o: number, n: number, draw: () => number): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = draw();
  };
}
