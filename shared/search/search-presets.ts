/**
 * Named search spaces: which ops each component function draws from, which mutations apply and
 * how long functions may grow. A config names one (`"preset"`) and may override any of its fields.
 *
 * Why the default is AutoML-Zero's baseline space and not all 64 ops: with every op allowed in
 * every function, each instruction of a learning rule is about 7× rarer in Learn and 13× rarer in
 * Predict, so a 3–4 instruction rule that pays only when complete is 10²–10³× rarer. Measured on
 * this project (issue #13): 10 minutes of the full space ends at a statistic of the input
 * (held-out 0.50, guessing); the baseline space finds learners (held-out 0.67–0.70).
 */
import type { MutationType } from '../algorithm/mutate';
import { NUM_OPS, Op } from '../algorithm/ops';

/** Every op but NO_OP: a search gains nothing from drawing no-ops. */
export const SEARCH_OPS: readonly number[] = Array.from({ length: NUM_OPS - 1 }, (_, i) => i + 1);

export interface SearchPreset {
  readonly ops: { readonly setup: number[]; readonly predict: number[]; readonly learn: number[] };
  readonly mutationTypes: MutationType[];
  readonly maxSizes: { readonly setup: number; readonly predict: number; readonly learn: number };
}

/** run_baseline.sh's op lists per function. */
const CPP_BASELINE_OPS: SearchPreset['ops'] = {
  setup: [
    Op.SCALAR_CONST_SET_OP,
    Op.SCALAR_GAUSSIAN_SET_OP,
    Op.SCALAR_UNIFORM_SET_OP,
    Op.VECTOR_GAUSSIAN_SET_OP,
    Op.VECTOR_UNIFORM_SET_OP,
    Op.MATRIX_GAUSSIAN_SET_OP,
    Op.MATRIX_UNIFORM_SET_OP,
  ],
  predict: [
    Op.SCALAR_SUM_OP,
    Op.MATRIX_VECTOR_PRODUCT_OP,
    Op.VECTOR_MAX_OP,
    Op.VECTOR_INNER_PRODUCT_OP,
    Op.VECTOR_SUM_OP,
  ],
  learn: [
    Op.SCALAR_SUM_OP,
    Op.SCALAR_DIFF_OP,
    Op.SCALAR_PRODUCT_OP,
    Op.SCALAR_VECTOR_PRODUCT_OP,
    Op.VECTOR_SUM_OP,
    Op.VECTOR_HEAVYSIDE_OP,
    Op.VECTOR_PRODUCT_OP,
    Op.VECTOR_OUTER_PRODUCT_OP,
    Op.MATRIX_SUM_OP,
  ],
};

export const SEARCH_PRESETS = {
  /**
   * Google's run_baseline.sh: its op lists per function, its four mutation types (no
   * randomize-instruction) and its sizes. The C++ inserts only while a function is shorter than
   * max − 1, so its 7/11/23 limits are 6/10/22 here, where insertion stops at the limit.
   */
  'cpp-baseline': {
    ops: CPP_BASELINE_OPS,
    mutationTypes: ['alterParam', 'randomizeComponent', 'insertInstruction', 'removeInstruction'],
    maxSizes: { setup: 6, predict: 10, learn: 22 },
  },
  /**
   * The default: run_baseline.sh's space with one more mutation, connected insertion
   * (mutate.ts): an inserted instruction is wired into a later reader of its type. Measured over
   * seeds 0–2 (10 minutes, 2 threads; BENCHMARKS.md): held-out 0.6839 / 0.6848 / 0.6833 against
   * 0.6843 / 0.6842 / 0.6661 with the C++'s four mutation types: the same median, no seed left
   * behind, and higher search fitness sooner. `cpp-baseline` stays for speed comparisons.
   */
  'baseline-connected': {
    ops: CPP_BASELINE_OPS,
    mutationTypes: [
      'alterParam',
      'randomizeComponent',
      'insertInstruction',
      'insertConnected',
      'removeInstruction',
    ],
    maxSizes: { setup: 6, predict: 10, learn: 22 },
  },
  /** Every op in every function and AutoML-Zero's five mutation types: the whole space, for research. */
  full: {
    ops: { setup: [...SEARCH_OPS], predict: [...SEARCH_OPS], learn: [...SEARCH_OPS] },
    mutationTypes: [
      'alterParam',
      'randomizeInstruction',
      'randomizeComponent',
      'insertInstruction',
      'removeInstruction',
    ],
    maxSizes: { setup: 7, predict: 11, learn: 23 },
  },
} as const satisfies Record<string, SearchPreset>;

export type PresetName = keyof typeof SEARCH_PRESETS;

export const DEFAULT_PRESET: PresetName = 'baseline-connected';

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === 'string' && Object.hasOwn(SEARCH_PRESETS, name);
}
