/**
 * The hand-written baselines in examples/, evaluated on real projected CIFAR-10 held-out tasks.
 * The full 90-task figures are in BENCHMARKS.md (`npm run eval`); here a few tasks check that the
 * files parse, learn what they should, and score the same on both engines.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import { heldoutTaskIds } from '../../shared/task/pairs';
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
