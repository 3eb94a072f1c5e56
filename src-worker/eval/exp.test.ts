import { describe, expect, it } from 'vitest';
import { Op } from '../../shared/algorithm/ops';
import { instruction as I, type Instruction } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import { exp } from './exp';
import { WasmEngine } from './wasm/engine';

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Number(view.getBigInt64(0) - view.getBigInt64(8));
}

function samples(): number[] {
  const rng = new Rng(7);
  const xs = [
    0,
    -0,
    1,
    -1,
    0.5,
    1e-300,
    -1e-300,
    709.78,
    709.79,
    709.8,
    -708,
    -745,
    -745.13,
    -745.3,
    Infinity,
    -Infinity,
    NaN,
  ];
  for (let i = 0; i < 3000; i++) xs.push(rng.uniformIn(-750, 712));
  for (let i = 0; i < 3000; i++) xs.push(rng.uniformIn(-20, 20));
  return xs;
}

describe('evaluator exp', () => {
  it('is within 2 ulp of Math.exp and handles the edges', () => {
    let worst = 0;
    for (const x of samples()) {
      const ours = exp(x);
      const ref = Math.exp(x);
      if (Number.isNaN(ref)) {
        expect(ours).toBeNaN();
      } else if (ref === Infinity) {
        expect(ours).toBe(Infinity);
      } else if (ref < 2.2250738585072014e-308) {
        // Underflow and subnormal results: within a few subnormal steps.
        expect(Math.abs(ours - ref)).toBeLessThanOrEqual(5e-324 * 4);
      } else {
        worst = Math.max(worst, Math.abs(ulps(ours, ref)));
      }
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(exp(0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
  });

  it('is bit-identical in the WebAssembly engine', () => {
    const xs = samples();
    const perProgram = 100;
    const shape = { scalars: 2 * perProgram + 2, vectors: 1, matrices: 0 };
    for (let start = 0; start < xs.length; start += perProgram) {
      const chunk = xs.slice(start, start + perProgram);
      const setup: Instruction[] = chunk.flatMap((x, i) => [
        // Constants must be finite: build ±Infinity and NaN from 1/0-style arithmetic.
        ...(Number.isFinite(x)
          ? [I(Op.SCALAR_CONST_SET_OP, { out: 2 + 2 * i, data: [x] })]
          : [
              I(Op.SCALAR_CONST_SET_OP, {
                out: 2 + 2 * i,
                data: [Number.isNaN(x) ? 0 : Math.sign(x)],
              }),
              I(Op.SCALAR_DIVISION_OP, { in1: 2 + 2 * i, in2: 0, out: 2 + 2 * i }),
            ]),
        I(Op.SCALAR_EXP_OP, { in1: 2 + 2 * i, out: 3 + 2 * i }),
      ]);
      const engine = new WasmEngine(shape, 2, new Rng(0));
      engine.prepare({ setup, predict: [], learn: [] }).setup();
      chunk.forEach((x, i) => {
        const got = engine.state[3 + 2 * i]!;
        const input = engine.state[2 + 2 * i]!;
        expect(Object.is(got, exp(input)) || (Number.isNaN(got) && Number.isNaN(exp(input)))).toBe(
          true,
        );
        if (Number.isFinite(x)) expect(input).toBe(x);
      });
    }
  });
});
