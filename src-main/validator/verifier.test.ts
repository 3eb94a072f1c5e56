/**
 * The verifier on worker threads with real CIFAR-10 and the default track: verdicts on the hidden
 * tasks, their reproducibility across runs and thread counts, fingerprints, refusals and the time
 * limit; and on the regression track, whose tasks come from a teacher.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import {
  hiddenTaskIds,
  hiddenTeacherTaskIds,
  roundSecret,
} from '../../shared/protocol/hidden-tasks';
import { CIFAR10_BINARY, TEACHER_REGRESSION } from '../../shared/protocol/track';
import { behaviourFingerprint } from '../../src-worker/verify/judge';
import { loadTasks } from '../dataset/tasks';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { probeTaskIds } from './probe-tasks';
import { PROBE_TRAIN, PROBE_VALID, Verifier, VerifyError, type Verdict } from './verifier';

const example = (name: string): string =>
  readFileSync(new URL(`../../examples/${name}.dsl`, import.meta.url), 'latin1');
const nn = example('nn');
const linear = example('linear_regression');
const noop = example('noop');

/** The text with `line` inserted right after the line `after`. */
function insertAfter(text: string, after: string, line: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(after);
  if (at < 0) throw new Error(`no line ${after}`);
  lines.splice(at + 1, 0, line);
  return lines.join('\n');
}

async function verifyErrorOf(p: Promise<unknown>): Promise<VerifyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof VerifyError) return e;
    throw e;
  }
  throw new Error('expected a VerifyError');
}

const track = CIFAR10_BINARY;
const secret = roundSecret(new Uint8Array(32).fill(7), 1);
const scores = (v: Verdict) => ({ ...v, ms: 0 });

describe('Verifier', () => {
  let dir: string;
  let one: Verifier;
  let two: Verifier;
  let first: Verdict;
  beforeAll(async () => {
    dir = await realCifar10Dir();
    [one, two] = await Promise.all([
      Verifier.create({ track, cifarDir: dir, threads: 1 }),
      Verifier.create({ track, cifarDir: dir, threads: 2 }),
    ]);
  }, REAL_DATA_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
  });

  it('judges the NN against the linear baseline on the hidden tasks', async () => {
    const build = performance.now();
    const tasks = await one.hiddenTasks(secret);
    const buildMs = performance.now() - build;
    expect(tasks.map((t) => t.id)).toEqual(hiddenTaskIds(secret, track.hiddenTasks));
    expect(tasks[0]!.train.n).toBe(track.hiddenTrain);
    expect(tasks[0]!.valid.n).toBe(track.hiddenValid);
    expect(tasks[0]!.train.x.buffer).toBeInstanceOf(SharedArrayBuffer);

    first = await one.judge(nn, linear, secret);
    const again = await one.judge(nn, linear, secret);
    console.log(
      `hidden tasks (${track.hiddenTasks} × ${track.hiddenTrain}/${track.hiddenValid}) built in ` +
        `${buildMs.toFixed(0)} ms; judge(nn, linear) on 1 thread: ${first.ms.toFixed(1)} ms, ` +
        `again ${again.ms.toFixed(1)} ms; nn ${first.challengerScore}, linear ${first.holderScore}, ` +
        `margin ${track.margin} ${first.challengerScore > first.holderScore + track.margin ? 'met' : 'NOT met'}`,
    );
    expect(first.tasks).toEqual(hiddenTaskIds(secret, track.hiddenTasks));
    expect(first.challengerPerTask).toHaveLength(track.hiddenTasks);
    // The NN is a genuine improvement on the linear genesis program: it clears the margin.
    expect(first.challengerScore).toBeGreaterThan(first.holderScore + track.margin);
    // Pinned: anyone who rebuilds the round's tasks gets these numbers bit for bit.
    expect(first.challengerScore).toBe(0.7264);
    expect(first.holderScore).toBe(0.69095);
    expect(scores(again)).toEqual(scores(first));
  });

  it('gives the same scores on 1 and 2 threads', async () => {
    await two.hiddenTasks(secret);
    const t = performance.now();
    const verdict = await two.judge(nn, linear, secret);
    console.log(`judge(nn, linear) on 2 threads: ${(performance.now() - t).toFixed(1)} ms`);
    expect(scores(verdict)).toEqual(scores(first));
  });

  it('scores the empty program at 0.5', async () => {
    const verdict = await two.judge(noop, linear, secret);
    expect(verdict.challengerScore).toBeCloseTo(0.5, 3);
    expect(verdict.holderScore).toBe(first.holderScore);
  });

  it('keeps the hidden tasks of the last two round secrets', async () => {
    const s2 = roundSecret(new Uint8Array(32).fill(7), 2);
    const s3 = roundSecret(new Uint8Array(32).fill(7), 3);
    const a = two.hiddenTasks(secret);
    expect(two.hiddenTasks(secret.toUpperCase())).toBe(a);
    const b = two.hiddenTasks(s2);
    expect(two.hiddenTasks(secret)).toBe(a);
    two.hiddenTasks(s3); // drops s2, the least recently used
    expect(two.hiddenTasks(secret)).toBe(a);
    expect(two.hiddenTasks(s2)).not.toBe(b);
    await Promise.all([a, b, two.hiddenTasks(s2), two.hiddenTasks(s3)]);
    expect(() => two.hiddenTasks('00')).toThrow(/64 hex digits/);
  }, 60_000);

  it('fingerprints behaviour: copies with dead code match, different programs do not', async () => {
    const print = await one.fingerprint(nn);
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    // Dead code: s4 is overwritten by the next instruction before anything reads it.
    expect(await one.fingerprint(insertAfter(nn, 'def Learn():', '  s4 = s3 * s3'))).toBe(print);
    const linearPrint = await one.fingerprint(linear);
    // An unused scalar written in Setup.
    expect(await one.fingerprint(insertAfter(linear, '  s2 = 0.01', '  s4 = -2.5'))).toBe(
      linearPrint,
    );
    expect(linearPrint).not.toBe(print);
    // The same on every validator: another pool, and the worker-side function on the same tasks.
    expect(await two.fingerprint(nn)).toBe(print);
    const probes = await loadTasks(probeTaskIds(), {
      train: PROBE_TRAIN,
      valid: PROBE_VALID,
      test: 0,
      dir,
    });
    expect(behaviourFingerprint(parseProgramOrThrow(nn), probes, track.evalSeed)).toBe(print);
  });

  it('refuses malformed and too costly programs, naming which', async () => {
    const typo = nn.replace('s1 = dot(v4, v2)', 's1 = dot(v4 v2)');
    const bad = await verifyErrorOf(one.judge(typo, linear, secret));
    expect(bad.code).toBe('BAD_PROGRAM');
    expect(bad.which).toBe('challenger');
    expect(bad.message).toMatch(/^line \d+, column \d+/);
    const badHolder = await verifyErrorOf(one.judge(nn, 'def Setup():\n  s7 = 1\n', secret));
    expect(badHolder.code).toBe('BAD_PROGRAM');
    expect(badHolder.which).toBe('holder');
    expect((await verifyErrorOf(one.fingerprint(typo))).code).toBe('BAD_PROGRAM');
    const huge = `def Setup():\n${'  s2 = 0.01\n'.repeat(7000)}def Predict():\ndef Learn():\n`;
    expect((await verifyErrorOf(one.judge(huge, linear, secret))).code).toBe('BAD_PROGRAM');

    const costly = insertAfter(nn, 'def Learn():', '  m1 = matmul(m0, m0)');
    const tooCostly = await verifyErrorOf(one.judge(costly, linear, secret));
    expect(tooCostly.code).toBe('TOO_COSTLY');
    expect(tooCostly.which).toBe('challenger');
    expect((await verifyErrorOf(one.fingerprint(costly))).code).toBe('TOO_COSTLY');
  });

  it('aborts a call past its time limit and keeps working', async () => {
    const timedOut = await verifyErrorOf(one.judge(nn, linear, secret, { timeoutMs: 1 }));
    expect(timedOut.code).toBe('TIMEOUT');
    // The aborted thread was replaced; the next verdict is the same as before.
    expect(scores(await one.judge(nn, linear, secret))).toEqual(scores(first));
  });
});

describe('Verifier on the regression track (a ReLU teacher, no CIFAR-10 needed)', () => {
  const regression = TEACHER_REGRESSION;
  let verifier: Verifier;
  beforeAll(async () => {
    // No cifarDir: a teacher track builds its tasks from seeds alone.
    verifier = await Verifier.create({ track: regression, threads: 1 });
  }, REAL_DATA_TIMEOUT_MS);
  afterAll(async () => {
    await verifier?.close();
  });

  it('judges on hidden teacher tasks from the round secret, scored by RMS error', async () => {
    const tasks = await verifier.hiddenTasks(secret);
    expect(tasks.map((t) => t.id)).toEqual(
      hiddenTeacherTaskIds(secret, regression.hiddenTasks, 'nonlinear'),
    );
    expect(tasks.every((t) => t.metric === 'rms-error')).toBe(true);
    expect(tasks[0]!.train.n).toBe(regression.hiddenTrain);
    expect(tasks[0]!.valid.n).toBe(regression.hiddenValid);

    const verdict = await verifier.judge(nn, linear, secret);
    expect(verdict.tasks).toEqual(tasks.map((t) => t.id));
    // The NN fits a ReLU teacher far better than the linear genesis program.
    expect(verdict.challengerScore).toBeGreaterThan(verdict.holderScore + regression.margin);
    expect(scores(await verifier.judge(nn, linear, secret))).toEqual(scores(verdict));
    const empty = await verifier.judge(noop, linear, secret);
    expect(empty.challengerScore).toBeGreaterThan(0.4);
    expect(empty.challengerScore).toBeLessThan(verdict.holderScore);
  });

  it("fingerprints on the track's own probe tasks", async () => {
    const print = await verifier.fingerprint(nn);
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifier.fingerprint(insertAfter(nn, 'def Learn():', '  s4 = s3 * s3'))).toBe(
      print,
    );
    expect(await verifier.fingerprint(linear)).not.toBe(print);
  });
});
