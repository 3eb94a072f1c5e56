/**
 * `sota-miner judge` on real CIFAR-10 with the default track: the verdict a validator would give
 * for a fixed round secret, the fingerprint statement, and bad input named by file.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { hiddenTaskIds, roundSecret } from '../../shared/protocol/hidden-tasks';
import { CIFAR10_BINARY } from '../../shared/protocol/track';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';
import { formatJudgeReport, parseRounds, runJudge } from './judge-command';

/** Judging reads 10 hidden tasks of 8000 + 2000 images; generous for a loaded 2-core machine. */
const JUDGE_TIMEOUT_MS = 120_000;
/** The secret src-main/validator/verifier.test.ts pins its verdict with. */
const secret = roundSecret(new Uint8Array(32).fill(7), 1);
const NN = 'examples/nn.dsl';
const LINEAR = 'examples/linear_regression.dsl';

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sota-judge-')), name);
  writeFileSync(file, text);
  return file;
}

describe('judge command', () => {
  let cifarDir: string;
  beforeAll(async () => {
    cifarDir = await realCifar10Dir();
  }, REAL_DATA_TIMEOUT_MS);

  it(
    'gives the validator verdict for a fixed round secret: the NN beats the linear model',
    async () => {
      const lines: string[] = [];
      const report = await runJudge(
        { program: NN, holder: LINEAR, secrets: [secret], threads: 1, cifarDir, json: false },
        (line) => lines.push(line),
      );
      expect(report.verdicts).toHaveLength(1);
      const [v] = report.verdicts;
      // The verifier test's pinned scores: the same code path, the same numbers bit for bit.
      expect(v).toMatchObject({
        round: 1,
        secret,
        accepted: true,
        challenger: 0.7264,
        holder: 0.69095,
        margin: CIFAR10_BINARY.margin,
        reason: 'beats the holder by 0.0355 (margin 0.01)',
      });
      expect(v!.tasks.map(({ pair: _, challenger: _c, holder: _h, ...id }) => id)).toEqual(
        hiddenTaskIds(secret, CIFAR10_BINARY.hiddenTasks),
      );
      expect(report.accepted).toBe(1);
      expect(report.identical).toBe(false);
      expect(report.challenger.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(lines.some((l) => l.startsWith('round 1 of 1'))).toBe(true);

      // What `--json` prints: one line that parses, verdicts first.
      const json = JSON.stringify(report);
      expect(json).not.toContain('\n');
      expect(json.startsWith('{"verdicts":[{')).toBe(true);
      const parsed = JSON.parse(json) as { verdicts: { accepted: boolean; challenger: number }[] };
      expect(parsed.verdicts[0]).toMatchObject({ accepted: true, challenger: 0.7264 });

      const text = formatJudgeReport(report);
      expect(text).toContain(`round 1 of 1 (secret ${secret})`);
      expect(text).toMatch(/mean accuracy\s+0\.7264\s+0\.6909/);
      expect(text).toContain(
        'accepted in 1 of 1 round (the challenger must beat the holder by 0.01',
      );
      expect(text).toContain('no: they make different predictions');
    },
    JUDGE_TIMEOUT_MS,
  );

  it(
    'says when the challenger is the holder with dead code, and rejects it',
    async () => {
      const linear = readFileSync(LINEAR, 'latin1');
      // s4 is written in Setup and never read: the same predictions, another digest.
      const copy = tempFile(
        'copy.dsl',
        linear.replace('  s2 = 0.01\n', '  s2 = 0.01\n  s4 = -2.5\n'),
      );
      const report = await runJudge(
        { program: copy, holder: LINEAR, secrets: [secret], threads: 1, cifarDir, json: true },
        () => {},
      );
      expect(report.sameProgram).toBe(false);
      expect(report.identical).toBe(true);
      expect(report.verdicts[0]).toMatchObject({ accepted: false, gain: 0 });
      expect(formatJudgeReport(report)).toContain('validators refuse such a claim');
    },
    JUDGE_TIMEOUT_MS,
  );

  it(
    "judges on a teacher track's hidden tasks with no CIFAR-10 folder, against its genesis",
    async () => {
      const report = await runJudge(
        {
          program: NN,
          holder: 'examples/logistic_regression.dsl',
          secrets: [secret],
          threads: 1,
          cifarDir: '/nonexistent',
          track: 'regression-relu-teacher-v1',
          json: true,
        },
        () => {},
      );
      const [v] = report.verdicts;
      expect(v!.accepted).toBe(true);
      expect(v!.tasks.map((t) => t.pair)).toEqual(Array(10).fill('nonlinear teacher'));
      await expect(
        runJudge({ program: NN, holder: LINEAR, track: 'mnist-v1', json: true }, () => {}),
      ).rejects.toThrow(/unknown track mnist-v1: judge knows/);
    },
    JUDGE_TIMEOUT_MS,
  );

  it('names the file of a bad program before touching any data', async () => {
    const base = { holder: LINEAR, cifarDir: '/nonexistent', json: true };
    const bad = tempFile(
      'bad.dsl',
      'def Setup():\n  s1 = 0.1\ndef Predict():\n  v1 = dot(v2, v3)\n',
    );
    await expect(runJudge({ ...base, program: bad }, () => {})).rejects.toThrow(
      `${bad}:4:12: wrong operand kinds`,
    );
    await expect(runJudge({ ...base, program: NN, holder: bad }, () => {})).rejects.toThrow(
      `${bad}:4:12`,
    );
    const missing = path.join(path.dirname(bad), 'missing.dsl');
    await expect(runJudge({ ...base, program: missing }, () => {})).rejects.toThrow(
      `${missing}: no such program file`,
    );
    const folder = path.dirname(bad);
    await expect(runJudge({ ...base, program: folder }, () => {})).rejects.toThrow(
      `${folder}: cannot read it`,
    );
    const nn = readFileSync(NN, 'latin1');
    const costly = tempFile(
      'costly.dsl',
      nn.replace('def Learn():\n', 'def Learn():\n  m1 = matmul(m0, m0)\n'),
    );
    const tooCostly = runJudge({ ...base, program: costly }, () => {});
    await expect(tooCostly).rejects.toThrow(`${costly}: training step costs`);
    await expect(tooCostly).rejects.toThrow(
      /the track allows at most \d+: validators refuse it unrun$/,
    );
  });

  it('checks rounds and secrets', async () => {
    expect(parseRounds('3')).toBe(3);
    for (const bad of ['0', '101', '1.5', 'x'])
      expect(() => parseRounds(bad)).toThrow(InvalidArgumentError);
    const base = { program: NN, holder: LINEAR, cifarDir: '/nonexistent', json: true };
    await expect(runJudge({ ...base, secrets: ['00'] }, () => {})).rejects.toThrow(
      /secret '00': a round secret is 64 hex digits/,
    );
    await expect(runJudge({ ...base, secrets: [secret], rounds: 2 }, () => {})).rejects.toThrow(
      /1 secret\(s\) name 1 round\(s\), not 2/,
    );
    await expect(runJudge({ ...base, rounds: 0 }, () => {})).rejects.toThrow(/1\.\.100/);
  });
});
