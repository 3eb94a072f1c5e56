/** The evaluator's public face: engines and the evaluation loop. */
import type { MemoryShape } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import type { Engine } from './engine';
import { InterpreterEngine } from './interpreter';
import { WasmEngine } from './wasm/engine';

export type EngineKind = 'wasm' | 'interpreter';
export const ENGINE_KINDS: readonly EngineKind[] = ['wasm', 'interpreter'];

/** The WebAssembly engine unless asked for the (much slower) reference interpreter. */
export function createEngine(kind: EngineKind, shape: MemoryShape, F: number): Engine {
  return kind === 'interpreter'
    ? new InterpreterEngine(shape, F, new Rng(0))
    : new WasmEngine(shape, F, new Rng(0));
}

export type { Engine, Runner } from './engine';
export {
  evaluateOnTask,
  evaluateProgram,
  type EvalSettings,
  type ProgramScore,
  type TaskScore,
} from './evaluate';
