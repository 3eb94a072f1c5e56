/**
 * What an execution engine offers the evaluator. Two engines implement it and must agree bit for
 * bit: the JS engine (js-engine.ts over the ops' JavaScript steps, their executable specification; no
 * code generation, so also the search's fingerprints) and the WebAssembly compiler (the fast path).
 */
import {
  FEATURES_VECTOR,
  LABEL_SCALAR,
  PREDICTION_SCALAR,
  type Program,
} from '../../shared/algorithm/program';
import type { Rng } from '../../shared/random/rng';
import type { Split, TaskMetric } from '../../shared/task/types';
import { exp } from './exp';
import { vectorAt, type Layout } from './layout';

/** A program made ready to run against one engine's memory. */
export interface Runner {
  /** Runs Setup on the current state. */
  setup(): void;
  /**
   * Runs Predict, the sigmoid (accuracy tasks only), the early-stop check and Learn for the first
   * n examples of the split, in order. Returns n, or -(k + 1) when example k's error was NaN or
   * above the bound. With `record`, example i's prediction (after any sigmoid) goes to record[i].
   */
  train(split: Split, n: number, record?: Float64Array): number;
  /**
   * Runs Predict on the first n examples of the split (all by default) and returns the validation
   * total: how many 0/1 predictions were correct (accuracy), or the sum of squared errors of s1
   * (rms-error). With `record`, example i's s1 is written to record[i].
   */
  validate(split: Split, n?: number, record?: Float64Array): number;
  /**
   * Setup, training on the first nTrain examples, then validation on the first nValid examples,
   * in one step (the state is left as validation leaves it). Returns the validation total, or
   * -(k + 1) when training stopped at example k. With `record`, the training predictions go to
   * record[0..nTrain) and the validation logits after them.
   */
  runTask(
    train: Split,
    nTrain: number,
    valid: Split,
    nValid: number,
    record?: Float64Array,
  ): number;
}

export interface Engine {
  readonly name: string;
  /** How the tasks this engine runs are scored; fixed when the engine is built. */
  readonly metric: TaskMetric;
  readonly layout: Layout;
  /** The engine's state (scalars, vectors, matrices), zeroed, snapshotted and restored by the evaluator. */
  readonly state: Float64Array;
  /** The random stream the next runner calls draw from; the evaluator sets it per task. */
  rng: Rng;
  prepare(program: Program): Runner;
}

/**
 * The example loops of a Runner for engines that run Setup, Predict and Learn one call at a time
 * (the JS engine): what the evaluator does around the program, written once.
 */
export abstract class LoopRunner implements Runner {
  constructor(
    private readonly memory: {
      readonly state: Float64Array;
      readonly layout: Layout;
      readonly metric: TaskMetric;
    },
  ) {}

  protected abstract runSetup(): void;
  protected abstract runPredict(): void;
  protected abstract runLearn(): void;

  setup(): void {
    this.runSetup();
  }

  train(split: Split, n: number, record?: Float64Array): number {
    const { state: mem, layout, metric } = this.memory;
    const F = layout.F;
    const squash = metric === 'accuracy';
    // Scalars sit first in the layout, at their own addresses.
    const features = vectorAt(layout, FEATURES_VECTOR);
    n = Math.min(n, split.n);
    for (let e = 0; e < n; e++) {
      mem.set(split.x.subarray(e * F, e * F + F), features);
      mem[LABEL_SCALAR] = 0;
      this.runPredict();
      const prediction = squash
        ? (mem[PREDICTION_SCALAR] = sigmoid(mem[PREDICTION_SCALAR]!))
        : mem[PREDICTION_SCALAR]!;
      if (record) record[e] = prediction;
      const label = split.y[e]!;
      const error = Math.abs(label - prediction);
      if (Number.isNaN(error) || error > MAX_ABS_ERROR) return -(e + 1);
      mem[LABEL_SCALAR] = label;
      this.runLearn();
    }
    return n;
  }

  validate(split: Split, n = split.n, record?: Float64Array): number {
    const { state: mem, layout, metric } = this.memory;
    const F = layout.F;
    const features = vectorAt(layout, FEATURES_VECTOR);
    let correct = 0;
    let errorSum = 0;
    n = Math.min(n, split.n);
    for (let e = 0; e < n; e++) {
      mem.set(split.x.subarray(e * F, e * F + F), features);
      mem[LABEL_SCALAR] = 0;
      this.runPredict();
      const s1 = mem[PREDICTION_SCALAR]!;
      if (record) record[e] = s1;
      if (metric === 'accuracy') {
        if (isCorrect(split.y[e]!, s1)) correct++;
      } else {
        const error = split.y[e]! - s1;
        errorSum = error * error + errorSum;
      }
    }
    return metric === 'accuracy' ? correct : errorSum;
  }

  runTask(
    train: Split,
    nTrain: number,
    valid: Split,
    nValid: number,
    record?: Float64Array,
  ): number {
    this.runSetup();
    const trained = this.train(train, nTrain, record);
    if (trained < 0) return trained;
    return this.validate(valid, nValid, record?.subarray(Math.min(nTrain, train.n)));
  }
}

/**
 * A task's score from its validation total over n examples (see Runner.validate): the accuracy,
 * or 1 − (2/π)·atan(RMS error), which maps an error from 0 to ∞ onto 1 to 0 (NaN scores 0).
 */
export function scoreOf(metric: TaskMetric, total: number, n: number): number {
  if (metric === 'accuracy') return total / n;
  const rms = Math.sqrt(total / n);
  return Number.isNaN(rms) ? 0 : 1 - (2 / Math.PI) * Math.atan(rms);
}

/** AutoML-Zero's bound on |label − prediction| during training (kMaxAbsError). */
export const MAX_ABS_ERROR = 100;

export function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}

/** The accuracy check of AutoML-Zero's ProbAccuracyLossAccumulator; a NaN logit counts as class 0. */
export function isCorrect(label: number, logit: number): boolean {
  return label > 0.5 === sigmoid(logit) > 0.5;
}
