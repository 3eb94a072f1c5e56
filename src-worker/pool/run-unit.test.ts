import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { resultDigest, WorkResultSchema, type WorkUnit } from '../../shared/pool/units';
import { parseSearchConfig } from '../../shared/search/config';
import { JsEngine } from '../eval/js-engine';
import { evaluateProgram } from '../eval/evaluate';
import { syntheticTask } from '../eval/synthetic-task';
import { WasmEngine } from '../eval/wasm/engine';
import { Rng } from '../../shared/random/rng';
import { runUnit, UnitError } from './run-unit';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 3, firstSeed: 0, features: 16, train: 60, valid: 30 },
});
const tasks = [1, 2, 3].map((seed) =>
  syntheticTask({ F: 16, seed, train: 60, valid: 30, learnable: true }),
);
const example = (name: string) =>
  printProgram(
    parseProgramOrThrow(
      readFileSync(path.resolve(import.meta.dirname, `../../examples/${name}.dsl`), 'utf8'),
    ),
  );
const wasm = () => new WasmEngine(config.memory, 16);
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

describe('pool work units', () => {
  it('evaluates as the search scores, per task, the same on every engine', () => {
    const unit: WorkUnit = {
      kind: 'evaluate',
      id: ID,
      scope: 's',
      programs: [example('linear_regression'), example('nn')],
      tasks: [2, 0],
    };
    const result = runUnit(unit, config, tasks, wasm());
    expect(WorkResultSchema.parse(result)).toEqual(result);
    const settings = { seed: config.evalSeed, trainExamples: config.tasks.train };
    const expected = unit.programs.map((p) =>
      evaluateProgram(wasm(), parseProgramOrThrow(p), [tasks[2]!, tasks[0]!], settings).tasks.map(
        (t) => t.fitness,
      ),
    );
    expect(result).toEqual({ kind: 'evaluate', unit: ID, fitnesses: expected });
    // Another engine (JavaScript instead of WebAssembly): the same bytes, the same digest.
    const js = new JsEngine(config.memory, 16, new Rng(0));
    expect(resultDigest(runUnit(unit, config, tasks, js))).toBe(resultDigest(result));
  });

  it('evolves the same children from the same unit, whatever ran before on the thread', () => {
    const unit: WorkUnit = {
      kind: 'evolve',
      id: ID,
      scope: 's',
      parents: [example('linear_regression')],
      seed: 7,
      individuals: 150,
      keep: 3,
    };
    const engine = wasm();
    const first = runUnit(unit, config, tasks, engine);
    runUnit({ ...unit, seed: 8 }, config, tasks, engine);
    const again = runUnit(unit, config, tasks, engine);
    expect(resultDigest(again)).toBe(resultDigest(first));
    expect(resultDigest(runUnit(unit, config, tasks, wasm()))).toBe(resultDigest(first));
    expect(first).toMatchObject({ kind: 'evolve', evaluated: 170 });
    if (first.kind !== 'evolve') throw new Error('unreachable');
    expect(first.children).toHaveLength(3);
    const fits = first.children.map((c) => c.fitness);
    expect(fits).toEqual([...fits].sort((a, b) => b - a));
    // Another seed explores differently.
    expect(resultDigest(runUnit({ ...unit, seed: 8 }, config, tasks, wasm()))).not.toBe(
      resultDigest(first),
    );
    // A pool's check tasks after the search's own change nothing in its evolution.
    const check = syntheticTask({ F: 16, seed: 4, train: 60, valid: 30, learnable: true });
    expect(resultDigest(runUnit(unit, config, [...tasks, check], wasm()))).toBe(
      resultDigest(first),
    );
  });

  it('refuses a unit it cannot run, with the reason', () => {
    const bad: WorkUnit = {
      kind: 'evaluate',
      id: ID,
      scope: 's',
      programs: ['nonsense'],
      tasks: [0],
    };
    expect(() => runUnit(bad, config, tasks, wasm())).toThrow(UnitError);
    expect(() => runUnit(bad, config, tasks, wasm())).toThrow(/program 0 is not a valid program/);
    const missingTask: WorkUnit = { ...bad, programs: [example('nn')], tasks: [9] };
    expect(() => runUnit(missingTask, config, tasks, wasm())).toThrow(/task 9 is not among the 3/);
  });
});
