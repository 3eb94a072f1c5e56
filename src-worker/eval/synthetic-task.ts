/**
 * Small synthetic tasks for tests (never used by the app): features drawn from the project's Rng,
 * labels either a noisy linear function of the features (learnable) or coin flips, and optionally
 * features of wild magnitudes to reach the NaN and infinity paths of the ops.
 */
import { Rng } from '../../shared/random/rng';
import type { Split, TaskData } from '../../shared/task/types';

export interface SyntheticTaskOptions {
  readonly F: number;
  readonly seed: number;
  readonly train?: number;
  readonly valid?: number;
  /** Labels from sign(w·x + noise) instead of coin flips. */
  readonly learnable?: boolean;
  /** Features of magnitudes from 1e-3 to 30. */
  readonly wild?: boolean;
}

export function syntheticTask(o: SyntheticTaskOptions): TaskData {
  const { F, seed, train = 40, valid = 16 } = o;
  const rng = new Rng(seed);
  const w = Array.from({ length: F }, (_, j) => Math.sin(j + seed));
  const split = (n: number): Split => {
    const x = new Float64Array(n * F);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < F; j++) {
        const scale = o.wild ? [1, 1, 1, 30, 1e-3][rng.int(5)]! : 1;
        const v = rng.gaussian(0, scale);
        x[i * F + j] = v;
        dot += w[j]! * v;
      }
      y[i] = o.learnable ? (dot + 0.5 * rng.gaussian(0, 1) > 0 ? 1 : 0) : rng.int(2);
    }
    return { n, x, y };
  };
  return {
    id: { positive: 0, negative: 1, seed },
    metric: 'accuracy',
    features: F,
    train: split(train),
    valid: split(valid),
    test: split(valid),
  };
}
