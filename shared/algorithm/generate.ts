/**
 * Random instructions and programs with AutoML-Zero's parameter distributions
 * (`Instruction::SetOpAndRandomizeParams`, `RandomizeIn1/In2/Out/Data`). Draws go through the
 * project's seeded Rng in the C++ order (in1, in2, out, data), so a program is a pure function
 * of the seed. The mutation operators of the search build on the pieces exported here.
 */
import { NUM_OPS, OPS, type Kind, type OpSpec } from './ops';
import {
  COMPONENTS,
  FIRST_OUT,
  instruction,
  kindCount,
  type Instruction,
  type MemoryShape,
  type Program,
} from './program';
import type { Rng } from '../random/rng';

export interface ComponentSizes {
  readonly setup: number;
  readonly predict: number;
  readonly learn: number;
}

export interface ComponentOps {
  readonly setup: readonly number[];
  readonly predict: readonly number[];
  readonly learn: readonly number[];
}

/** Every op code, 0..64. */
export const ALL_OPS: readonly number[] = OPS.map((o) => o.code);

const ALL_COMPONENT_OPS: ComponentOps = { setup: ALL_OPS, predict: ALL_OPS, learn: ALL_OPS };

/** The largest float32 below 1: an index fraction must stay in [0, 1) after rounding. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/** An input address: any address of the kind, read-only ones included (C++ `*InAddress`). */
export function randomInAddress(rng: Rng, kind: Kind, shape: MemoryShape): number {
  const count = kindCount(shape, kind);
  if (count < 1) throw new RangeError(`memory has no ${kind} addresses to read`);
  return rng.int(count);
}

/** An output address: FIRST_OUT[kind]..count-1, never the label or the features (C++ `*OutAddress`). */
export function randomOutAddress(rng: Rng, kind: Kind, shape: MemoryShape): number {
  const first = FIRST_OUT[kind];
  const count = kindCount(shape, kind);
  if (count <= first) throw new RangeError(`memory has no writable ${kind} addresses`);
  return first + rng.int(count - first);
}

/** float32 U(low, high), as the C++ `UniformFloat`. */
function uniformFloat32(rng: Rng, low: number, high: number): number {
  return Math.fround(rng.uniformIn(low, high));
}

/** float32 U(0, 1) kept below 1: rounding to float32 can otherwise land exactly on 1. */
export function uniformFraction(rng: Rng): number {
  const x = Math.fround(rng.uniform());
  return x < 1 ? x : FLOAT32_BELOW_ONE;
}

/** Fresh data fields for an op, as the C++ `RandomizeData`; zeros for ops without data. */
export function randomData(rng: Rng, spec: OpSpec): [number, number, number] {
  switch (spec.data) {
    case 'none':
      return [0, 0, 0];
    case 'const':
      // activation_data_ is a double in the C++, hence no float32 rounding.
      return [rng.uniformIn(-1, 1), 0, 0];
    case 'vset': {
      const index = uniformFraction(rng);
      return [index, uniformFloat32(rng, -1, 1), 0];
    }
    case 'mset': {
      const row = uniformFraction(rng);
      const column = uniformFraction(rng);
      return [row, column, uniformFloat32(rng, -1, 1)];
    }
    case 'gaussian': {
      const mean = uniformFloat32(rng, -1, 1);
      return [mean, uniformFloat32(rng, 0, 1), 0];
    }
    case 'uniform': {
      // Independent bounds, not sorted: the C++ only sorts them when mutating.
      const low = uniformFloat32(rng, -1, 1);
      return [low, uniformFloat32(rng, -1, 1), 0];
    }
  }
}

/** An instruction with the given op and random parameters (C++ `SetOpAndRandomizeParams`). */
export function randomInstruction(rng: Rng, op: number, shape: MemoryShape): Instruction {
  const spec = OPS[op];
  if (!spec) throw new RangeError(`unknown op code ${op}`);
  const in1 = spec.in1 ? randomInAddress(rng, spec.in1, shape) : 0;
  const in2 = spec.in2 ? randomInAddress(rng, spec.in2, shape) : 0;
  const out = spec.out ? randomOutAddress(rng, spec.out, shape) : 0;
  const data = randomData(rng, spec);
  return instruction(op, { in1, in2, out, data });
}

/**
 * A random program: each function gets `sizes[c]` instructions whose ops are drawn uniformly
 * from `ops[c]` (all 65 by default; repeat a code to weight it).
 */
export function randomProgram(
  rng: Rng,
  shape: MemoryShape,
  sizes: ComponentSizes,
  ops: ComponentOps = ALL_COMPONENT_OPS,
): Program {
  const program: Record<(typeof COMPONENTS)[number], Instruction[]> = {
    setup: [],
    predict: [],
    learn: [],
  };
  for (const c of COMPONENTS) {
    const size = sizes[c];
    const choices = ops[c];
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`bad ${c} size ${size}`);
    if (size > 0 && choices.length === 0)
      throw new RangeError(`no ops to draw ${c} instructions from`);
    for (const code of choices) {
      if (!Number.isInteger(code) || code < 0 || code >= NUM_OPS)
        throw new RangeError(`unknown op code ${code}`);
    }
    for (let i = 0; i < size; i++) {
      const op = choices[rng.int(choices.length)]!;
      program[c].push(randomInstruction(rng, op, shape));
    }
  }
  return program;
}
