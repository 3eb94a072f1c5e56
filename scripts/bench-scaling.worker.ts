/**
 * Worker of bench:scaling: scores the same fixed list of candidates for a fixed time, through the
 * search's own evaluator (FEC fingerprint on the closure engine, full evaluation in WebAssembly).
 */
import { workerData } from 'node:worker_threads';
import { randomProgram } from '../shared/algorithm/generate';
import { Rng } from '../shared/random/rng';
import type { SearchConfig } from '../shared/search/config';
import type { TaskData } from '../shared/task/types';
import { WasmEngine } from '../src-worker/eval/wasm/engine';
import { SearchEvaluator } from '../src-worker/search/search-evaluator';

export interface ScalingJob {
  readonly config: SearchConfig;
  /** 'full': every candidate fully evaluated; 'fingerprint': every candidate a cache hit. */
  readonly mode: 'full' | 'fingerprint';
  readonly seconds: number;
}

export default function run(job: ScalingJob): number {
  const { tasks } = workerData as { tasks: TaskData[] };
  const { config } = job;
  const rng = new Rng(7);
  const sizes = { setup: 3, predict: 5, learn: 6 };
  const programs = Array.from({ length: 200 }, () => randomProgram(rng, config.memory, sizes));
  const fec = { ...config.fec, enabled: job.mode === 'fingerprint' };
  const evaluator = new SearchEvaluator(new WasmEngine(config.memory, 16), tasks, {
    ...config,
    fec,
  });
  for (const p of programs) evaluator.score(p); // warm-up; fills the cache for 'fingerprint'
  const started = performance.now();
  let scored = 0;
  while (performance.now() - started < job.seconds * 1000)
    evaluator.score(programs[scored++ % programs.length]!);
  return scored / ((performance.now() - started) / 1000);
}
