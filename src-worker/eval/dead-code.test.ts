/**
 * Dead-code elimination (shared/algorithm/dead-code.ts) must not change a single prediction:
 * random programs over the whole op set, and mutants of the hand-written baselines, are run with
 * and without their dead instructions and must agree bit for bit on every training prediction,
 * every validation logit, early stopping and the scores.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withoutDeadCode } from '../../shared/algorithm/dead-code';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { randomProgram } from '../../shared/algorithm/generate';
import { mutate } from '../../shared/algorithm/mutate';
import { NUM_OPS } from '../../shared/algorithm/ops';
import { DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import { parseSearchConfig } from '../../shared/search/config';
import type { TaskData } from '../../shared/task/types';
import { evaluateProgram } from './evaluate';
import { syntheticTask } from './synthetic-task';
import { WasmEngine } from './wasm/engine';

const F = 16;
const tasks: TaskData[] = [
  syntheticTask({ F, seed: 1, train: 60, valid: 20, learnable: true }),
  syntheticTask({ F, seed: 2, train: 60, valid: 20, wild: true }),
];
const engine = new WasmEngine(DEFAULT_MEMORY, F, new Rng(0));
const ALL_OPS = Array.from({ length: NUM_OPS }, (_, i) => i);

/** Training predictions and validation logits of one run, and what runTask returned. */
function trace(program: Program, task: TaskData, seed: number): { out: number; record: number[] } {
  const record = new Float64Array(task.train.n + task.valid.n);
  engine.state.fill(0);
  engine.rng.reseed(seed);
  const out = engine
    .prepare(program)
    .runTask(task.train, task.train.n, task.valid, task.valid.n, record);
  // Any NaN equals any NaN: WebAssembly may change NaN payloads.
  return { out, record: Array.from(record, (x) => (Number.isNaN(x) ? NaN : x)) };
}

function expectSameBehaviour(program: Program, label: string): void {
  const stripped = withoutDeadCode(program, DEFAULT_MEMORY);
  for (const [t, task] of tasks.entries()) {
    expect(trace(stripped, task, t), label).toEqual(trace(program, task, t));
  }
  const settings = { seed: 7, epochs: 2, test: true };
  expect(evaluateProgram(engine, stripped, tasks, settings).tasks, label).toEqual(
    evaluateProgram(engine, program, tasks, settings).tasks,
  );
}

const example = (name: string) =>
  parseProgramOrThrow(
    readFileSync(new URL(`../../examples/${name}.dsl`, import.meta.url), 'latin1'),
  );

describe('dead-code elimination', () => {
  it('removes what cannot reach a prediction and keeps random draws and partial writes', () => {
    const program = parseProgramOrThrow(`
def Setup():
  s2 = 0.1
  v3 = gaussian(0.0, 1.0, n_features)
  s4 = 3.0
def Predict():
  s1 = dot(v1, v0)
  m1 = outer(v0, v0)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2
  m0 = outer(v2, v2)
  v4[0.21875] = 2.0
  v1 = v1 + v4
`);
    const stripped = withoutDeadCode(program, DEFAULT_MEMORY);
    // s4 and both outer products are dead; the Gaussian draw is dead but shifts the stream.
    expect(stripped.setup.map((i) => i.op)).toEqual([program.setup[0]!.op, program.setup[1]!.op]);
    expect(stripped.predict).toEqual([program.predict[0]]);
    expect(stripped.learn).toEqual([...program.learn.slice(0, 4), ...program.learn.slice(5)]);
    expectSameBehaviour(program, 'hand-written');
  });

  it('keeps every instruction of the baselines that matters, and their behaviour', () => {
    for (const name of ['linear_regression', 'logistic_regression', 'nn']) {
      const program = example(name);
      expectSameBehaviour(program, name);
    }
  });

  it('changes no prediction of random programs over the whole op set', () => {
    const rng = new Rng(2026);
    let instructions = 0;
    let removed = 0;
    for (let n = 0; n < 300; n++) {
      const sizes = { setup: rng.int(5), predict: 1 + rng.int(8), learn: rng.int(12) };
      const program = randomProgram(rng, DEFAULT_MEMORY, sizes, {
        setup: ALL_OPS,
        predict: ALL_OPS,
        learn: ALL_OPS,
      });
      expectSameBehaviour(program, `random program ${n}`);
      const count = (p: Program) => p.setup.length + p.predict.length + p.learn.length;
      instructions += count(program);
      removed += count(program) - count(withoutDeadCode(program, DEFAULT_MEMORY));
    }
    // Most random instructions are dead: the test exercises removal, not only keeping.
    expect(removed / instructions).toBeGreaterThan(0.3);
  }, 300_000);

  it('changes no prediction of mutants of the baselines (what a search evaluates)', () => {
    const config = parseSearchConfig({ preset: 'full' });
    const settings = {
      probability: 1,
      types: config.mutationTypes,
      ops: config.ops,
      minSizes: config.minSizes,
      maxSizes: config.maxSizes,
    };
    const rng = new Rng(7);
    for (const name of ['linear_regression', 'nn']) {
      let program = example(name);
      for (let n = 0; n < 150; n++) {
        program = mutate(rng, program, settings, DEFAULT_MEMORY).program;
        expectSameBehaviour(program, `${name} mutant ${n}`);
      }
    }
  }, 300_000);
});
