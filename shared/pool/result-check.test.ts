import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow, printProgram } from '../algorithm/dsl';
import { parseSearchConfig } from '../search/config';
import { programProblem, resultProblem } from './result-check';
import type { EvolveUnit, WorkResult } from './units';

const config = parseSearchConfig({});
const linear = printProgram(
  parseProgramOrThrow(
    'def Setup():\n  s3 = 0.01\ndef Predict():\n  s1 = dot(v1, v0)\ndef Learn():\n  s4 = s0 - s1\n  s4 = s3 * s4\n  v2 = s4 * v0\n  v1 = v1 + v2\n',
  ),
);
const unit: EvolveUnit = {
  kind: 'evolve',
  id: '0'.repeat(32),
  scope: 'scope',
  parents: [linear],
  seed: 1,
  individuals: 10,
  keep: 2,
};
const evolved = (program: string): WorkResult => ({
  kind: 'evolve',
  unit: unit.id,
  children: [{ program, fitness: 1 }],
  evaluated: 110,
});

describe('pool result checks', () => {
  it('lets a result of canonical programs within budget through', () => {
    expect(resultProblem(unit, evolved(linear), config)).toBeNull();
  });

  it('refuses programs that do not parse, are not canonical or cost too much', () => {
    expect(resultProblem(unit, evolved('def Setup(:\n'), config)).toMatch(
      /child 0: does not parse/,
    );
    expect(programProblem(`${linear}\n\n`, config)).toMatch(/canonical/);
    const costly = printProgram(
      parseProgramOrThrow(
        `def Setup():\ndef Predict():\n${'  v3 = dot(m0, v0)\n'.repeat(9)}def Learn():\n`,
      ),
    );
    expect(programProblem(costly, { ...config, maxStepCost: 100 })).toMatch(/at most 100/);
  });

  it('refuses a result for another unit or of the wrong shape', () => {
    expect(resultProblem(unit, { ...evolved(linear), unit: '1'.repeat(32) }, config)).toMatch(
      /not evolve unit/,
    );
    const three = { ...evolved(linear), children: Array(3).fill({ program: linear, fitness: 1 }) };
    expect(resultProblem(unit, three as WorkResult, config)).toMatch(/keeps 2/);
    const evaluate = {
      kind: 'evaluate' as const,
      id: unit.id,
      scope: 's',
      programs: [linear, linear],
      tasks: [0, 1, 2],
    };
    expect(
      resultProblem(
        evaluate,
        { kind: 'evaluate', unit: unit.id, fitnesses: [[0.5, 0.5, 0.5]] },
        config,
      ),
    ).toMatch(/2 × 3/);
  });
});
