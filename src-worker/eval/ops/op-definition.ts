/**
 * What an op is to the engines: its JavaScript step (the executable specification, run by the JS
 * engine) and its WebAssembly emitter (run by the compiler), side by side so that one edit changes
 * both and the differential test compares them.
 */
import type { OpName } from '../../../shared/algorithm/ops';
import type { Instruction } from '../../../shared/algorithm/program';
import type { Rng } from '../../../shared/random/rng';
import type { FunctionCode } from '../wasm/function-code';

export type Step = () => void;

/** An instruction's operands, as addresses into the JS engine's state `m`. */
export interface Operands {
  readonly m: Float64Array;
  readonly F: number;
  /** F · F: the length of a matrix. */
  readonly FF: number;
  /** Scalar operands are addressed by their index. */
  readonly in1: number;
  readonly in2: number;
  readonly out: number;
  /** Vector and matrix operands by their first element. */
  readonly vA: number;
  readonly vB: number;
  readonly vO: number;
  readonly mA: number;
  readonly mB: number;
  readonly mO: number;
  /** The scratch area (F · F values). */
  readonly t: number;
  readonly d0: number;
  readonly d1: number;
  readonly d2: number;
  /** The engine's random stream at the time the step runs. */
  readonly rng: () => Rng;
}

export interface OpDefinition {
  /** Binds the instruction's addresses once and returns the step that runs it. */
  readonly js: (o: Operands) => Step;
  /** Emits the instruction into a function body; must reproduce `js` bit for bit. */
  readonly wasm: (f: FunctionCode, ins: Instruction) => void;
}

/** The ops that set a register to a constant or to random draws (set-ops.ts). */
export type SetOpName = Extract<OpName, `${string}_SET_OP`>;
/** The other ops whose name starts with the prefix, e.g. `VECTOR`. */
export type OpsNamed<Prefix extends string> = Exclude<
  Extract<OpName, `${Prefix}_${string}`>,
  SetOpName
>;
/** One family's table: every op of the family has an entry, or the file does not compile. */
export type OpFamily<N extends OpName> = { readonly [K in N]: OpDefinition };
