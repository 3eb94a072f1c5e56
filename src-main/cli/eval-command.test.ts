import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { runEval } from './eval-command';
import { selectTasks } from './task-selection';

describe('task selection', () => {
  it('names the held-out, search and listed pairs, pair-major', () => {
    expect(selectTasks('heldout', 10)).toHaveLength(90);
    expect(selectTasks('search', 2)).toHaveLength(72);
    expect(selectTasks('all', 1)).toHaveLength(45);
    expect(selectTasks('0-5,8-9', 2, 3)).toEqual([
      { positive: 0, negative: 5, seed: 3 },
      { positive: 0, negative: 5, seed: 4 },
      { positive: 8, negative: 9, seed: 3 },
      { positive: 8, negative: 9, seed: 4 },
    ]);
  });

  it('rejects what it cannot read, naming the problem', () => {
    expect(() => selectTasks('heldot', 1)).toThrow(
      /'heldot' is not heldout, search, all or a pair/,
    );
    expect(() => selectTasks('3-3', 1)).toThrow(/same class twice/);
    expect(() => selectTasks('heldout', 0)).toThrow(/--seeds/);
  });
});

describe('eval command', () => {
  let cifarDir: string;
  beforeAll(async () => {
    cifarDir = await realCifar10Dir();
  }, REAL_DATA_TIMEOUT_MS);

  const base = {
    pairs: '1-8',
    seeds: 2,
    firstSeed: 0,
    epochs: 1,
    seed: 0,
    engine: 'wasm' as const,
    json: true,
  };

  it('scores a program file and reports its digest and accuracies', async () => {
    const report = await runEval(
      { ...base, program: 'examples/linear_regression.dsl', cifarDir },
      () => {},
    );
    expect(report.tasks).toBe(2);
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(report.validAccuracy).toBeGreaterThan(0.6);
    expect(report.testAccuracy).toBeGreaterThan(0.6);
    expect(report.trainSteps).toBe(16000);
  });

  it("scores on a teacher track's held-out tasks, with no CIFAR-10 folder", async () => {
    const run = (program: string) =>
      runEval(
        { ...base, program, track: 'regression-relu-teacher-v1', cifarDir: '/nonexistent' },
        () => {},
      );
    const [linear, nn] = await Promise.all([
      run('examples/linear_regression.dsl'),
      run('examples/nn.dsl'),
    ]);
    expect(linear).toMatchObject({ metric: 'rms-error', tasks: 18, stoppedEarly: 0 });
    expect(linear.pairs).toBe('held-out nonlinear teacher tasks');
    // The figures of BENCHMARKS.md are these on 90 tasks (--seeds 10).
    expect(nn.testAccuracy).toBeGreaterThan(linear.testAccuracy + 0.1);
    await expect(
      runEval({ ...base, program: 'examples/noop.dsl', track: 'mnist-v1' }, () => {}),
    ).rejects.toThrow(
      /unknown track mnist-v1: eval knows cifar10-binary-v1, regression-relu-teacher-v1/,
    );
  });

  it('reports a malformed program file with file, line and column, before touching any data', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sota-eval-'));
    const file = path.join(dir, 'bad.dsl');
    writeFileSync(file, 'def Setup():\n  s1 = 0.1\ndef Predict():\n  v1 = dot(v2, v3)\n');
    await expect(
      runEval({ ...base, program: file, cifarDir: '/nonexistent' }, () => {}),
    ).rejects.toThrow(`${file}:4:12: wrong operand kinds`);
    await expect(
      runEval({ ...base, program: path.join(dir, 'missing.dsl') }, () => {}),
    ).rejects.toThrow(/no such program file/);
  });
});
