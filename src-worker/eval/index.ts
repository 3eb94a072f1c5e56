/** The evaluator's public face: engines and the evaluation loop. */
import type { MemoryShape } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import type { TaskMetric } from '../../shared/task/types';
import type { Engine } from './engine';
import { JsEngine } from './js-engine';
import { WasmEngine } from './wasm/engine';

export type EngineKind = 'wasm' | 'js';
export const ENGINE_KINDS: readonly EngineKind[] = ['wasm', 'js'];

/**
 * The WebAssembly engine unless asked for the (slower) reference JS engine, for tasks of feature
 * size F scored by `metric`.
 */
export function createEngine(
  kind: EngineKind,
  shape: MemoryShape,
  F: number,
  metric: TaskMetric = 'accuracy',
): Engine {
  return kind === 'js'
    ? new JsEngine(shape, F, new Rng(0), metric)
    : new WasmEngine(shape, F, new Rng(0), metric);
}

export type { Engine, Runner } from './engine';
export {
  evaluateOnTask,
  evaluateProgram,
  type EvalSettings,
  type ProgramScore,
  type TaskScore,
} from './evaluate';
