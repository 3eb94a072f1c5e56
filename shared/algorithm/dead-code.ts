/**
 * Dead-code elimination: the program without the instructions whose results can never reach a
 * prediction. Evolution leaves many of them (a Learn of 20 instructions often keeps a few; the
 * rest write registers nothing reads, outer products among them), and the search pays for each on
 * every training step. The stripped program computes the same predictions bit for bit, so the
 * search may evaluate it in place of the original.
 *
 * Liveness follows the evaluation loop of evaluate.ts: memory starts zeroed, Setup runs once, then
 * for each example the harness writes the features (v0) and 0 (s0), Predict runs, the harness
 * reads the prediction (s1), replaces it with its sigmoid, writes the label (s0) and Learn runs;
 * validation repeats Predict the same way. Memory carries over between all of these, so liveness
 * is a fixed point around the loop. It is "strong" liveness: an instruction that is itself dead
 * keeps nothing alive.
 *
 * Kept even when their result is dead: ops that draw from the random stream (removing one would
 * shift every later draw) and NoOps are dropped. Ops that write one element of a vector or matrix
 * (the indexed const sets) do not kill the rest of it.
 */
import { OPS, type Kind } from './ops';
import {
  FEATURES_VECTOR,
  LABEL_SCALAR,
  PREDICTION_SCALAR,
  type Instruction,
  type MemoryShape,
  type Program,
} from './program';

/** One flag per memory address: scalars, then vectors, then matrices. */
type Live = Uint8Array;

function slots(shape: MemoryShape): { base: Record<Kind, number>; size: number } {
  const base = { s: 0, v: shape.scalars, m: shape.scalars + shape.vectors };
  return { base, size: shape.scalars + shape.vectors + shape.matrices };
}

/** Whether an instruction writes its whole output (and so kills what the output held). */
function writesWhole(ins: Instruction): boolean {
  const data = OPS[ins.op]!.data;
  return data !== 'vset' && data !== 'mset';
}

/**
 * Runs one function backwards from `liveOut`: marks the instructions to keep in `keep` and returns
 * what is live on entry.
 */
function throughFunction(
  code: readonly Instruction[],
  liveOut: Live,
  base: Record<Kind, number>,
  keep: Uint8Array,
): Live {
  const live = liveOut.slice();
  for (let i = code.length - 1; i >= 0; i--) {
    const ins = code[i]!;
    const spec = OPS[ins.op]!;
    keep[i] = 0;
    if (!spec.out) continue; // NoOp
    const out = base[spec.out] + ins.out;
    if (!live[out] && !spec.random) continue;
    keep[i] = 1;
    // A partial write leaves the rest of its output as it was: that stays live.
    if (writesWhole(ins)) live[out] = 0;
    if (spec.in1) live[base[spec.in1] + ins.in1] = 1;
    if (spec.in2) live[base[spec.in2] + ins.in2] = 1;
  }
  return live;
}

function union(a: Live, b: Live): Live {
  const out = a.slice();
  for (let i = 0; i < out.length; i++) out[i] = out[i]! | b[i]!;
  return out;
}

function equal(a: Live, b: Live): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The program without its dead instructions (see the module comment). */
export function withoutDeadCode(program: Program, shape: MemoryShape): Program {
  const { base, size } = slots(shape);
  const s0 = base.s + LABEL_SCALAR;
  const s1 = base.s + PREDICTION_SCALAR;
  const v0 = base.v + FEATURES_VECTOR;
  const keepPredict = new Uint8Array(program.predict.length);
  const keepLearn = new Uint8Array(program.learn.length);
  const keepSetup = new Uint8Array(program.setup.length);

  /** What is live just before the harness writes v0 and s0 for Predict. */
  const beforeExample = (predictIn: Live): Live => {
    const live = predictIn.slice();
    live[v0] = 0;
    live[s0] = 0;
    return live;
  };

  // Iterate to the fixed point: live sets only grow, over finitely many addresses.
  let predictIn: Live = new Uint8Array(size);
  let learnIn: Live = new Uint8Array(size);
  for (;;) {
    // After Predict the harness reads s1 (then, in training, overwrites it and s0 before Learn;
    // in validation the next example follows, or the end).
    const afterLearnHarness = learnIn.slice();
    afterLearnHarness[s1] = 0;
    afterLearnHarness[s0] = 0;
    const predictOut = union(afterLearnHarness, beforeExample(predictIn));
    predictOut[s1] = 1;
    const nextPredictIn = throughFunction(program.predict, predictOut, base, keepPredict);
    const nextLearnIn = throughFunction(
      program.learn,
      beforeExample(nextPredictIn),
      base,
      keepLearn,
    );
    if (equal(nextPredictIn, predictIn) && equal(nextLearnIn, learnIn)) break;
    predictIn = union(predictIn, nextPredictIn);
    learnIn = union(learnIn, nextLearnIn);
  }
  throughFunction(program.setup, beforeExample(predictIn), base, keepSetup);

  const kept = (code: readonly Instruction[], keep: Uint8Array) => code.filter((_, i) => keep[i]);
  return {
    setup: kept(program.setup, keepSetup),
    predict: kept(program.predict, keepPredict),
    learn: kept(program.learn, keepLearn),
  };
}
