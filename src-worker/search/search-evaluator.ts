/**
 * Scores candidates for the search: the training-cost budget first, then the
 * functional-equivalence cache (FEC), then the full evaluation on every search task.
 *
 * FEC (Real et al. 2020, section 4.2): most mutations do not change what a program computes. A
 * candidate is run on the first few training and validation examples of every task with the same
 * random stream as its full evaluation; the recorded predictions are hashed, and a candidate whose
 * hash was seen before gets the cached fitness without the full evaluation.
 *
 * The fingerprint runs on the JS engine, which needs no code generation; only a candidate
 * the cache has not seen is compiled for the full evaluation. Compiling WebAssembly takes
 * process-wide locks in V8, so compiling every candidate kept island threads from scaling.
 *
 * Random draws: the fingerprint always uses the fixed stream of config.evalSeed (it names what a
 * program computes); with `randomDraws: 'fresh'` the full evaluation draws from a stream the
 * caller picks per candidate, so a program whose random ops were lucky once is not lucky forever.
 * A cached fitness is then one sample, and the caller asks now and then for it to be measured
 * again (`remeasure`).
 *
 * Progressive evaluation (`hurdleTasks`): the first tasks are scored, and the rest only if their
 * mean beats the hurdle the caller gives (the population's median). Most children of a search
 * are worse than the median, so most full evaluations stop after a fraction of the tasks. Tasks
 * differ in difficulty (cat vs dog is harder than automobile vs frog), so the mean over the first
 * few is a biased estimate of the mean over all: the evaluator learns that bias from candidates
 * scored in full without a hurdle (the initial population, and the share of children the caller
 * lets through unconditionally: the ones that passed a hurdle had lucky first tasks and would
 * overstate it) and takes it off, both for the comparison and for the fitness a stopped candidate
 * gets (its estimated mean over all tasks, cached like any fitness).
 */
import { createHash } from 'node:crypto';
import { programDigest } from '../../shared/algorithm/canonical';
import { trainStepCost } from '../../shared/algorithm/cost';
import { withoutDeadCode } from '../../shared/algorithm/dead-code';
import type { Program } from '../../shared/algorithm/program';
import { Rng, mixSeeds } from '../../shared/random/rng';
import type { SearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { JsEngine } from '../eval/js-engine';
import type { Engine, Runner } from '../eval/engine';
import { evaluateOnTask, evaluateProgram, taskStreamSeed } from '../eval/evaluate';
import { FecTable, type FecKey } from './fec-table';

/** What the search says about one candidate's evaluation (all optional: a plain score by default). */
export interface ScoreOptions {
  /** Picks the random ops' stream of the full evaluation when config.randomDraws is 'fresh'. */
  readonly drawSeed?: number;
  /** Evaluate in full even when the cache knows the fingerprint, and replace what it holds. */
  readonly remeasure?: boolean;
  /**
   * The fitness the first config.hurdleTasks tasks must beat for the rest to be run. Without one
   * the candidate is scored in full, and its scores teach the evaluator the first tasks' bias.
   */
  readonly hurdle?: number;
}

export interface CandidateScore {
  readonly fitness: number;
  /** Scored from the cache without a full evaluation. */
  readonly cached: boolean;
  /** Refused by the training-cost budget (fitness 0, nothing run). */
  readonly refused: boolean;
  /** Training steps run, the fingerprint's included. */
  readonly trainSteps: number;
  /** Stopped at the hurdle: the fitness is estimated from the first config.hurdleTasks tasks. */
  readonly hurdled: boolean;
}

/** Unhurdled full evaluations the bias is learned from before any candidate is stopped. */
const HURDLE_WARMUP = 20;
/** The bias is a running mean over about this many recent full evaluations. */
const HURDLE_BIAS_WINDOW = 200;

/** Fixed-stream fitnesses kept (oldest dropped first). */
const FIXED_CACHE_SIZE = 256;

export class SearchEvaluator {
  private readonly cache: FecTable | null;
  private readonly fixed = new Map<string, number>();
  /** (mean over the first hurdleTasks tasks) − (mean over all), averaged over full evaluations. */
  private hurdleBias = 0;
  private hurdleSamples = 0;
  private readonly record: Float64Array;
  /** Runs the fingerprints: the same memory layout as `engine`, its own state and random stream. */
  private readonly quick: JsEngine;

  constructor(
    private readonly engine: Engine,
    private readonly tasks: readonly TaskData[],
    private readonly config: SearchConfig,
    /** The FEC shared by the search's threads (see fec-table.ts); a table of its own if none. */
    cache?: FecTable,
  ) {
    const { fec } = config;
    this.cache = fec.enabled ? (cache ?? new FecTable(FecTable.allocate(fec.cacheSize))) : null;
    this.record = new Float64Array(tasks.length * (fec.trainExamples + fec.validExamples));
    this.quick = new JsEngine(engine.layout.shape, engine.layout.F, new Rng(0), engine.metric);
  }

  score(original: Program, options: ScoreOptions = {}): CandidateScore {
    // The budget judges the program as written (as validators do); the rest runs without its dead
    // code, which computes the same predictions bit for bit, in a fraction of the time.
    if (trainStepCost(original, this.engine.layout.F) > this.config.maxStepCost) {
      return { fitness: 0, cached: false, refused: true, trainSteps: 0, hurdled: false };
    }
    const program = withoutDeadCode(original, this.engine.layout.shape);
    let trainSteps = 0;
    let key: FecKey | null = null;
    if (this.cache) {
      const print = this.fingerprint(this.quick.prepare(program));
      trainSteps += print.trainSteps;
      key = print.key;
      const known = options.remeasure ? undefined : this.cache.get(key);
      if (known !== undefined) {
        return { fitness: known, cached: true, refused: false, trainSteps, hurdled: false };
      }
    }
    const runner = this.engine.prepare(program);
    const { config, tasks } = this;
    const seed =
      config.randomDraws === 'fresh' && options.drawSeed !== undefined
        ? mixSeeds(config.evalSeed, options.drawSeed)
        : config.evalSeed;
    const settings = { seed, trainExamples: config.tasks.train };
    // Tasks scored before the hurdle; 0 when there is none (then every task is scored).
    const hurdleAt = config.hurdleTasks < tasks.length ? config.hurdleTasks : 0;
    const hurdle = this.hurdleSamples >= HURDLE_WARMUP ? options.hurdle : undefined;
    let sum = 0;
    let scored = 0;
    let firstMean = 0;
    for (const task of tasks) {
      if (scored === hurdleAt && scored > 0) {
        firstMean = sum / scored;
        if (hurdle !== undefined && firstMean - this.hurdleBias <= hurdle) break;
      }
      const score = evaluateOnTask(this.engine, runner, task, settings);
      sum += score.fitness;
      trainSteps += score.trainSteps;
      scored++;
    }
    const stopped = scored < tasks.length;
    let fitness: number;
    if (stopped) {
      fitness = Math.min(1, Math.max(0, firstMean - this.hurdleBias));
    } else {
      fitness = sum / scored;
      if (hurdleAt > 0 && options.hurdle === undefined) {
        this.hurdleSamples++;
        const weight = 1 / Math.min(this.hurdleSamples, HURDLE_BIAS_WINDOW);
        this.hurdleBias += (firstMean - fitness - this.hurdleBias) * weight;
      }
    }
    if (key !== null) this.cache!.set(key, fitness);
    return { fitness, cached: false, refused: false, trainSteps, hurdled: stopped };
  }

  /**
   * The program's fitness with the fixed random stream of config.evalSeed, on every task, without
   * the cache: what a claim, a pool check and a validator compute (on their tasks). Programs
   * without random ops have no other fitness; for the others it is cached here by digest, since
   * the same few best programs are asked for batch after batch.
   */
  fixedFitness(program: Program): number {
    const digest = programDigest(program);
    const known = this.fixed.get(digest);
    if (known !== undefined) return known;
    const { fitness } = evaluateProgram(
      this.engine,
      withoutDeadCode(program, this.engine.layout.shape),
      this.tasks,
      { seed: this.config.evalSeed, trainExamples: this.config.tasks.train },
    );
    if (this.fixed.size >= FIXED_CACHE_SIZE) this.fixed.delete(this.fixed.keys().next().value!);
    this.fixed.set(digest, fitness);
    return fitness;
  }

  /** The predictions on the first few examples of every task, hashed. */
  private fingerprint(runner: Runner): { key: FecKey; trainSteps: number } {
    const { trainExamples, validExamples } = this.config.fec;
    const record = this.record;
    record.fill(0);
    let at = 0;
    let trainSteps = 0;
    for (const task of this.tasks) {
      this.quick.state.fill(0);
      this.quick.rng.reseed(taskStreamSeed(this.config.evalSeed, task));
      // Training that stops early records up to the stopping example (NaN or a large error) and
      // leaves zeros after it, which is what tells it apart; validation is not run then.
      const out = record.subarray(at, at + trainExamples + validExamples);
      const result = runner.runTask(task.train, trainExamples, task.valid, validExamples, out);
      trainSteps += result < 0 ? -result : trainExamples;
      at += trainExamples + validExamples;
    }
    // One NaN for all: a NaN's payload bits may depend on how V8 compiled the code that made it.
    for (let i = 0; i < record.length; i++) if (Number.isNaN(record[i])) record[i] = NaN;
    const bytes = new Uint8Array(record.buffer, record.byteOffset, record.byteLength);
    // Native SHA-256: a candidate is hashed in about a microsecond; nothing here needs secrecy.
    // 128 bits of it are the key: no collision is expected among billions of fingerprints.
    const digest = createHash('sha256').update(bytes).digest();
    const key: FecKey = [
      digest.readInt32LE(0),
      digest.readInt32LE(4),
      digest.readInt32LE(8),
      digest.readInt32LE(12),
    ];
    return { key, trainSteps };
  }
}
