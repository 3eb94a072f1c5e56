/**
 * The training cost of a program: about how many arithmetic operations one training step
 * (Predict + Learn on one example) takes for feature size F. The search refuses programs above a
 * budget, as AutoML-Zero's TrainBudget does, so an evolved program cannot win by being huge and
 * no candidate can stall a worker.
 */
import { OPS } from './ops';
import type { Instruction, Program } from './program';

/** Elementary operations for one instruction at feature size F. */
export function instructionCost(ins: Instruction, F: number): number {
  const spec = OPS[ins.op]!;
  if (!spec.out) return 0;
  if (ins.op === 43) return F * F * F; // matmul
  if (ins.op >= 7 && ins.op <= 14) return 10; // transcendental scalar functions
  const size = (kind: 's' | 'v' | 'm' | null) => (kind === 'm' ? F * F : kind === 'v' ? F : 1);
  // The larger of what is read and what is written: a reduction reads F², a broadcast writes F².
  const work = Math.max(size(spec.out), size(spec.in1), size(spec.in2));
  return spec.random ? 10 * work : work;
}

export function componentCost(list: readonly Instruction[], F: number): number {
  return list.reduce((sum, ins) => sum + instructionCost(ins, F), 0);
}

/** Cost of one training step: Predict and Learn (Setup runs once and is not counted). */
export function trainStepCost(p: Program, F: number): number {
  return componentCost(p.predict, F) + componentCost(p.learn, F);
}
