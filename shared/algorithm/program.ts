/**
 * The program IR: three component functions (Setup, Predict, Learn) of instructions over a typed
 * memory of scalars, F-vectors and F×F matrices, as in AutoML-Zero.
 */
import { OPS, dataFieldCount, isFloat32Data, type Kind, type OpSpec } from './ops';

export interface Instruction {
  /** Op code, an index into OPS. */
  readonly op: number;
  /** Input addresses; 0 where the op has no such input. */
  readonly in1: number;
  readonly in2: number;
  /** Output address; 0 for NO_OP. */
  readonly out: number;
  /** Data fields d0..d2 (see DataKind); 0 where unused. */
  readonly data: readonly [number, number, number];
}

export type ComponentName = 'setup' | 'predict' | 'learn';
export const COMPONENTS: readonly ComponentName[] = ['setup', 'predict', 'learn'];

export interface Program {
  readonly setup: readonly Instruction[];
  readonly predict: readonly Instruction[];
  readonly learn: readonly Instruction[];
}

/** Address counts per memory kind. s0 is the label, s1 the prediction, v0 the features. */
export interface MemoryShape {
  readonly scalars: number;
  readonly vectors: number;
  readonly matrices: number;
}

/** AutoML-Zero's CIFAR setup. */
export const DEFAULT_MEMORY: MemoryShape = { scalars: 5, vectors: 9, matrices: 2 };

export const LABEL_SCALAR = 0;
export const PREDICTION_SCALAR = 1;
export const FEATURES_VECTOR = 0;

/**
 * First writable address per kind. s0 (label) and v0 (features) are written by the evaluator
 * only, exactly as AutoML-Zero's kFirstOut*Address.
 */
export const FIRST_OUT: Readonly<Record<Kind, number>> = { s: 1, v: 1, m: 0 };

/** Hard limits on what any program may be, whatever the track says. */
export interface ProgramLimits {
  readonly setup: number;
  readonly predict: number;
  readonly learn: number;
}

/** Generous ceilings for programs read from outside; tracks may set tighter ones. */
export const MAX_PROGRAM_LIMITS: ProgramLimits = { setup: 256, predict: 256, learn: 256 };

export function kindCount(shape: MemoryShape, kind: Kind): number {
  return kind === 's' ? shape.scalars : kind === 'v' ? shape.vectors : shape.matrices;
}

export function instruction(
  op: number,
  args: { in1?: number; in2?: number; out?: number; data?: readonly number[] } = {},
): Instruction {
  const spec = OPS[op];
  if (!spec) throw new RangeError(`unknown op code ${op}`);
  const d = args.data ?? [];
  const data: [number, number, number] = [d[0] ?? 0, d[1] ?? 0, d[2] ?? 0];
  if (isFloat32Data(spec.data)) for (let i = 0; i < 3; i++) data[i] = Math.fround(data[i]!);
  return {
    op,
    in1: spec.in1 ? (args.in1 ?? 0) : 0,
    in2: spec.in2 ? (args.in2 ?? 0) : 0,
    out: spec.out ? (args.out ?? 0) : 0,
    data,
  };
}

export const NOOP: Instruction = instruction(0);

/** A problem found in a program: where and why. */
export interface ProgramIssue {
  readonly component: ComponentName;
  readonly index: number;
  readonly reason: string;
}

/**
 * Checks a program against a memory shape and limits. Returns every problem found, empty when
 * the program is valid. Used on every program that comes from outside (text, network, disk).
 */
export function checkProgram(
  program: Program,
  shape: MemoryShape = DEFAULT_MEMORY,
  limits: ProgramLimits = MAX_PROGRAM_LIMITS,
): ProgramIssue[] {
  const issues: ProgramIssue[] = [];
  for (const component of COMPONENTS) {
    const list = program[component];
    if (!Array.isArray(list)) {
      issues.push({ component, index: -1, reason: 'component function is missing' });
      continue;
    }
    if (list.length > limits[component]) {
      issues.push({
        component,
        index: -1,
        reason: `${list.length} instructions, the limit is ${limits[component]}`,
      });
    }
    list.forEach((ins, index) => {
      const reason = instructionIssue(ins, shape);
      if (reason) issues.push({ component, index, reason });
    });
  }
  return issues;
}

function addressIssue(
  spec: OpSpec,
  role: 'in1' | 'in2' | 'out',
  value: number,
  shape: MemoryShape,
): string | null {
  const kind = spec[role];
  if (!kind) return value === 0 ? null : `${role} must be 0 for ${spec.name}`;
  const count = kindCount(shape, kind);
  const first = role === 'out' ? FIRST_OUT[kind] : 0;
  if (!Number.isInteger(value) || value < first || value >= count) {
    return `${role} address ${kind}${value} is outside ${kind}${first}..${kind}${count - 1}`;
  }
  return null;
}

export function instructionIssue(ins: Instruction, shape: MemoryShape): string | null {
  const spec = Number.isInteger(ins?.op) ? OPS[ins.op] : undefined;
  if (!spec) return `unknown op ${String(ins?.op)}`;
  for (const role of ['in1', 'in2', 'out'] as const) {
    const issue = addressIssue(spec, role, ins[role], shape);
    if (issue) return issue;
  }
  if (!Array.isArray(ins.data) || ins.data.length !== 3) return 'data must hold 3 numbers';
  const used = dataFieldCount(spec.data);
  for (let i = 0; i < 3; i++) {
    const v = ins.data[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) return `constant ${i} is not a finite number`;
    if (i >= used && !Object.is(v, 0))
      return `constant ${i} is unused by ${spec.name} and must be 0`;
    if (i < used && isFloat32Data(spec.data) && Math.fround(v) !== v) {
      return `constant ${i} is not a float32 value`;
    }
  }
  if (spec.data === 'vset' || spec.data === 'mset') {
    const indices = spec.data === 'vset' ? 1 : 2;
    for (let i = 0; i < indices; i++) {
      const f = ins.data[i]!;
      if (!(f >= 0 && f < 1)) return `index fraction ${f} is outside [0, 1)`;
    }
  }
  if (spec.data === 'gaussian' && ins.data[1]! < 0) return 'standard deviation is negative';
  return null;
}

export function programSize(p: Program): number {
  return p.setup.length + p.predict.length + p.learn.length;
}

export function instructionsEqual(a: Instruction, b: Instruction): boolean {
  return (
    a.op === b.op &&
    a.in1 === b.in1 &&
    a.in2 === b.in2 &&
    a.out === b.out &&
    Object.is(a.data[0], b.data[0]) &&
    Object.is(a.data[1], b.data[1]) &&
    Object.is(a.data[2], b.data[2])
  );
}

export function programsEqual(a: Program, b: Program): boolean {
  return COMPONENTS.every(
    (c) => a[c].length === b[c].length && a[c].every((ins, i) => instructionsEqual(ins, b[c][i]!)),
  );
}
