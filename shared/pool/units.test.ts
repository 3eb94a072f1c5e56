import { describe, expect, it } from 'vitest';
import { resultDigest, unitCost, WorkResultSchema, WorkUnitSchema, type WorkResult } from './units';

const ID = '0123456789abcdef0123456789abcdef';

describe('work units', () => {
  it('accepts well-formed units and names what is wrong with others', () => {
    const evaluate = {
      kind: 'evaluate',
      id: ID,
      scope: 's',
      programs: ['def Setup():\n'],
      tasks: [0, 3],
    };
    expect(WorkUnitSchema.parse(evaluate)).toEqual(evaluate);
    const twice = WorkUnitSchema.safeParse({ ...evaluate, tasks: [1, 1] });
    expect(twice.success).toBe(false);
    expect(JSON.stringify(twice.error?.issues)).toMatch(/a task index appears twice/);
    expect(WorkUnitSchema.safeParse({ ...evaluate, extra: 1 }).success).toBe(false);
    expect(WorkUnitSchema.safeParse({ ...evaluate, id: 'x' }).success).toBe(false);
    expect(
      WorkUnitSchema.safeParse({
        kind: 'evolve',
        id: ID,
        scope: 's',
        parents: ['p'],
        seed: 2 ** 32,
        individuals: 10,
        keep: 1,
      }).success,
    ).toBe(false);
  });

  it('gives equal results one digest and any change in a fitness bit another', () => {
    const result: WorkResult = { kind: 'evaluate', unit: ID, fitnesses: [[0.5, 0.7125]] };
    const same = WorkResultSchema.parse(JSON.parse(JSON.stringify(result)));
    expect(resultDigest(same)).toBe(resultDigest(result));
    const nudged = { ...result, fitnesses: [[0.5, 0.7125 + Number.EPSILON / 2]] };
    expect(nudged.fitnesses[0]![1]).not.toBe(0.7125);
    expect(resultDigest(nudged)).not.toBe(resultDigest(result));
    expect(resultDigest(result)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('measures work in full-task individuals', () => {
    const unit = WorkUnitSchema.parse({
      kind: 'evaluate',
      id: ID,
      scope: 's',
      programs: ['a', 'b'],
      tasks: [0, 1, 2, 3, 4],
    });
    expect(unitCost(unit, 10)).toBe(1);
  });
});
