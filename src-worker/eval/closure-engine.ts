/**
 * The closure engine: each instruction becomes a small JavaScript closure with its addresses bound,
 * so a program is ready to run without generating any code.
 *
 * Why a third engine: the search fingerprints every candidate for the functional-equivalence cache
 * (FEC) on a few examples, and most candidates (over 90%) are then answered from the cache. Compiling
 * each one to WebAssembly just for that is costly in a way that does not scale: V8 compiles and
 * instantiates WebAssembly modules under process-wide locks, so two island threads compiling at once
 * go no faster than one. Closures come from a fixed set of factories, so V8 optimizes them once and
 * every thread runs them in parallel; only the candidates the cache has not seen are compiled.
 *
 * Results are bit-identical to the reference interpreter (the differential test runs all three
 * engines): the same reduction orders (`laneSum` there), the same exp, the same random draws.
 */
import { OPS, floatToIndex } from '../../shared/algorithm/ops';
import type { Instruction, MemoryShape, Program } from '../../shared/algorithm/program';
import type { Rng } from '../../shared/random/rng';
import { LoopRunner, type Engine, type Runner } from './engine';
import { exp } from './exp';
import { makeLayout, type Layout } from './layout';

type Step = () => void;

export class ClosureEngine implements Engine {
  readonly name = 'closures';
  readonly layout: Layout;
  readonly state: Float64Array;
  rng: Rng;

  constructor(shape: MemoryShape, F: number, rng: Rng) {
    this.layout = makeLayout(shape, F);
    this.state = new Float64Array(this.layout.totalLength);
    this.rng = rng;
  }

  prepare(program: Program): Runner {
    const bind = (list: readonly Instruction[]) => list.map((ins) => this.bind(ins));
    return new ClosureRunner(this, bind(program.setup), bind(program.predict), bind(program.learn));
  }

  /** The instruction as a closure over this engine's memory, its addresses computed once. */
  private bind(ins: Instruction): Step {
    const m = this.state;
    const { F, vectorBase, matrixBase, scratch: t } = this.layout;
    const FF = F * F;
    const { in1, in2, out } = ins;
    const [d0, d1, d2] = ins.data;
    // Scalars are addressed by their index; vector and matrix operands by their first element.
    const vA = vectorBase + in1 * F,
      vB = vectorBase + in2 * F,
      vO = vectorBase + out * F;
    const mA = matrixBase + in1 * FF,
      mB = matrixBase + in2 * FF,
      mO = matrixBase + out * FF;
    const rng = () => this.rng;

    switch (ins.op) {
      case 0:
        return () => {};
      case 1:
        return () => void (m[out] = m[in1]! + m[in2]!);
      case 2:
        return () => void (m[out] = m[in1]! - m[in2]!);
      case 3:
        return () => void (m[out] = m[in1]! * m[in2]!);
      case 4:
        return () => void (m[out] = m[in1]! / m[in2]!);
      case 5:
        return () => void (m[out] = Math.abs(m[in1]!));
      case 6:
        return () => void (m[out] = 1 / m[in1]!);
      case 7:
        return () => void (m[out] = Math.sin(m[in1]!));
      case 8:
        return () => void (m[out] = Math.cos(m[in1]!));
      case 9:
        return () => void (m[out] = Math.tan(m[in1]!));
      case 10:
        return () => void (m[out] = Math.asin(m[in1]!));
      case 11:
        return () => void (m[out] = Math.acos(m[in1]!));
      case 12:
        return () => void (m[out] = Math.atan(m[in1]!));
      case 13:
        return () => void (m[out] = exp(m[in1]!));
      case 14:
        return () => void (m[out] = Math.log(m[in1]!));
      case 15:
        return () => void (m[out] = m[in1]! >= 0 ? 1 : 0);
      case 16:
        return map1(m, vO, vA, F, (x) => (x > 0 ? 1 : 0));
      case 17:
        return map1(m, mO, mA, FF, (x) => (x > 0 ? 1 : 0));
      case 18:
        return scale(m, vO, in1, vB, F);
      case 19:
        return () => void m.fill(m[in1]!, vO, vO + F);
      case 20:
        return map1(m, vO, vA, F, (x) => 1 / x);
      case 21:
        return () => void (m[out] = Math.sqrt(sumOfSquares(m, vA, F)));
      case 22:
        return map1(m, vO, vA, F, Math.abs);
      case 23:
        return () => {
          for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! + m[vB + i]!;
        };
      case 24:
        return () => {
          for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! - m[vB + i]!;
        };
      case 25:
        return () => {
          for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! * m[vB + i]!;
        };
      case 26:
        return () => {
          for (let i = 0; i < F; i++) m[vO + i] = m[vA + i]! / m[vB + i]!;
        };
      case 27:
        return () => void (m[out] = dot(m, vA, vB, F));
      case 28:
        return () => {
          for (let r = 0; r < F; r++) {
            const x = m[vA + r]!;
            for (let c = 0; c < F; c++) m[mO + r * F + c] = x * m[vB + c]!;
          }
        };
      case 29:
        return scale(m, mO, in1, mB, FF);
      case 30:
        return map1(m, mO, mA, FF, (x) => 1 / x);
      case 31:
        return () => {
          for (let r = 0; r < F; r++) m[t + r] = dot(m, mA + r * F, vB, F);
          m.copyWithin(vO, t, t + F);
        };
      case 32:
        return () => {
          for (let r = 0; r < F; r++) m.fill(m[vA + r]!, mO + r * F, mO + r * F + F);
        };
      case 33:
        return () => {
          for (let r = 0; r < F; r++) m.copyWithin(mO + r * F, vA, vA + F);
        };
      case 34:
        return () => void (m[out] = Math.sqrt(sumOfSquares(m, mA, FF)));
      case 35:
        return () => {
          for (let c = 0; c < F; c++) {
            let acc = m[mA + c]! * m[mA + c]!;
            for (let r = 1; r < F; r++) acc += m[mA + r * F + c]! * m[mA + r * F + c]!;
            m[t + c] = Math.sqrt(acc);
          }
          m.copyWithin(vO, t, t + F);
        };
      case 36:
        return () => {
          for (let r = 0; r < F; r++) m[t + r] = Math.sqrt(sumOfSquares(m, mA + r * F, F));
          m.copyWithin(vO, t, t + F);
        };
      case 37:
        return () => {
          for (let r = 0; r < F; r++)
            for (let c = 0; c < F; c++) m[t + r * F + c] = m[mA + c * F + r]!;
          m.copyWithin(mO, t, t + FF);
        };
      case 38:
        return map1(m, mO, mA, FF, Math.abs);
      case 39:
        return () => {
          for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! + m[mB + i]!;
        };
      case 40:
        return () => {
          for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! - m[mB + i]!;
        };
      case 41:
        return () => {
          for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! * m[mB + i]!;
        };
      case 42:
        return () => {
          for (let i = 0; i < FF; i++) m[mO + i] = m[mA + i]! / m[mB + i]!;
        };
      case 43:
        return () => {
          for (let r = 0; r < F; r++) {
            for (let c = 0; c < F; c++) {
              let acc = m[mA + r * F]! * m[mB + c]!;
              for (let k = 1; k < F; k++) acc += m[mA + r * F + k]! * m[mB + k * F + c]!;
              m[t + r * F + c] = acc;
            }
          }
          m.copyWithin(mO, t, t + FF);
        };
      case 44:
        return () => void (m[out] = Math.min(m[in1]!, m[in2]!));
      case 45:
        return map2(m, vO, vA, vB, F, Math.min);
      case 46:
        return map2(m, mO, mA, mB, FF, Math.min);
      case 47:
        return () => void (m[out] = Math.max(m[in1]!, m[in2]!));
      case 48:
        return map2(m, vO, vA, vB, F, Math.max);
      case 49:
        return map2(m, mO, mA, mB, FF, Math.max);
      case 50:
        return () => void (m[out] = sum(m, vA, F) / F);
      case 51:
        return () => void (m[out] = sum(m, mA, FF) / FF);
      case 52:
        return () => {
          for (let r = 0; r < F; r++) m[t + r] = sum(m, mA + r * F, F) / F;
          m.copyWithin(vO, t, t + F);
        };
      case 53:
        return () => {
          for (let r = 0; r < F; r++) m[t + r] = stdev(m, mA + r * F, F);
          m.copyWithin(vO, t, t + F);
        };
      case 54:
        return () => void (m[out] = stdev(m, vA, F));
      case 55:
        return () => void (m[out] = stdev(m, mA, FF));
      case 56:
        return () => void (m[out] = d0);
      case 57: {
        const at = vO + floatToIndex(d0, F);
        return () => void (m[at] = d1);
      }
      case 58: {
        const at = mO + floatToIndex(d0, F) * F + floatToIndex(d1, F);
        return () => void (m[at] = d2);
      }
      case 59:
        return () => void (m[out] = rng().uniformIn(d0, d1));
      case 60:
        return fill(m, vO, F, () => rng().uniformIn(d0, d1));
      case 61:
        return fill(m, mO, FF, () => rng().uniformIn(d0, d1));
      case 62:
        return () => void (m[out] = rng().gaussian(d0, d1));
      case 63:
        return fill(m, vO, F, () => rng().gaussian(d0, d1));
      case 64:
        return fill(m, mO, FF, () => rng().gaussian(d0, d1));
      default:
        throw new RangeError(`unknown op ${ins.op} (${OPS[ins.op]?.name ?? '?'})`);
    }
  }
}

// Reductions in the interpreter's canonical two-lane order: even and odd terms summed separately
// from the first, added at the end. n is even.

function sum(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]!;
  let a1 = m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]!;
    a1 += m[a + i + 1]!;
  }
  return a0 + a1;
}

function sumOfSquares(m: Float64Array, a: number, n: number): number {
  let a0 = m[a]! * m[a]!;
  let a1 = m[a + 1]! * m[a + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[a + i]!;
    a1 += m[a + i + 1]! * m[a + i + 1]!;
  }
  return a0 + a1;
}

function dot(m: Float64Array, a: number, b: number, n: number): number {
  let a0 = m[a]! * m[b]!;
  let a1 = m[a + 1]! * m[b + 1]!;
  for (let i = 2; i < n; i += 2) {
    a0 += m[a + i]! * m[b + i]!;
    a1 += m[a + i + 1]! * m[b + i + 1]!;
  }
  return a0 + a1;
}

/** The population standard deviation as the interpreter computes it: sqrt(E[x²] − E[x]²). */
function stdev(m: Float64Array, a: number, n: number): number {
  const mean = sum(m, a, n) / n;
  return Math.sqrt(sumOfSquares(m, a, n) / n - mean * mean);
}

// Elementwise ops write element i right after reading it, so in-place use is exact.

function map1(m: Float64Array, o: number, a: number, n: number, f: (x: number) => number): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!);
  };
}

function map2(
  m: Float64Array,
  o: number,
  a: number,
  b: number,
  n: number,
  f: (x: number, y: number) => number,
): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!, m[b + i]!);
  };
}

/** out = s[k] · a, the scalar read before anything is written. */
function scale(m: Float64Array, o: number, k: number, a: number, n: number): Step {
  return () => {
    const x = m[k]!;
    for (let i = 0; i < n; i++) m[o + i] = x * m[a + i]!;
  };
}

/** Draws n values in element order. */
function fill(m: Float64Array, o: number, n: number, draw: () => number): Step {
  return () => {
    for (let i = 0; i < n; i++) m[o + i] = draw();
  };
}

class ClosureRunner extends LoopRunner {
  constructor(
    engine: ClosureEngine,
    private readonly setupSteps: readonly Step[],
    private readonly predictSteps: readonly Step[],
    private readonly learnSteps: readonly Step[],
  ) {
    super(engine);
  }

  protected runSetup(): void {
    run(this.setupSteps);
  }

  protected runPredict(): void {
    run(this.predictSteps);
  }

  protected runLearn(): void {
    run(this.learnSteps);
  }
}

function run(steps: readonly Step[]): void {
  for (let i = 0; i < steps.length; i++) steps[i]!();
}
