/**
 * The AutoML-Zero evaluation loop (executor.h, evaluator.cc), engine-independent:
 * wipe memory, Setup once, then per epoch Predict → sigmoid → early-stop check → Learn over the
 * training examples in order with memory shared across examples, then Predict on the validation
 * examples; fitness is the best validation score over epochs, averaged over tasks. The score is
 * the accuracy on CIFAR-10 tasks; on teacher regression tasks there is no sigmoid and the score
 * is 1 − (2/π)·atan(RMS error) (engine.ts, scoreOf).
 *
 * Differences from the C++, each on purpose:
 * - Random ops draw from a stream seeded by (evaluation seed, task), so (program, task, seed)
 *   fixes the score bit for bit; the C++ shares one unseeded-per-task stream across the search.
 * - Validation runs on a snapshot: it cannot change the state training continues from (the C++
 *   lets Predict's writes during validation leak into the next epoch). Test accuracy is measured
 *   the same way, so asking for it does not change the validation score.
 * - Epochs after the first visit the training examples in a permutation seeded by the task.
 */
import { mixSeeds } from '../../shared/random/rng';
import { isTeacherTask, type Split, type TaskData } from '../../shared/task/types';
import { scoreOf, type Engine, type Runner } from './engine';
import type { Program } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';

export interface EvalSettings {
  /** Seed of the random ops' stream; with the task it fixes every draw. */
  readonly seed: number;
  /** Passes over the training examples (AutoML-Zero's num_train_epochs). Default 1. */
  readonly epochs?: number;
  /** Training examples per epoch, at most the split's size (the train budget may lower it). */
  readonly trainExamples?: number;
  /** Also measure accuracy on the test split. */
  readonly test?: boolean;
}

export interface TaskScore {
  /** Best validation accuracy over epochs; 0 when training stopped early in the first epoch. */
  readonly fitness: number;
  /** Test accuracy after the epoch with the best validation accuracy (null unless asked). */
  readonly testAccuracy: number | null;
  /**
   * The best test accuracy over epochs (null unless asked): what AutoML-Zero's C++ reports when
   * handed the test split in place of the validation split. Optimistic; for comparison only.
   */
  readonly bestTestAccuracy: number | null;
  /** Training steps run (Predict + Learn on one example), including a step that stopped early. */
  readonly trainSteps: number;
  readonly stoppedEarly: boolean;
}

export interface ProgramScore {
  /** Mean of the task fitnesses. */
  readonly fitness: number;
  readonly testAccuracy: number | null;
  readonly trainSteps: number;
  readonly tasks: readonly TaskScore[];
}

/** The numbers that name a task in the seeds derived from it. */
function taskSeedParts(id: TaskData['id']): number[] {
  if (isTeacherTask(id)) return [TEACHER_TAG, id.teacher === 'linear' ? 1 : 2, id.seed];
  return [id.positive, id.negative, id.seed];
}
const TEACHER_TAG = 0x74636872;

/** The seed of a task's random stream for a given evaluation seed. */
export function taskStreamSeed(seed: number, task: TaskData): number {
  return mixSeeds(seed, ...taskSeedParts(task.id));
}

const epochCache = new WeakMap<TaskData, Split[]>();

/** The training examples of epoch e: in order for e = 0, then seeded permutations (cached). */
export function epochSplit(task: TaskData, epoch: number): Split {
  if (epoch === 0) return task.train;
  let epochs = epochCache.get(task);
  if (!epochs) epochCache.set(task, (epochs = []));
  const cached = epochs[epoch];
  if (cached) return cached;
  const { n, x, y } = task.train;
  const F = task.features;
  const order = new Rng(mixSeeds(0x65706f63, ...taskSeedParts(task.id), epoch)).shuffle(
    Array.from({ length: n }, (_, i) => i),
  );
  const px = new Float64Array(n * F);
  const py = new Float64Array(n);
  order.forEach((from, to) => {
    px.set(x.subarray(from * F, from * F + F), to * F);
    py[to] = y[from]!;
  });
  return (epochs[epoch] = { n, x: px, y: py });
}

/** The score on a split, measured from a snapshot of state and random stream then restored. */
function scoreOn(engine: Engine, runner: Runner, split: Split): number {
  const state = engine.state.slice(0, engine.layout.stateLength);
  const rngState = engine.rng.state.slice();
  const total = runner.validate(split);
  engine.state.set(state);
  engine.rng.state.set(rngState);
  return scoreOf(engine.metric, total, split.n);
}

export function evaluateOnTask(
  engine: Engine,
  runner: Runner,
  task: TaskData,
  settings: EvalSettings,
): TaskScore {
  if (task.features !== engine.layout.F) {
    throw new RangeError(`task has F=${task.features}, engine was built for F=${engine.layout.F}`);
  }
  if (task.metric !== engine.metric) {
    throw new RangeError(`task is scored by ${task.metric}, engine was built for ${engine.metric}`);
  }
  const epochs = settings.epochs ?? 1;
  const perEpoch = Math.min(settings.trainExamples ?? task.train.n, task.train.n);
  engine.state.fill(0);
  engine.rng.reseed(taskStreamSeed(settings.seed, task));
  if (epochs === 1 && !settings.test) {
    // The search's case: nothing follows validation, so no snapshot is needed and the whole task
    // runs in one call into the engine.
    const result = runner.runTask(task.train, perEpoch, task.valid, task.valid.n);
    const stoppedEarly = result < 0;
    return {
      fitness: stoppedEarly ? 0 : scoreOf(engine.metric, result, task.valid.n),
      testAccuracy: null,
      bestTestAccuracy: null,
      trainSteps: stoppedEarly ? -result : perEpoch,
      stoppedEarly,
    };
  }
  runner.setup();

  let best = -1;
  let bestTest: number | null = null;
  let maxTest: number | null = null;
  let trainSteps = 0;
  let stoppedEarly = false;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const done = runner.train(epochSplit(task, epoch), perEpoch);
    if (done < 0) {
      trainSteps += -done;
      stoppedEarly = true;
      break;
    }
    trainSteps += done;
    const valid = scoreOn(engine, runner, task.valid);
    const test = settings.test ? scoreOn(engine, runner, task.test) : null;
    if (valid > best) {
      best = valid;
      bestTest = test;
    }
    if (test !== null && (maxTest === null || test > maxTest)) maxTest = test;
  }
  if (best < 0) {
    const zero = settings.test ? 0 : null;
    return { fitness: 0, testAccuracy: zero, bestTestAccuracy: zero, trainSteps, stoppedEarly };
  }
  return {
    fitness: best,
    testAccuracy: bestTest,
    bestTestAccuracy: maxTest,
    trainSteps,
    stoppedEarly,
  };
}

export function evaluateProgram(
  engine: Engine,
  program: Program,
  tasks: readonly TaskData[],
  settings: EvalSettings,
): ProgramScore {
  if (tasks.length === 0) throw new RangeError('no tasks to evaluate on');
  const runner = engine.prepare(program);
  const scores = tasks.map((task) => evaluateOnTask(engine, runner, task, settings));
  const mean = (f: (s: TaskScore) => number) =>
    scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return {
    fitness: mean((s) => s.fitness),
    testAccuracy: settings.test ? mean((s) => s.testAccuracy ?? 0) : null,
    trainSteps: scores.reduce((a, s) => a + s.trainSteps, 0),
    tasks: scores,
  };
}
