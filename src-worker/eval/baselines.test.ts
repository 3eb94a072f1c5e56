/**
 * The hand-written baselines in examples/, evaluated on real projected CIFAR-10 held-out tasks
 * and on teacher regression tasks.
 * The full 90-task figures are in BENCHMARKS.md (`npm run eval`); here a few tasks check that the
 * files parse, learn what they should, and score the same on both engines.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import { heldoutTaskIds } from '../../shared/task/pairs';
import { TEACHER_SEED_RANGES, buildTeacherTask, teacherTaskIds } from '../../shared/task/teacher';
import type { TaskData } from '../../shared/task/types';
import { loadTasks } from '../../src-main/dataset/tasks';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { createEngine, evaluateProgram } from './index';

function example(name: string): Program {
  return parseProgramOrThrow(
    readFileSync(new URL(`../../examples/${name}.dsl`, import.meta.url), 'latin1'),
  );
}

describe('baseline programs on real held-out tasks', () => {
  let tasks: TaskData[];
  beforeAll(async () => {
    // One seed of the first four held-out pairs.
    const ids = heldoutTaskIds(1).slice(0, 4);
    tasks = await loadTasks(ids, { dir: await realCifar10Dir() });
  }, REAL_DATA_TIMEOUT_MS);

  const score = (name: string) =>
    evaluateProgram(createEngine('wasm', DEFAULT_MEMORY, 16), example(name), tasks, {
      seed: 0,
      test: true,
    });

  it('the example files print back to themselves up to comments', () => {
    for (const name of ['nn', 'linear_regression', 'logistic_regression', 'noop']) {
      const p = example(name);
      expect(programDigest(parseProgramOrThrow(printProgram(p)))).toBe(programDigest(p));
    }
  });

  it('the empty program scores exactly 0.5 (balanced classes, always class 0)', () => {
    const s = score('noop');
    expect(s.fitness).toBe(0.5);
    expect(s.testAccuracy).toBe(0.5);
  });

  it('linear and logistic regression learn, and the neural network does better', () => {
    const linear = score('linear_regression');
    const logistic = score('logistic_regression');
    const nn = score('nn');
    for (const s of [linear, logistic, nn]) {
      expect(s.tasks.every((t) => !t.stoppedEarly)).toBe(true);
      expect(s.trainSteps).toBe(tasks.length * 8000);
    }
    expect(linear.testAccuracy).toBeGreaterThan(0.64);
    expect(logistic.testAccuracy).toBeGreaterThan(0.64);
    expect(nn.testAccuracy).toBeGreaterThan(linear.testAccuracy! + 0.01);
    expect(nn.fitness).toBeGreaterThan(0.68);
  });

  it('the JS engine reproduces the WebAssembly score of the neural network bit for bit', () => {
    const program = example('nn');
    const one = tasks.slice(0, 1);
    const settings = { seed: 3, test: true };
    const fast = evaluateProgram(createEngine('wasm', DEFAULT_MEMORY, 16), program, one, settings);
    const slow = evaluateProgram(createEngine('js', DEFAULT_MEMORY, 16), program, one, settings);
    expect(slow).toEqual(fast);
  }, 60_000);
});

describe('baseline programs on teacher regression tasks (scored 1 − (2/π)·atan(RMS error))', () => {
  const held = (teacher: 'linear' | 'nonlinear') =>
    teacherTaskIds(teacher, TEACHER_SEED_RANGES.heldOut.first, 5).map((id) =>
      buildTeacherTask(id, { train: 1000, valid: 100, test: 100 }),
    );
  const score = (name: string, tasks: TaskData[], kind: 'wasm' | 'js' = 'wasm') =>
    evaluateProgram(createEngine(kind, DEFAULT_MEMORY, 16, 'rms-error'), example(name), tasks, {
      seed: 0,
      test: true,
    });

  it('predicting 0 scores about 0.5 (an RMS error near 1: labels of unit variance)', () => {
    for (const teacher of ['linear', 'nonlinear'] as const) {
      const s = score('noop', held(teacher));
      expect(s.fitness).toBeGreaterThan(0.4);
      expect(s.fitness).toBeLessThan(0.6);
    }
  });

  it('linear regression fits a linear teacher; on a ReLU teacher the neural network beats it', () => {
    expect(score('linear_regression', held('linear')).testAccuracy).toBeGreaterThan(0.999);
    const nonlinear = held('nonlinear');
    const linear = score('linear_regression', nonlinear);
    const nn = score('nn', nonlinear);
    expect(linear.tasks.every((t) => !t.stoppedEarly)).toBe(true);
    expect(nn.testAccuracy!).toBeGreaterThan(linear.testAccuracy! + 0.05);
    // The same figures from the reference engine, bit for bit.
    expect(score('nn', nonlinear.slice(0, 1), 'js')).toEqual(score('nn', nonlinear.slice(0, 1)));
  });

  it('an engine built for one metric refuses tasks scored by the other', () => {
    const engine = createEngine('wasm', DEFAULT_MEMORY, 16, 'accuracy');
    expect(() => evaluateProgram(engine, example('noop'), held('linear'), { seed: 0 })).toThrow(
      /scored by rms-error, engine was built for accuracy/,
    );
  });
});
