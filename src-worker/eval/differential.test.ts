/**
 * The differential test: thousands of random programs over the whole op set run through the JS
 * engine (the ops' JavaScript steps in ops/: their executable specification) and the WebAssembly engine, which must
 * agree bit for bit on the state after Setup and after training, on early stopping, and on every
 * validation count.
 */
import { describe, expect, it } from 'vitest';
import { NUM_OPS } from '../../shared/algorithm/ops';
import { DEFAULT_MEMORY, type MemoryShape, type Program } from '../../shared/algorithm/program';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { randomProgram } from '../../shared/algorithm/generate';
import { readsSquashedPrediction } from '../../shared/algorithm/prediction-flow';
import { Rng } from '../../shared/random/rng';
import { buildTeacherTask } from '../../shared/task/teacher';
import type { TaskData, TaskMetric } from '../../shared/task/types';
import { syntheticTask as makeTask } from './synthetic-task';

const syntheticTask = (F: number, seed: number, train = 40, valid = 16) =>
  makeTask({ F, seed, train, valid, wild: true });
import type { Engine } from './engine';
import { evaluateProgram } from './evaluate';
import { JsEngine } from './js-engine';
import { WasmEngine } from './wasm/engine';

/** The reference first, then the engines that must match it. */
function allEngines(shape: MemoryShape, F: number, metric: TaskMetric = 'accuracy'): Engine[] {
  return [new JsEngine(shape, F, new Rng(0), metric), new WasmEngine(shape, F, new Rng(0), metric)];
}

/** Bitwise equality of two state arrays, where any NaN equals any NaN (WebAssembly may change NaN payloads). */
function firstDifference(a: Float64Array, b: Float64Array): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (!Object.is(x, y)) return i;
  }
  return -1;
}

const ALL_OPS = Array.from({ length: NUM_OPS }, (_, i) => i);

function compareRun(
  program: Program,
  task: TaskData,
  engines: Engine[],
  seed: number,
): string | null {
  const results = engines.map((engine) => {
    engine.state.fill(0);
    engine.rng.reseed(seed);
    const runner = engine.prepare(program);
    runner.setup();
    const afterSetup = engine.state.slice(0, engine.layout.stateLength);
    const trained = runner.train(task.train, task.train.n);
    const afterTrain = engine.state.slice(0, engine.layout.stateLength);
    const correct = runner.validate(task.valid);
    return { afterSetup, trained, afterTrain, correct, rng: engine.rng.state.slice() };
  });
  const a = results[0]!;
  for (const [k, b] of results.entries()) {
    const who = `${engines[0]!.name} vs ${engines[k]!.name}`;
    let i = firstDifference(a.afterSetup, b.afterSetup);
    if (i >= 0)
      return `${who}: state after setup differs at ${i}: ${a.afterSetup[i]} vs ${b.afterSetup[i]}`;
    if (a.trained !== b.trained) return `${who}: train returned ${a.trained} vs ${b.trained}`;
    i = firstDifference(a.afterTrain, b.afterTrain);
    if (i >= 0)
      return `${who}: state after train differs at ${i}: ${a.afterTrain[i]} vs ${b.afterTrain[i]}`;
    if (!Object.is(a.correct, b.correct) && !(Number.isNaN(a.correct) && Number.isNaN(b.correct)))
      return `${who}: validation total ${a.correct} vs ${b.correct}`;
    if (a.rng.join() !== b.rng.join()) return `${who}: random streams diverged`;
  }
  return null;
}

describe('the JS and WebAssembly engines agree bit for bit', () => {
  const cases: Array<{ F: number; shape: MemoryShape; programs: number }> = [
    { F: 16, shape: DEFAULT_MEMORY, programs: 2500 },
    { F: 4, shape: { scalars: 4, vectors: 3, matrices: 2 }, programs: 500 },
    { F: 2, shape: { scalars: 6, vectors: 4, matrices: 3 }, programs: 300 },
  ];
  for (const { F, shape, programs } of cases) {
    it(`on ${programs} random programs with F=${F}`, () => {
      const engines = allEngines(shape, F);
      const tasks = [syntheticTask(F, 1), syntheticTask(F, 2)];
      const rng = new Rng(20261122 + F);
      const opsSeen = new Set<number>();
      let trainedFully = 0;
      let sigmoidSkipped = 0;
      for (let p = 0; p < programs; p++) {
        const sizes = { setup: rng.int(6), predict: 1 + rng.int(8), learn: rng.int(10) };
        const program = randomProgram(rng, shape, sizes, {
          setup: ALL_OPS,
          predict: ALL_OPS,
          learn: ALL_OPS,
        });
        for (const c of ['setup', 'predict', 'learn'] as const)
          for (const ins of program[c]) opsSeen.add(ins.op);
        if (!readsSquashedPrediction(program)) sigmoidSkipped++;
        const task = tasks[p % tasks.length]!;
        const problem = compareRun(program, task, engines, p);
        if (problem) expect.fail(`program ${p}: ${problem}\n${JSON.stringify(program)}`);
        if (engines[0]!.state.some((x) => Number.isFinite(x) && x !== 0)) trainedFully++;
      }
      expect(opsSeen.size).toBe(NUM_OPS);
      expect(trainedFully).toBeGreaterThan(programs / 4);
      // A third or more of them take the WebAssembly engine's path that skips the training sigmoid.
      expect(sigmoidSkipped).toBeGreaterThan(programs / 4);
    }, 120_000);
  }

  it('on 1000 random programs scored by RMS error on teacher tasks (no sigmoid)', () => {
    const F = 16;
    const engines = allEngines(DEFAULT_MEMORY, F, 'rms-error');
    const small = { features: F, train: 40, valid: 16 };
    const tasks = [
      buildTeacherTask({ teacher: 'linear', seed: 1 }, small),
      buildTeacherTask({ teacher: 'nonlinear', seed: 2 }, small),
    ];
    const rng = new Rng(20261205);
    let trained = 0;
    let finite = 0;
    for (let p = 0; p < 1000; p++) {
      const sizes = { setup: rng.int(6), predict: 1 + rng.int(8), learn: rng.int(10) };
      const program = randomProgram(rng, DEFAULT_MEMORY, sizes, {
        setup: ALL_OPS,
        predict: ALL_OPS,
        learn: ALL_OPS,
      });
      const problem = compareRun(program, tasks[p % 2]!, engines, p);
      if (problem) expect.fail(`program ${p}: ${problem}\n${JSON.stringify(program)}`);
      const runner = engines[1]!.prepare(program);
      engines[1]!.state.fill(0);
      runner.setup();
      if (runner.train(tasks[p % 2]!.train, 40) === 40) {
        trained++;
        if (Number.isFinite(runner.validate(tasks[p % 2]!.valid))) finite++;
      }
    }
    expect(trained).toBeGreaterThan(250);
    expect(finite).toBeGreaterThan(100);
  }, 120_000);

  it('stop early on a label far outside [0, 1] where the WebAssembly engine skips the sigmoid', () => {
    const F = 4;
    const program = parseProgramOrThrow(
      'def Setup():\n  s2 = 0.01\ndef Predict():\n  s1 = dot(v1, v0)\n' +
        'def Learn():\n  v2 = s0 * v0\n  v2 = s2 * v2\n  v1 = v1 + v2\n',
      { shape: { scalars: 4, vectors: 3, matrices: 2 } },
    );
    expect(readsSquashedPrediction(program)).toBe(false);
    const task = syntheticTask(F, 3);
    for (const [label, stopsAt] of [
      [250, -6], // |label - sigmoid| > MAX_ABS_ERROR = 100 at example 5
      [NaN, -6],
      [99.2, 40], // within the bound whatever the logit: trains through
      [-98.6, 40],
    ] as const) {
      const y = task.train.y.slice();
      y[5] = label;
      const odd = { ...task, train: { ...task.train, y } };
      const engines = allEngines({ scalars: 4, vectors: 3, matrices: 2 }, F);
      const problem = compareRun(program, odd, engines, 0);
      if (problem) expect.fail(problem);
      engines[0]!.state.fill(0);
      const runner = engines[0]!.prepare(program);
      runner.setup();
      expect(runner.train(odd.train, odd.train.n)).toBe(stopsAt);
    }
  });

  it('gives identical evaluation results across epochs, including test accuracy', () => {
    const F = 16;
    const engines = allEngines(DEFAULT_MEMORY, F);
    const tasks = [syntheticTask(F, 5, 64, 32), syntheticTask(F, 6, 64, 32)];
    const rng = new Rng(99);
    for (let p = 0; p < 200; p++) {
      const program = randomProgram(rng, DEFAULT_MEMORY, { setup: 4, predict: 6, learn: 8 });
      const [a, ...others] = engines.map((e) =>
        evaluateProgram(e, program, tasks, { seed: p, epochs: 3, test: true }),
      );
      for (const b of others) expect(b).toEqual(a);
    }
  }, 120_000);

  it('gives identical RMS-error scores across epochs on teacher tasks', () => {
    const F = 16;
    const engines = allEngines(DEFAULT_MEMORY, F, 'rms-error');
    const sizes = { features: F, train: 64, valid: 32, test: 32 };
    const tasks = [
      buildTeacherTask({ teacher: 'linear', seed: 3 }, sizes),
      buildTeacherTask({ teacher: 'nonlinear', seed: 4 }, sizes),
    ];
    const rng = new Rng(7);
    for (let p = 0; p < 200; p++) {
      const program = randomProgram(rng, DEFAULT_MEMORY, { setup: 4, predict: 6, learn: 8 });
      const [a, ...others] = engines.map((e) =>
        evaluateProgram(e, program, tasks, { seed: p, epochs: p % 2 ? 1 : 3, test: p % 2 === 0 }),
      );
      for (const b of others) expect(b).toEqual(a);
    }
  }, 120_000);
});

describe('recorded predictions', () => {
  it('are identical in every engine, including the example that stops training', () => {
    const F = 16;
    const engines = allEngines(DEFAULT_MEMORY, F);
    const task = syntheticTask(F, 9, 30, 20);
    const rng = new Rng(5);
    let stopped = 0;
    for (let p = 0; p < 300; p++) {
      const program = randomProgram(rng, DEFAULT_MEMORY, { setup: 3, predict: 5, learn: 5 });
      const [a, ...others] = engines.map((engine) => {
        engine.state.fill(0);
        engine.rng.reseed(p);
        const runner = engine.prepare(program);
        runner.setup();
        const train = new Float64Array(10).fill(-7);
        const valid = new Float64Array(8).fill(-7);
        const done = runner.train(task.train, 10, train);
        const correct = runner.validate(task.valid, 8, valid);
        // The same again in one call, from a fresh state.
        engine.state.fill(0);
        engine.rng.reseed(p);
        const both = new Float64Array(18).fill(-7);
        const task1 = runner.runTask(task.train, 10, task.valid, 8, both);
        return {
          done,
          correct,
          train: Array.from(train),
          valid: Array.from(valid),
          task1,
          both: Array.from(both),
        };
      });
      if (a!.done < 0) stopped++;
      for (const b of others) expect(b).toEqual(a);
      expect(a!.task1).toBe(a!.done < 0 ? a!.done : a!.correct);
      expect(a!.both.slice(0, 10)).toEqual(a!.train);
      if (a!.done >= 0) expect(a!.both.slice(10)).toEqual(a!.valid);
    }
    expect(stopped).toBeGreaterThan(10);
  });
});
