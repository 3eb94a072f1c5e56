/**
 * What a validator runs to check a claim, on the worker side and without threads: a program's mean
 * validation score on the round's hidden tasks (accuracy, or the squashed RMS error of a teacher
 * track), and a fingerprint of what it computes.
 *
 * - The score is AutoML-Zero's fitness with one epoch and the track's evaluation seed, so it is the
 *   same bit for bit on every validator that builds the same tasks (WebAssembly arithmetic is
 *   IEEE-deterministic and every random op draws from a stream seeded by (seed, task)).
 * - The fingerprint is the functional-equivalence idea of the search (search-evaluator.ts) used for
 *   priority between copies: the predictions on the first examples of a few fixed public tasks,
 *   hashed. A program and a copy of it with dead code or renamed registers compute the same
 *   predictions and so share a fingerprint; the earlier commitment of that fingerprint wins.
 */
import { createHash } from 'node:crypto';
import { trainStepCost } from '../../shared/algorithm/cost';
import { DslError, parseProgram } from '../../shared/algorithm/dsl';
import { checkProgram, DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import type { Track } from '../../shared/protocol/track';
import { trackMetric } from '../../shared/protocol/track-metric';
import type { TaskData } from '../../shared/task/types';
import { evaluateProgram, taskStreamSeed } from '../eval/evaluate';
import { WasmEngine } from '../eval/wasm/engine';

/** Why a program was not scored. */
export type JudgeErrorCode = 'BAD_PROGRAM' | 'TOO_COSTLY';

export class JudgeError extends Error {
  constructor(
    readonly code: JudgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JudgeError';
  }
}

/** Training and validation examples per probe task that a fingerprint records. */
export const FINGERPRINT_TRAIN = 100;
export const FINGERPRINT_VALID = 100;

/**
 * Reads a program from its text and checks it against the memory every validator uses and the
 * hard instruction limits; throws JudgeError('BAD_PROGRAM') naming line and column of the first
 * problem.
 */
export function readProgram(text: string): Program {
  const parsed = parseProgram(text, { shape: DEFAULT_MEMORY });
  if (!parsed.ok) throw new JudgeError('BAD_PROGRAM', new DslError(parsed.errors).message);
  const issues = checkProgram(parsed.program, DEFAULT_MEMORY);
  const first = issues[0];
  if (first) {
    throw new JudgeError(
      'BAD_PROGRAM',
      `${first.component} instruction ${first.index + 1}: ${first.reason}`,
    );
  }
  return parsed.program;
}

function checkTasks(tasks: readonly TaskData[], track: Track): void {
  if (tasks.length === 0) throw new RangeError('no tasks to judge on');
  for (const t of tasks) {
    if (t.features !== track.features) {
      throw new RangeError(`task has F=${t.features}, the track says F=${track.features}`);
    }
    if (t.metric !== trackMetric(track)) {
      throw new RangeError(`task is scored by ${t.metric}, the track by ${trackMetric(track)}`);
    }
  }
}

/** Refuses (JudgeError 'TOO_COSTLY') a program whose training step costs more than the track allows. */
export function checkCost(program: Program, track: Track): void {
  const cost = trainStepCost(program, track.features);
  if (cost > track.maxStepCost) {
    throw new JudgeError(
      'TOO_COSTLY',
      `training step costs ${cost}, the track allows at most ${track.maxStepCost}`,
    );
  }
}

/**
 * Mean validation accuracy over the tasks (one epoch, evaluation seed track.evalSeed), and each
 * task's accuracy in order. A fresh engine per call: the tasks are copied into its memory once.
 */
export function scoreOnTasks(
  program: Program,
  tasks: TaskData[],
  track: Track,
): { score: number; perTask: number[] } {
  checkTasks(tasks, track);
  checkCost(program, track);
  const engine = new WasmEngine(DEFAULT_MEMORY, track.features, undefined, trackMetric(track));
  const result = evaluateProgram(engine, program, tasks, { seed: track.evalSeed, epochs: 1 });
  return { score: result.fitness, perTask: result.tasks.map((t) => t.fitness) };
}

/**
 * The program's predictions on the first FINGERPRINT_TRAIN training and FINGERPRINT_VALID
 * validation examples of each probe task (training predictions after the sigmoid, validation
 * logits; zeros after an example where training stopped early), run from zeroed memory with the
 * random stream of the task's evaluation, every NaN made the same NaN, written as little-endian
 * float64 and hashed with SHA-256: 64 hex digits.
 */
export function behaviourFingerprint(
  program: Program,
  probeTasks: TaskData[],
  evalSeed = 0,
): string {
  if (probeTasks.length === 0) throw new RangeError('no probe tasks');
  const { features: F, metric } = probeTasks[0]!;
  const engine = new WasmEngine(DEFAULT_MEMORY, F, undefined, metric);
  const runner = engine.prepare(program);
  const hash = createHash('sha256');
  for (const task of probeTasks) {
    if (task.features !== F || task.metric !== metric)
      throw new RangeError('probe tasks differ in feature size or metric');
    const nTrain = Math.min(FINGERPRINT_TRAIN, task.train.n);
    const nValid = Math.min(FINGERPRINT_VALID, task.valid.n);
    const record = new Float64Array(nTrain + nValid);
    engine.state.fill(0);
    engine.rng.reseed(taskStreamSeed(evalSeed, task));
    runner.runTask(task.train, nTrain, task.valid, nValid, record);
    // One NaN for all (a NaN's payload bits may depend on how V8 compiled the code), and one
    // byte order for all, so every machine hashes the same bytes.
    const bytes = new Uint8Array(record.length * 8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < record.length; i++) {
      const v = record[i]!;
      if (Number.isNaN(v)) {
        view.setUint32(i * 8, 0, true);
        view.setUint32(i * 8 + 4, 0x7ff80000, true);
      } else {
        view.setFloat64(i * 8, v, true);
      }
    }
    hash.update(bytes);
  }
  return hash.digest('hex');
}
