/**
 * Regression tasks drawn from a random teacher, AutoML-Zero's regression families: inputs are
 * independent standard Gaussians, and each label is what a teacher with random weights computes
 * from its input, without noise:
 * - `linear`: y = w · x, with w ~ N(0, 1/F) element-wise;
 * - `nonlinear`: y = u · relu(W x), with W ~ N(0, 1/F) and u ~ N(0, 2/F) element-wise (a 2-layer
 *   ReLU network of F hidden units).
 * The weights are scaled so that labels have unit variance on average over teachers, in both
 * families: predicting 0 has an RMS error of about 1, which the rms-error metric scores 0.50.
 *
 * Everything comes from the task's seed (teacher weights, then train, valid and test inputs, in
 * that order, from one stream), so the same id gives bit-identical arrays on any machine. Nothing
 * is downloaded. A track keeps its search, held-out and hidden tasks apart by their seed ranges
 * (TEACHER_SEED_RANGES).
 */
import { Rng, mixSeeds } from '../random/rng';
import type { Split, TaskData, TeacherTaskId } from './types';

export interface TeacherTaskOptions {
  /** Feature size F (even). Default 16. */
  readonly features?: number;
  readonly train?: number;
  readonly valid?: number;
  readonly test?: number;
}

/** Where each use of a teacher family takes its seeds from; the ranges do not overlap. */
export const TEACHER_SEED_RANGES = {
  /** Search tasks: seeds 0 .. 999 (a search config's firstSeed and count pick among them). */
  search: { first: 0, count: 1000 },
  /** Held-out tasks (benchmarks, the local `eval` command): 1000 .. 1999. */
  heldOut: { first: 1000, count: 1000 },
  /** Hidden tasks (validators, from a round secret): 2^20 and up, below 2^31. */
  hidden: { first: 2 ** 20, count: 2 ** 31 - 2 ** 20 },
} as const;

const STREAM_TAG = 0x74636872; // "tchr"

export function buildTeacherTask(id: TeacherTaskId, opts: TeacherTaskOptions = {}): TaskData {
  const F = opts.features ?? 16;
  const sizes = { train: opts.train ?? 1000, valid: opts.valid ?? 100, test: opts.test ?? 100 };
  if (!Number.isInteger(F) || F < 2 || F % 2 !== 0)
    throw new RangeError(`features must be an even integer of at least 2, got ${F}`);
  for (const [name, n] of Object.entries(sizes)) {
    if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
      throw new RangeError(`${name} must be an integer from 0 to 1,000,000, got ${n}`);
  }
  if (!Number.isSafeInteger(id.seed) || id.seed < 0)
    throw new RangeError(`a teacher task's seed is a non-negative integer, got ${id.seed}`);
  const kind = id.teacher === 'linear' ? 1 : id.teacher === 'nonlinear' ? 2 : 0;
  if (kind === 0) throw new RangeError(`unknown teacher ${String(id.teacher)}`);

  const rng = new Rng(mixSeeds(STREAM_TAG, kind, id.seed));
  const teach = kind === 1 ? linearTeacher(rng, F) : nonlinearTeacher(rng, F);
  const split = (n: number): Split => {
    const x = new Float64Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const row = x.subarray(i * F, i * F + F);
      for (let j = 0; j < F; j++) row[j] = rng.gaussian(0, 1);
      y[i] = teach(row);
    }
    return { n, x, y };
  };
  const train = split(sizes.train);
  const valid = split(sizes.valid);
  const test = split(sizes.test);
  return {
    id: { teacher: id.teacher, seed: id.seed },
    metric: 'rms-error',
    features: F,
    train,
    valid,
    test,
  };
}

type Teacher = (x: Float64Array) => number;

function gaussians(rng: Rng, n: number, variance: number): Float64Array {
  const sd = Math.sqrt(variance);
  return Float64Array.from({ length: n }, () => rng.gaussian(0, sd));
}

function linearTeacher(rng: Rng, F: number): Teacher {
  const w = gaussians(rng, F, 1 / F);
  return (x) => {
    let y = 0;
    for (let j = 0; j < F; j++) y += w[j]! * x[j]!;
    return y;
  };
}

function nonlinearTeacher(rng: Rng, F: number): Teacher {
  const W = gaussians(rng, F * F, 1 / F);
  const u = gaussians(rng, F, 2 / F);
  return (x) => {
    let y = 0;
    for (let h = 0; h < F; h++) {
      let a = 0;
      for (let j = 0; j < F; j++) a += W[h * F + j]! * x[j]!;
      if (a > 0) y += u[h]! * a;
    }
    return y;
  };
}

/** The tasks of a family with `count` consecutive seeds from `first`. */
export function teacherTaskIds(
  teacher: TeacherTaskId['teacher'],
  first: number,
  count: number,
): TeacherTaskId[] {
  return Array.from({ length: count }, (_, i) => ({ teacher, seed: first + i }));
}
