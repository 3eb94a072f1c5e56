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
import type { Split } from '../../shared/task/types';
import { exp } from './exp';
import { vectorAt, type Layout } from './layout';

/** A program made ready to run against one engine's memory. */
export interface Runner {
  /** Runs Setup on the current state. */
  setup(): void;
  /**
   * Runs Predict, the sigmoid, the early-stop check and Learn for the first n examples of the
   * split, in order. Returns n, or -(k + 1) when example k's error was NaN or above the bound.
   * With `record`, example i's prediction (after the sigmoid) is written to record[i].
   */
  train(split: Split, n: number, record?: Float64Array): number;
  /**
   * Runs Predict on the first n examples of the split (all by default) and counts the correct 0/1
   * predictions. With `record`, example i's logit is written to record[i].
   */
  countCorrect(split: Split, n?: number, record?: Float64Array): number;
  /**
   * Setup, training on the first nTrain examples, then validation on the first nValid examples,
   * in one step (the state is left as validation leaves it). Returns the correct count, or
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
  constructor(private readonly memory: { readonly state: Float64Array; readonly layout: Layout }) {}

  protected abstract runSetup(): void;
  protected abstract runPredict(): void;
  protected abstract runLearn(): void;

  setup(): void {
    this.runSetup();
  }

  train(split: Split, n: number, record?: Float64Array): number {
    const { state: mem, layout } = this.memory;
    const F = layout.F;
    // Scalars sit first in the layout, at their own addresses.
    const features = vectorAt(layout, FEATURES_VECTOR);
    n = Math.min(n, split.n);
    for (let e = 0; e < n; e++) {
      mem.set(split.x.subarray(e * F, e * F + F), features);
      mem[LABEL_SCALAR] = 0;
      this.runPredict();
      const prediction = (mem[PREDICTION_SCALAR] = sigmoid(mem[PREDICTION_SCALAR]!));
      if (record) record[e] = prediction;
      const label = split.y[e]!;
      const error = Math.abs(label - prediction);
      if (Number.isNaN(error) || error > MAX_ABS_ERROR) return -(e + 1);
      mem[LABEL_SCALAR] = label;
      this.runLearn();
    }
    return n;
  }

  countCorrect(split: Split, n = split.n, record?: Float64Array): number {
    const { state: mem, layout } = this.memory;
    const F = layout.F;
    const features = vectorAt(layout, FEATURES_VECTOR);
    let correct = 0;
    n = Math.min(n, split.n);
    for (let e = 0; e < n; e++) {
      mem.set(split.x.subarray(e * F, e * F + F), features);
      mem[LABEL_SCALAR] = 0;
      this.runPredict();
      if (record) record[e] = mem[PREDICTION_SCALAR]!;
      if (isCorrect(split.y[e]!, mem[PREDICTION_SCALAR]!)) correct++;
    }
    return correct;
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
    return this.countCorrect(valid, nValid, record?.subarray(Math.min(nTrain, train.n)));
  }
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
