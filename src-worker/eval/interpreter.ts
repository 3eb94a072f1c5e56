/**
 * The reference interpreter: the executable specification of every op's semantics. It is plain
 * and slow on purpose; the WebAssembly compiler must reproduce its results bit for bit, which the
 * differential test checks on thousands of random programs.
 *
 * Semantics follow AutoML-Zero's executor.h, with the floating-point details pinned down so that a
 * score is reproducible anywhere:
 * - Reductions over F values use two interleaved partial sums (even and odd indices, each in index
 *   order, starting from the first term) added at the end: `laneSum`. That is the order a 2-lane
 *   SIMD loop produces, so the fast path can use SIMD and still agree exactly.
 * - Matrix products and column norms accumulate over k (rows) in order, starting from the first term.
 * - min/max propagate NaN and order −0 below +0 (Math.min/max, WebAssembly f64.min/max).
 * - Scalar heaviside is x ≥ 0, vector and matrix heaviside x > 0, as in the C++.
 * - Random ops draw from the evaluation's Rng in element order (row-major for matrices).
 */
import { OPS, floatToIndex } from '../../shared/algorithm/ops';
import type { Instruction, Program } from '../../shared/algorithm/program';
import type { Rng } from '../../shared/random/rng';
import { LoopRunner, type Engine, type Runner } from './engine';
import { exp } from './exp';
import { makeLayout, type Layout } from './layout';
import type { MemoryShape } from '../../shared/algorithm/program';

/** Sum of f(i) for i in [0, n), n even, in the canonical two-lane order. */
function laneSum(n: number, f: (i: number) => number): number {
  let a0 = f(0);
  let a1 = f(1);
  for (let i = 2; i < n; i += 2) {
    a0 += f(i);
    a1 += f(i + 1);
  }
  return a0 + a1;
}

export class InterpreterEngine implements Engine {
  readonly name = 'interpreter';
  readonly layout: Layout;
  readonly state: Float64Array;
  rng: Rng;

  constructor(shape: MemoryShape, F: number, rng: Rng) {
    this.layout = makeLayout(shape, F);
    this.state = new Float64Array(this.layout.totalLength);
    this.rng = rng;
  }

  prepare(program: Program): Runner {
    return new InterpretedRunner(this, program);
  }
}

class InterpretedRunner extends LoopRunner {
  constructor(
    private readonly engine: InterpreterEngine,
    private readonly program: Program,
  ) {
    super(engine);
  }

  protected runSetup(): void {
    for (const ins of this.program.setup) this.exec(ins);
  }

  protected runPredict(): void {
    for (const ins of this.program.predict) this.exec(ins);
  }

  protected runLearn(): void {
    for (const ins of this.program.learn) this.exec(ins);
  }

  private exec(ins: Instruction): void {
    const m = this.engine.state;
    const { F, vectorBase, matrixBase } = this.engine.layout;
    const rng = this.engine.rng;
    const FF = F * F;
    const s = (a: number) => a;
    const v = (a: number) => vectorBase + a * F;
    const mx = (a: number) => matrixBase + a * FF;
    const { in1, in2, out } = ins;
    const [d0, d1, d2] = ins.data;

    // Elementwise helpers: out[i] = f(i) over n values starting at the given bases. Writing
    // element i only after reading element i keeps in-place use exact.
    const map1 = (o: number, a: number, n: number, f: (x: number) => number) => {
      for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!);
    };
    const map2 = (
      o: number,
      a: number,
      b: number,
      n: number,
      f: (x: number, y: number) => number,
    ) => {
      for (let i = 0; i < n; i++) m[o + i] = f(m[a + i]!, m[b + i]!);
    };
    // Writes n values computed into a temporary first, for ops whose output may alias an input.
    const viaTemp = (o: number, n: number, f: (i: number) => number) => {
      const tmp = new Float64Array(n);
      for (let i = 0; i < n; i++) tmp[i] = f(i);
      m.set(tmp, o);
    };
    const rowSum = (base: number, f: (x: number) => number) => laneSum(F, (i) => f(m[base + i]!));

    switch (ins.op) {
      case 0: // NO_OP
        return;
      case 1:
        m[s(out)] = m[s(in1)]! + m[s(in2)]!;
        return;
      case 2:
        m[s(out)] = m[s(in1)]! - m[s(in2)]!;
        return;
      case 3:
        m[s(out)] = m[s(in1)]! * m[s(in2)]!;
        return;
      case 4:
        m[s(out)] = m[s(in1)]! / m[s(in2)]!;
        return;
      case 5:
        m[s(out)] = Math.abs(m[s(in1)]!);
        return;
      case 6:
        m[s(out)] = 1 / m[s(in1)]!;
        return;
      case 7:
        m[s(out)] = Math.sin(m[s(in1)]!);
        return;
      case 8:
        m[s(out)] = Math.cos(m[s(in1)]!);
        return;
      case 9:
        m[s(out)] = Math.tan(m[s(in1)]!);
        return;
      case 10:
        m[s(out)] = Math.asin(m[s(in1)]!);
        return;
      case 11:
        m[s(out)] = Math.acos(m[s(in1)]!);
        return;
      case 12:
        m[s(out)] = Math.atan(m[s(in1)]!);
        return;
      case 13:
        m[s(out)] = exp(m[s(in1)]!);
        return;
      case 14:
        m[s(out)] = Math.log(m[s(in1)]!);
        return;
      case 15:
        m[s(out)] = m[s(in1)]! >= 0 ? 1 : 0;
        return;
      case 16:
        map1(v(out), v(in1), F, (x) => (x > 0 ? 1 : 0));
        return;
      case 17:
        map1(mx(out), mx(in1), FF, (x) => (x > 0 ? 1 : 0));
        return;
      case 18: {
        const k = m[s(in1)]!;
        map1(v(out), v(in2), F, (x) => k * x);
        return;
      }
      case 19:
        m.fill(m[s(in1)]!, v(out), v(out) + F);
        return;
      case 20:
        map1(v(out), v(in1), F, (x) => 1 / x);
        return;
      case 21:
        m[s(out)] = Math.sqrt(rowSum(v(in1), (x) => x * x));
        return;
      case 22:
        map1(v(out), v(in1), F, Math.abs);
        return;
      case 23:
        map2(v(out), v(in1), v(in2), F, (x, y) => x + y);
        return;
      case 24:
        map2(v(out), v(in1), v(in2), F, (x, y) => x - y);
        return;
      case 25:
        map2(v(out), v(in1), v(in2), F, (x, y) => x * y);
        return;
      case 26:
        map2(v(out), v(in1), v(in2), F, (x, y) => x / y);
        return;
      case 27: {
        const a = v(in1),
          b = v(in2);
        m[s(out)] = laneSum(F, (i) => m[a + i]! * m[b + i]!);
        return;
      }
      case 28: {
        // outer(a, b)[r][c] = a[r] * b[c]
        const a = v(in1),
          b = v(in2),
          o = mx(out);
        for (let r = 0; r < F; r++)
          for (let c = 0; c < F; c++) m[o + r * F + c] = m[a + r]! * m[b + c]!;
        return;
      }
      case 29: {
        const k = m[s(in1)]!;
        map1(mx(out), mx(in2), FF, (x) => k * x);
        return;
      }
      case 30:
        map1(mx(out), mx(in1), FF, (x) => 1 / x);
        return;
      case 31: {
        // dot(M, x)[r] = laneSum over row r
        const a = mx(in1),
          b = v(in2);
        viaTemp(v(out), F, (r) => laneSum(F, (i) => m[a + r * F + i]! * m[b + i]!));
        return;
      }
      case 32: {
        const a = v(in1),
          o = mx(out);
        for (let r = 0; r < F; r++) m.fill(m[a + r]!, o + r * F, o + r * F + F);
        return;
      }
      case 33: {
        const a = v(in1),
          o = mx(out);
        for (let r = 0; r < F; r++) m.copyWithin(o + r * F, a, a + F);
        return;
      }
      case 34: {
        const a = mx(in1);
        m[s(out)] = Math.sqrt(laneSum(FF, (i) => m[a + i]! * m[a + i]!));
        return;
      }
      case 35: {
        // column norms: sum over rows in order
        const a = mx(in1);
        viaTemp(v(out), F, (c) => {
          let acc = m[a + c]! * m[a + c]!;
          for (let r = 1; r < F; r++) acc += m[a + r * F + c]! * m[a + r * F + c]!;
          return Math.sqrt(acc);
        });
        return;
      }
      case 36: {
        const a = mx(in1);
        viaTemp(v(out), F, (r) => Math.sqrt(rowSum(a + r * F, (x) => x * x)));
        return;
      }
      case 37: {
        const a = mx(in1);
        viaTemp(mx(out), FF, (i) => m[a + (i % F) * F + Math.floor(i / F)]!);
        return;
      }
      case 38:
        map1(mx(out), mx(in1), FF, Math.abs);
        return;
      case 39:
        map2(mx(out), mx(in1), mx(in2), FF, (x, y) => x + y);
        return;
      case 40:
        map2(mx(out), mx(in1), mx(in2), FF, (x, y) => x - y);
        return;
      case 41:
        map2(mx(out), mx(in1), mx(in2), FF, (x, y) => x * y);
        return;
      case 42:
        map2(mx(out), mx(in1), mx(in2), FF, (x, y) => x / y);
        return;
      case 43: {
        // matmul: sum over k in order
        const a = mx(in1),
          b = mx(in2);
        viaTemp(mx(out), FF, (i) => {
          const r = Math.floor(i / F),
            c = i % F;
          let acc = m[a + r * F]! * m[b + c]!;
          for (let k = 1; k < F; k++) acc += m[a + r * F + k]! * m[b + k * F + c]!;
          return acc;
        });
        return;
      }
      case 44:
        m[s(out)] = Math.min(m[s(in1)]!, m[s(in2)]!);
        return;
      case 45:
        map2(v(out), v(in1), v(in2), F, Math.min);
        return;
      case 46:
        map2(mx(out), mx(in1), mx(in2), FF, Math.min);
        return;
      case 47:
        m[s(out)] = Math.max(m[s(in1)]!, m[s(in2)]!);
        return;
      case 48:
        map2(v(out), v(in1), v(in2), F, Math.max);
        return;
      case 49:
        map2(mx(out), mx(in1), mx(in2), FF, Math.max);
        return;
      case 50:
        m[s(out)] = rowSum(v(in1), (x) => x) / F;
        return;
      case 51:
        m[s(out)] = laneSum(FF, (i) => m[mx(in1) + i]!) / FF;
        return;
      case 52: {
        const a = mx(in1);
        viaTemp(v(out), F, (r) => rowSum(a + r * F, (x) => x) / F);
        return;
      }
      case 53: {
        const a = mx(in1);
        viaTemp(v(out), F, (r) => {
          const mean = rowSum(a + r * F, (x) => x) / F;
          return Math.sqrt(rowSum(a + r * F, (x) => x * x) / F - mean * mean);
        });
        return;
      }
      case 54: {
        const mean = rowSum(v(in1), (x) => x) / F;
        m[s(out)] = Math.sqrt(rowSum(v(in1), (x) => x * x) / F - mean * mean);
        return;
      }
      case 55: {
        const a = mx(in1);
        const mean = laneSum(FF, (i) => m[a + i]!) / FF;
        m[s(out)] = Math.sqrt(laneSum(FF, (i) => m[a + i]! * m[a + i]!) / FF - mean * mean);
        return;
      }
      case 56:
        m[s(out)] = d0;
        return;
      case 57:
        m[v(out) + floatToIndex(d0, F)] = d1;
        return;
      case 58:
        m[mx(out) + floatToIndex(d0, F) * F + floatToIndex(d1, F)] = d2;
        return;
      case 59:
        m[s(out)] = rng.uniformIn(d0, d1);
        return;
      case 60:
        for (let i = 0; i < F; i++) m[v(out) + i] = rng.uniformIn(d0, d1);
        return;
      case 61:
        for (let i = 0; i < FF; i++) m[mx(out) + i] = rng.uniformIn(d0, d1);
        return;
      case 62:
        m[s(out)] = rng.gaussian(d0, d1);
        return;
      case 63:
        for (let i = 0; i < F; i++) m[v(out) + i] = rng.gaussian(d0, d1);
        return;
      case 64:
        for (let i = 0; i < FF; i++) m[mx(out) + i] = rng.gaussian(d0, d1);
        return;
      default:
        throw new RangeError(`unknown op ${ins.op} (${OPS[ins.op]?.name ?? '?'})`);
    }
  }
}
