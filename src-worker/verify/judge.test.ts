/**
 * The worker-side verification logic on real CIFAR-10 tasks, without threads: reading programs,
 * the cost budget, scores, and behaviour fingerprints.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import { hiddenTaskIds, roundSecret } from '../../shared/protocol/hidden-tasks';
import { CIFAR10_BINARY, makeTrack } from '../../shared/protocol/track';
import { searchTaskIds } from '../../shared/task/pairs';
import type { TaskData } from '../../shared/task/types';
import { loadTasks } from '../../src-main/dataset/tasks';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { createEngine, evaluateProgram } from '../eval/index';
import { behaviourFingerprint, JudgeError, readProgram, scoreOnTasks } from './judge';

function exampleText(name: string): string {
  return readFileSync(new URL(`../../examples/${name}.dsl`, import.meta.url), 'latin1');
}
const example = (name: string): Program => parseProgramOrThrow(exampleText(name));

/** The text with `line` inserted right after the line `after`. */
function insertAfter(text: string, after: string, line: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(after);
  if (at < 0) throw new Error(`no line ${after}`);
  lines.splice(at + 1, 0, line);
  return lines.join('\n');
}

/** A JudgeError's code, or null when f does not throw one. */
function judgeErrorOf(f: () => unknown): { code: string; message: string } | null {
  try {
    f();
  } catch (e) {
    if (e instanceof JudgeError) return { code: e.code, message: e.message };
    throw e;
  }
  return null;
}

// Small tasks keep this file fast; the verifier's tests use the track's full sizes.
const track = makeTrack({ hiddenTasks: 3, hiddenTrain: 400, hiddenValid: 200 });

describe('judge (worker-side verification)', () => {
  let hidden: TaskData[];
  let probes: TaskData[];
  beforeAll(async () => {
    const dir = await realCifar10Dir();
    const secret = roundSecret(new Uint8Array(32).fill(7), 1);
    hidden = await loadTasks(hiddenTaskIds(secret, track.hiddenTasks), {
      images: 'test',
      train: track.hiddenTrain,
      valid: track.hiddenValid,
      test: 0,
      features: track.features,
      dir,
    });
    probes = await loadTasks(searchTaskIds(2, 0), {
      images: 'train',
      train: 100,
      valid: 100,
      test: 0,
      features: track.features,
      dir,
    });
  }, REAL_DATA_TIMEOUT_MS);

  it('reads the example programs and refuses malformed text with line and column', () => {
    for (const name of ['nn', 'linear_regression', 'logistic_regression', 'noop']) {
      expect(readProgram(exampleText(name))).toEqual(example(name));
    }
    const typo = judgeErrorOf(() =>
      readProgram('def Setup():\n  s2 = 0.01\ndef Predict():\n  s1 = dot(v1 v0)\ndef Learn():\n'),
    );
    expect(typo?.code).toBe('BAD_PROGRAM');
    expect(typo?.message).toMatch(/^line 4, column \d+/);
    // An address outside the memory every validator uses (5 scalars).
    const outside = judgeErrorOf(() =>
      readProgram('def Setup():\n  s9 = 0.5\ndef Predict():\ndef Learn():\n'),
    );
    expect(outside?.code).toBe('BAD_PROGRAM');
    expect(outside?.message).toMatch(/line 2/);
  });

  it('scores the mean validation accuracy, as the evaluator does, on both engines', () => {
    for (const name of ['nn', 'linear_regression']) {
      const program = example(name);
      const got = scoreOnTasks(program, hidden, track);
      expect(got.perTask).toHaveLength(hidden.length);
      expect(got.score).toBe(got.perTask.reduce((a, b) => a + b, 0) / hidden.length);
      const reference = evaluateProgram(
        createEngine('js', DEFAULT_MEMORY, track.features),
        program,
        hidden,
        { seed: track.evalSeed },
      );
      expect(got.score).toBe(reference.fitness);
      expect(got.score).toBeGreaterThan(0.6);
      // Bit for bit the same on a second run (fresh engine).
      expect(scoreOnTasks(program, hidden, track)).toEqual(got);
    }
  });

  it('the empty program scores 0.5 on the balanced hidden tasks', () => {
    const { score, perTask } = scoreOnTasks(example('noop'), hidden, track);
    expect(score).toBe(0.5);
    expect(perTask).toEqual(hidden.map(() => 0.5));
  });

  it('refuses a program above the training-cost budget unrun', () => {
    const costly = parseProgramOrThrow(
      insertAfter(exampleText('nn'), 'def Learn():', '  m1 = matmul(m0, m0)'),
    );
    const err = judgeErrorOf(() => scoreOnTasks(costly, hidden, track));
    expect(err?.code).toBe('TOO_COSTLY');
    expect(err?.message).toContain(String(CIFAR10_BINARY.maxStepCost));
    // The same program passes under a budget that allows it.
    expect(
      scoreOnTasks(costly, hidden, makeTrack({ ...track, maxStepCost: 10_000 })).score,
    ).toBeGreaterThan(0);
  });

  it('fingerprints what a program computes, not how it is written', () => {
    const nn = behaviourFingerprint(example('nn'), probes);
    expect(nn).toMatch(/^[0-9a-f]{64}$/);
    expect(behaviourFingerprint(example('nn'), probes)).toBe(nn);
    // Dead code: s4 is overwritten by the next instruction before anything reads it.
    const nnDead = insertAfter(exampleText('nn'), 'def Learn():', '  s4 = s3 * s3');
    expect(behaviourFingerprint(parseProgramOrThrow(nnDead), probes)).toBe(nn);
    // An unused scalar written in Setup.
    const linear = behaviourFingerprint(example('linear_regression'), probes);
    const linearDead = insertAfter(exampleText('linear_regression'), '  s2 = 0.01', '  s4 = -2.5');
    expect(behaviourFingerprint(parseProgramOrThrow(linearDead), probes)).toBe(linear);
    expect(linear).not.toBe(nn);
    expect(behaviourFingerprint(example('logistic_regression'), probes)).not.toBe(linear);
    // A different learning rate is a different function.
    const slower = exampleText('linear_regression').replace('s2 = 0.01', 's2 = 0.02');
    expect(behaviourFingerprint(parseProgramOrThrow(slower), probes)).not.toBe(linear);
    // The random stream depends on the evaluation seed, so the NN's fingerprint does too.
    expect(behaviourFingerprint(example('nn'), probes, 1)).not.toBe(nn);
  });

  it('fingerprints a program that predicts NaN and so stops early', () => {
    // 0/0 = NaN logit: training stops at the first example with the NaN recorded, zeros after it.
    const nan = parseProgramOrThrow('def Setup():\ndef Predict():\n  s1 = s2 / s2\ndef Learn():\n');
    const a = behaviourFingerprint(nan, probes);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(behaviourFingerprint(nan, probes)).toBe(a);
    expect(a).not.toBe(behaviourFingerprint(example('noop'), probes));
    // Another way to the same NaN: the same function, the same fingerprint.
    const nan2 = parseProgramOrThrow(
      'def Setup():\ndef Predict():\n  s1 = s3 / s4\ndef Learn():\n',
    );
    expect(behaviourFingerprint(nan2, probes)).toBe(a);
    expect(scoreOnTasks(nan, hidden, track).score).toBe(0);
  });
});
