/**
 * AutoML-Zero's mutations (mutator.cc, Instruction::AlterParam/AlterData): with probability
 * `probability` the child is the parent changed by one mutation drawn uniformly from `types`,
 * applied to one component function drawn uniformly from those with allowed ops; otherwise the
 * child is an exact copy. A mutation that cannot apply (inserting into a full function, removing
 * from one at its minimum, altering an empty one) leaves the child unchanged, as in the C++; the
 * functional-equivalence cache makes such children nearly free to score.
 *
 * Constants change on a log scale (and flip sign with probability 0.1) and are clamped to the
 * finite range of their type, so a mutated program is always a valid one.
 */
import type { Rng } from '../random/rng';
import {
  randomInstruction,
  randomInAddress,
  randomOutAddress,
  uniformFraction,
  type ComponentOps,
  type ComponentSizes,
} from './generate';
import { OPS } from './ops';
import {
  COMPONENTS,
  instruction,
  type ComponentName,
  type Instruction,
  type MemoryShape,
  type Program,
} from './program';

export const MUTATION_TYPES = [
  'alterParam',
  'randomizeInstruction',
  'randomizeComponent',
  'insertInstruction',
  'removeInstruction',
  'insertConnected',
] as const;
export type MutationType = (typeof MUTATION_TYPES)[number];

export interface MutationSettings {
  /** Probability that a child is mutated at all (AutoML-Zero: 0.9). */
  readonly probability: number;
  readonly types: readonly MutationType[];
  /** Ops each component may draw; a component with none is never mutated. */
  readonly ops: ComponentOps;
  readonly minSizes: ComponentSizes;
  readonly maxSizes: ComponentSizes;
}

export interface Mutation {
  readonly program: Program;
  /** What was done: a mutation type, or 'copy' when the child was not mutated. */
  readonly type: MutationType | 'copy';
  readonly component: ComponentName | null;
}

const SIGN_FLIP_PROBABILITY = 0.1;
const FLOAT32_MAX = 3.4028234663852886e38;

/** AutoML-Zero's MutateActivationLogScale / MutateFloatLogScale: v → ±exp(log|v| + N(0, 1)). */
function logScale(rng: Rng, value: number, float32: boolean): number {
  const step = rng.gaussian(0, 1);
  const magnitude = Math.exp(Math.log(Math.abs(value)) + step);
  const max = float32 ? FLOAT32_MAX : Number.MAX_VALUE;
  const clamped = Math.min(magnitude, max);
  const signed = value > 0 ? clamped : -clamped;
  return float32 ? Math.fround(signed) : signed;
}

function logScaleOrFlip(rng: Rng, value: number, float32: boolean): number {
  return rng.uniform() < SIGN_FLIP_PROBABILITY ? -value : logScale(rng, value, float32);
}

/** AutoML-Zero's Instruction::AlterData: nudges one data field of a data-carrying op. */
function alterData(rng: Rng, ins: Instruction): Instruction {
  const spec = OPS[ins.op]!;
  const d: [number, number, number] = [...ins.data];
  switch (spec.data) {
    case 'none':
      return ins;
    case 'const':
      d[0] = logScaleOrFlip(rng, d[0], false);
      break;
    case 'vset':
      if (rng.int(2) === 0) d[0] = uniformFraction(rng);
      else d[1] = logScaleOrFlip(rng, d[1], true);
      break;
    case 'mset': {
      const which = rng.int(3);
      if (which < 2) d[which] = uniformFraction(rng);
      else d[2] = logScaleOrFlip(rng, d[2], true);
      break;
    }
    case 'gaussian':
      if (rng.int(2) === 0) d[0] = logScaleOrFlip(rng, d[0], true);
      else d[1] = logScale(rng, d[1], true); // a standard deviation keeps its sign
      break;
    case 'uniform': {
      const which = rng.int(2);
      d[which] = logScaleOrFlip(rng, d[which]!, true);
      const [low, high] = [Math.min(d[0], d[1]), Math.max(d[0], d[1])];
      d[0] = low;
      d[1] = high;
      break;
    }
  }
  return { ...ins, data: d };
}

/** AutoML-Zero's Instruction::AlterParam: changes one address or, for data ops, out or data. */
export function alterParam(rng: Rng, ins: Instruction, shape: MemoryShape): Instruction {
  const spec = OPS[ins.op]!;
  if (!spec.out) return ins; // NO_OP
  if (spec.data !== 'none') {
    return rng.int(2) === 0
      ? { ...ins, out: randomOutAddress(rng, spec.out, shape) }
      : alterData(rng, ins);
  }
  const roles = spec.in2 ? (['in1', 'in2', 'out'] as const) : (['in1', 'out'] as const);
  const role = roles[rng.int(roles.length)]!;
  const kind = spec[role]!;
  const address =
    role === 'out' ? randomOutAddress(rng, kind, shape) : randomInAddress(rng, kind, shape);
  return { ...ins, [role]: address };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** One child of `parent`. Deterministic for a given Rng state. */
export function mutate(
  rng: Rng,
  parent: Program,
  settings: MutationSettings,
  shape: MemoryShape,
): Mutation {
  if (!(rng.uniform() < settings.probability))
    return { program: parent, type: 'copy', component: null };
  const type = pick(rng, settings.types);
  const components = COMPONENTS.filter((c) => settings.ops[c].length > 0);
  if (components.length === 0) return { program: parent, type, component: null };
  const component = pick(rng, components);
  const list = [...parent[component]];
  const ops = settings.ops[component];
  switch (type) {
    case 'alterParam':
      if (list.length > 0) {
        const i = rng.int(list.length);
        list[i] = alterParam(rng, list[i]!, shape);
      }
      break;
    case 'randomizeInstruction':
      if (list.length > 0) {
        const i = rng.int(list.length);
        list[i] = randomInstruction(rng, pick(rng, ops), shape);
      }
      break;
    case 'randomizeComponent':
      for (let i = 0; i < list.length; i++) list[i] = randomInstruction(rng, pick(rng, ops), shape);
      break;
    case 'insertInstruction':
      if (list.length < settings.maxSizes[component]) {
        const at = rng.int(list.length + 1);
        list.splice(at, 0, randomInstruction(rng, pick(rng, ops), shape));
      }
      break;
    case 'removeInstruction':
      if (list.length > settings.minSizes[component]) list.splice(rng.int(list.length), 1);
      break;
    case 'insertConnected':
      if (list.length < settings.maxSizes[component]) insertConnected(rng, list, ops, shape);
      break;
  }
  return { program: { ...parent, [component]: list }, type, component };
}

/**
 * Not in AutoML-Zero: inserts a random instruction, then makes one later instruction of the same
 * function read its result (an input of the matching type, drawn uniformly), when there is one.
 * A plain insertion is almost always dead code, and an insertion pays only once a second mutation
 * wires it in (the step from `v = y · x` to `v = (y − ŷ) · x` needs both): this does the two at
 * once.
 */
function insertConnected(
  rng: Rng,
  list: Instruction[],
  ops: readonly number[],
  shape: MemoryShape,
): void {
  const at = rng.int(list.length + 1);
  const added = randomInstruction(rng, pick(rng, ops), shape);
  list.splice(at, 0, added);
  const kind = OPS[added.op]!.out;
  if (!kind) return;
  const readers: Array<[number, 'in1' | 'in2']> = [];
  for (let j = at + 1; j < list.length; j++) {
    const spec = OPS[list[j]!.op]!;
    if (spec.in1 === kind) readers.push([j, 'in1']);
    if (spec.in2 === kind) readers.push([j, 'in2']);
  }
  if (readers.length === 0) return;
  const [j, role] = pick(rng, readers);
  list[j] = { ...list[j]!, [role]: added.out };
}

/** A program of NoOps at the given sizes: AutoML-Zero's empty starting algorithm. */
export function emptyProgram(sizes: ComponentSizes): Program {
  const noop = instruction(0);
  return {
    setup: Array.from({ length: sizes.setup }, () => noop),
    predict: Array.from({ length: sizes.predict }, () => noop),
    learn: Array.from({ length: sizes.learn }, () => noop),
  };
}
