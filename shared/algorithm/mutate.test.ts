import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng';
import { ALL_OPS, randomProgram } from './generate';
import { MUTATION_TYPES, alterParam, emptyProgram, mutate, type MutationSettings } from './mutate';
import { OPS, Op } from './ops';
import { DEFAULT_MEMORY, checkProgram, instruction, programsEqual, type Program } from './program';

const settings: MutationSettings = {
  probability: 0.9,
  types: MUTATION_TYPES,
  ops: { setup: ALL_OPS, predict: ALL_OPS, learn: ALL_OPS },
  minSizes: { setup: 1, predict: 1, learn: 1 },
  maxSizes: { setup: 7, predict: 11, learn: 23 },
};

describe('mutations', () => {
  it('always produce valid programs within the size limits, over long chains', () => {
    const rng = new Rng(1);
    let program: Program = emptyProgram(settings.minSizes);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const child = mutate(rng, program, settings, DEFAULT_MEMORY);
      seen.add(child.type);
      expect(checkProgram(child.program, DEFAULT_MEMORY)).toEqual([]);
      for (const c of ['setup', 'predict', 'learn'] as const) {
        expect(child.program[c].length).toBeGreaterThanOrEqual(settings.minSizes[c]);
        expect(child.program[c].length).toBeLessThanOrEqual(settings.maxSizes[c]);
      }
      program = child.program;
    }
    expect([...seen].sort()).toEqual([...MUTATION_TYPES, 'copy'].sort());
  });

  it('are a pure function of the random stream and leave the parent untouched', () => {
    const parent = randomProgram(new Rng(3), DEFAULT_MEMORY, { setup: 3, predict: 5, learn: 7 });
    const snapshot = JSON.stringify(parent);
    const a = mutate(new Rng(9), parent, settings, DEFAULT_MEMORY);
    const b = mutate(new Rng(9), parent, settings, DEFAULT_MEMORY);
    expect(programsEqual(a.program, b.program)).toBe(true);
    expect(JSON.stringify(parent)).toBe(snapshot);
  });

  it('copy the parent with probability 1 − p', () => {
    const rng = new Rng(5);
    const parent = randomProgram(rng, DEFAULT_MEMORY, { setup: 2, predict: 2, learn: 2 });
    let copies = 0;
    for (let i = 0; i < 10_000; i++)
      if (mutate(rng, parent, settings, DEFAULT_MEMORY).type === 'copy') copies++;
    expect(copies / 10_000).toBeGreaterThan(0.08);
    expect(copies / 10_000).toBeLessThan(0.12);
  });

  it('insert only below the maximum size and remove only above the minimum', () => {
    const rng = new Rng(6);
    const onlyInsert = { ...settings, probability: 1, types: ['insertInstruction'] as const };
    const onlyRemove = { ...settings, probability: 1, types: ['removeInstruction'] as const };
    let p: Program = emptyProgram(settings.minSizes);
    for (let i = 0; i < 500; i++) p = mutate(rng, p, onlyInsert, DEFAULT_MEMORY).program;
    expect([p.setup.length, p.predict.length, p.learn.length]).toEqual([7, 11, 23]);
    for (let i = 0; i < 500; i++) p = mutate(rng, p, onlyRemove, DEFAULT_MEMORY).program;
    expect([p.setup.length, p.predict.length, p.learn.length]).toEqual([1, 1, 1]);
  });

  it('insert a connected instruction: a later reader of its type now reads its result', () => {
    // Learn of a label-weighted accumulation: v4 = s0 · v0; v1 = v1 + v4.
    const learn = [
      instruction(Op.SCALAR_VECTOR_PRODUCT_OP, { in1: 0, in2: 0, out: 4 }),
      instruction(Op.VECTOR_SUM_OP, { in1: 1, in2: 4, out: 1 }),
    ];
    const parent: Program = { setup: [], predict: [], learn };
    const only = {
      ...settings,
      probability: 1,
      types: ['insertConnected'] as const,
      ops: { setup: [], predict: [], learn: [Op.SCALAR_DIFF_OP] },
    };
    const rng = new Rng(4);
    let wired = 0;
    for (let i = 0; i < 200; i++) {
      const child = mutate(rng, parent, only, DEFAULT_MEMORY).program.learn;
      expect(child).toHaveLength(3);
      const at = child.findIndex((ins) => ins.op === Op.SCALAR_DIFF_OP);
      // The only later scalar input is the product's in1 (when inserted before it).
      if (at === 0) {
        expect(child[1]!.in1).toBe(child[0]!.out);
        wired++;
      } else expect(child.filter((ins) => ins.op !== Op.SCALAR_DIFF_OP)).toEqual(learn);
    }
    expect(wired).toBeGreaterThan(40);
  });

  it('alter one address, or for data ops the output or one constant, keeping constants finite', () => {
    const rng = new Rng(8);
    for (let i = 0; i < 5000; i++) {
      const op = 1 + rng.int(OPS.length - 1);
      let ins = instruction(op, {
        in1: 1,
        in2: 1,
        out: 1,
        data: OPS[op]!.data === 'const' ? [1e300] : [0.5, 0.5, 0.5],
      });
      for (let k = 0; k < 20; k++) {
        const next = alterParam(rng, ins, DEFAULT_MEMORY);
        const changed =
          (['in1', 'in2', 'out'] as const).filter((f) => next[f] !== ins[f]).length +
          next.data.filter((d, j) => !Object.is(d, ins.data[j])).length;
        expect(changed).toBeLessThanOrEqual(2); // uniform ops may swap low and high
        expect(next.data.every(Number.isFinite)).toBe(true);
        ins = next;
      }
    }
  });
});
