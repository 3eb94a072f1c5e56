/**
 * The worker-thread side of the search: piscina calls this with one island batch at a time.
 * Tasks and the functional-equivalence cache arrive once per thread through workerData (shared
 * memory, not copied per batch, the cache read and written by all threads); the engine lives as
 * long as the thread.
 */
import { workerData } from 'node:worker_threads';
import type { SearchConfig } from '../../shared/search/config';
import { type TaskData, metricOf } from '../../shared/task/types';
import { WasmEngine } from '../eval/wasm/engine';
import {
  runBatch,
  type BatchResult,
  type Individual,
  type IslandState,
  type LiveCounters,
} from './island';
import { FecTable } from './fec-table';
import { SearchEvaluator } from './search-evaluator';
import type { Program } from '../../shared/algorithm/program';

export interface IslandWorkerData {
  readonly tasks: readonly TaskData[];
  /** The memory of the search's FecTable. */
  readonly fec: SharedArrayBuffer;
}

export interface IslandJob {
  readonly island: IslandState;
  readonly config: SearchConfig;
  /** Identifies the config + tasks a cache belongs to; a new scope starts a new cache. */
  readonly scope: string;
  readonly maxIndividuals: number;
  readonly deadline: number;
  readonly stop: Int32Array;
  readonly live: LiveCounters;
  readonly migrants: readonly Individual[];
  readonly seeds: readonly Program[];
}

const evaluators = new Map<string, SearchEvaluator>();

function evaluatorFor(scope: string, config: SearchConfig): SearchEvaluator {
  let evaluator = evaluators.get(scope);
  if (!evaluator) {
    const { tasks, fec } = workerData as IslandWorkerData;
    const engine = new WasmEngine(config.memory, config.tasks.features, undefined, metricOf(tasks));
    evaluator = new SearchEvaluator(engine, tasks, config, new FecTable(fec));
    evaluators.clear(); // one search per thread at a time: free the previous engine's memory
    evaluators.set(scope, evaluator);
  }
  return evaluator;
}

export default function runIslandJob(job: IslandJob): BatchResult {
  const evaluator = evaluatorFor(job.scope, job.config);
  return runBatch(
    job.island,
    job.config,
    evaluator,
    { maxIndividuals: job.maxIndividuals, deadline: job.deadline, stop: job.stop },
    { migrants: job.migrants, seeds: job.seeds, live: job.live },
  );
}
