/**
 * The worker-thread side of pool mining: piscina calls this with one work unit at a time. The
 * pool's tasks arrive once per thread through workerData (shared memory); the engine lives as long
 * as the thread. A unit that cannot run comes back as a refusal, not a crash.
 */
import { workerData } from 'node:worker_threads';
import type { WorkResult, WorkUnit } from '../../shared/pool/units';
import type { SearchConfig } from '../../shared/search/config';
import { type TaskData, metricOf } from '../../shared/task/types';
import { WasmEngine } from '../eval/wasm/engine';
import { runUnit, UnitError } from './run-unit';

export interface UnitWorkerData {
  readonly config: SearchConfig;
  readonly tasks: readonly TaskData[];
}

export type UnitJobResult =
  | { readonly ok: true; readonly result: WorkResult }
  | { readonly ok: false; readonly reason: string };

const { config, tasks } = workerData as UnitWorkerData;
const engine = new WasmEngine(config.memory, config.tasks.features, undefined, metricOf(tasks));

export default function runUnitJob(unit: WorkUnit): UnitJobResult {
  try {
    return { ok: true, result: runUnit(unit, config, tasks, engine) };
  } catch (err) {
    if (err instanceof UnitError) return { ok: false, reason: err.message };
    throw err;
  }
}
