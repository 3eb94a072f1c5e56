/**
 * A program's score on the miner's own tasks, deterministic: one epoch, the random ops drawn from
 * the search's evaluation seed, as validators score (on their hidden tasks). The search itself may
 * give each evaluation fresh random draws, so its fitness can be a lucky draw; what a miner claims
 * by, and what it shows as the record's score, is this one. Runs on the calling thread: one
 * evaluation, tens of milliseconds for the programs a track allows.
 */
import type { Program } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import type { SearchConfig } from '../../shared/search/config';
import { type TaskData, metricOf } from '../../shared/task/types';
import { evaluateProgram } from '../../src-worker/eval/evaluate';
import { WasmEngine } from '../../src-worker/eval/wasm/engine';

export function localScore(
  program: Program,
  config: SearchConfig,
  tasks: readonly TaskData[],
  /** The random ops' seed: validators use their track's (DirectMiner passes it). */
  evalSeed = config.evalSeed,
): number {
  const engine = new WasmEngine(config.memory, config.tasks.features, new Rng(0), metricOf(tasks));
  return evaluateProgram(engine, program, tasks, {
    seed: evalSeed,
    trainExamples: config.tasks.train,
  }).fitness;
}
