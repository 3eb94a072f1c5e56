/**
 * Where the prediction goes after the evaluator has read it. In training the evaluator replaces
 * s1 with its sigmoid before Learn; most evolved programs never look at that value again (Learn
 * reads the label and the features, and the next Predict overwrites s1 before reading it). For
 * them the sigmoid only serves the early-stop check, which a compiled engine can then reduce to
 * "s1 is NaN" on most examples (see loopFunction in src-worker/eval/wasm/compile.ts): the sigmoid
 * was 15% of the search's time.
 *
 * The check is syntactic and conservative: any instruction that reads s1 counts, even one whose
 * result is dead, so that the engine's whole state (not only its predictions) stays bit-identical
 * with the JS engine's.
 */
import { OPS } from './ops';
import { PREDICTION_SCALAR, type Instruction, type Program } from './program';

type Flow = 'read' | 'overwritten' | 'untouched';

/** What happens first to s1 in a straight-line function: read, overwritten, or neither. */
function firstUse(code: readonly Instruction[]): Flow {
  for (const ins of code) {
    const spec = OPS[ins.op]!;
    const reads =
      (spec.in1 === 's' && ins.in1 === PREDICTION_SCALAR) ||
      (spec.in2 === 's' && ins.in2 === PREDICTION_SCALAR);
    if (reads) return 'read';
    if (spec.out === 's' && ins.out === PREDICTION_SCALAR) return 'overwritten';
  }
  return 'untouched';
}

/**
 * Whether the squashed prediction that training leaves in s1 can be read by the program: by Learn,
 * or (when Learn leaves s1 alone) by the next Predict, or as the next prediction itself when
 * Predict never writes s1.
 */
export function readsSquashedPrediction(p: Program): boolean {
  const inLearn = firstUse(p.learn);
  if (inLearn !== 'untouched') return inLearn === 'read';
  return firstUse(p.predict) !== 'overwritten';
}
