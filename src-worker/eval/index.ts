/** The evaluator's public face: engines and the evaluation loop. */
import type { MemoryShape } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import type { Engine } from './engine';
import { JsEngine } from './js-engine';
import { WasmEngine } from './wasm/engine';

export type EngineKind = 'wasm' | 'js';
export const ENGINE_KINDS: readonly EngineKind[] = ['wasm', 'js'];

/** The WebAssembly engine unless asked for the (slower) reference JS engine. */
export function createEngine(kind: EngineKind, shape: MemoryShape, F: number): Engine {
  return kind === 'js' ? new JsEngine(shape, F, new Rng(0)) : new WasmEngine(shape, F, new Rng(0));
}

export type { Engine, Runner } from './engine';
export {
  evaluateOnTask,
  evaluateProgram,
  type EvalSettings,
  type ProgramScore,
  type TaskScore,
} from './evaluate';
