import { describe, expect, it } from 'vitest';
import { trainStepCost } from '../algorithm/cost';
import { parseProgramOrThrow } from '../algorithm/dsl';
import {
  DEFAULT_MAX_STEP_COST,
  DEFAULT_SEARCH_CONFIG,
  SearchConfigError,
  parseSearchConfig,
  searchScope,
} from './config';
import { readFileSync } from 'node:fs';

describe('search configuration', () => {
  it("defaults to AutoML-Zero's CIFAR setup and its baseline search space, plus connected insertion", () => {
    const c = DEFAULT_SEARCH_CONFIG;
    expect(c.preset).toBe('baseline-connected');
    expect([c.populationSize, c.tournamentSize, c.mutationProbability]).toEqual([100, 10, 0.9]);
    expect(c.maxSizes).toEqual({ setup: 6, predict: 10, learn: 22 });
    expect(c.tasks).toEqual({ count: 10, firstSeed: 0, features: 16, train: 8000, valid: 1000 });
    expect(c.start).toBe('empty');
    expect(c.randomDraws).toBe('fresh');
    expect(c.fec.remeasureAfter).toBe(100);
    // run_baseline.sh's lists, by instruction.proto op code
    expect(c.ops).toEqual({
      setup: [56, 62, 59, 63, 60, 64, 61],
      predict: [1, 31, 48, 27, 23],
      learn: [1, 2, 3, 18, 23, 16, 25, 28, 39],
    });
    // The C++'s four mutation types, and connected insertion (measured: BENCHMARKS.md).
    expect(c.mutationTypes).toEqual([
      'alterParam',
      'randomizeComponent',
      'insertInstruction',
      'insertConnected',
      'removeInstruction',
    ]);
    // The C++'s own configuration stays a preset: speed ratios are measured in it.
    expect(parseSearchConfig({ preset: 'cpp-baseline' }).mutationTypes).toEqual([
      'alterParam',
      'randomizeComponent',
      'insertInstruction',
      'removeInstruction',
    ]);
  });

  it('keeps the whole op set as a preset, and a preset field can be overridden', () => {
    const full = parseSearchConfig({ preset: 'full' });
    expect(full.ops.predict).toHaveLength(64);
    expect(full.mutationTypes).toContain('randomizeInstruction');
    expect(full.maxSizes).toEqual({ setup: 7, predict: 11, learn: 23 });
    const mine = parseSearchConfig({
      preset: 'full',
      ops: { setup: [56], predict: [27], learn: [1] },
    });
    expect(mine.ops.predict).toEqual([27]);
    expect(mine.mutationTypes).toEqual(full.mutationTypes);
    // Parsed configs do not share the preset's arrays.
    mine.mutationTypes.pop();
    expect(parseSearchConfig({ preset: 'full' }).mutationTypes).toHaveLength(5);
  });

  it('budgets twice the training cost of the 2-layer neural network', () => {
    const nn = parseProgramOrThrow(
      readFileSync(new URL('../../examples/nn.dsl', import.meta.url), 'latin1'),
    );
    expect(DEFAULT_MAX_STEP_COST).toBe(2 * trainStepCost(nn, 16));
  });

  it('names the field and the allowed range of every problem', () => {
    const problems = (input: unknown) => {
      try {
        parseSearchConfig(input);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(SearchConfigError);
        return (err as SearchConfigError).problems;
      }
    };
    expect(problems({ populationSize: 1 })[0]).toMatch(/^populationSize: .*>=2/);
    expect(problems({ mutationProbability: 1.5 })).toEqual([
      'mutationProbability: Too big: expected number to be <=1',
    ]);
    expect(problems({ tournamentSize: 500 })).toEqual([
      'tournamentSize: must be at most populationSize (100), got 500',
    ]);
    expect(problems({ maxSizes: { setup: 7, predict: 0, learn: 5 } })[0]).toMatch(
      /^maxSizes\.predict: .*>=1/,
    );
    expect(problems({ threads: 4 })[0]).toMatch(/Unrecognized key: "threads"/);
    expect(problems({ preset: 'mine' })).toEqual([
      'preset: must be one of cpp-baseline, baseline-connected, full, got "mine"',
    ]);
    expect(problems({ ops: { setup: [56], predict: [], learn: [1] } })).toEqual([
      'ops.predict: must allow at least one op',
    ]);
    expect(problems({ start: 'random', ops: { setup: [], predict: [27], learn: [1] } })).toEqual([
      'ops.setup: must allow at least one op when the search starts from random programs',
    ]);
    expect(problems({ ops: { setup: [], predict: [27], learn: [] } })).toEqual([]);
    expect(problems({ hurdleTasks: 10 })).toEqual([
      'hurdleTasks: must be below tasks.count (10) to stop anything, got 10',
    ]);
  });

  it('has a scope that changes with what fitness means, not with how the search runs', () => {
    const base = searchScope(DEFAULT_SEARCH_CONFIG);
    expect(searchScope(parseSearchConfig({ populationSize: 50, seed: 3 }))).toBe(base);
    expect(searchScope(parseSearchConfig({ preset: 'full' }))).toBe(base);
    expect(searchScope(parseSearchConfig({ evalSeed: 1 }))).not.toBe(base);
    expect(searchScope(parseSearchConfig({ randomDraws: 'fixed' }))).not.toBe(base);
    expect(searchScope(parseSearchConfig({ hurdleTasks: 3 }))).not.toBe(base);
    expect(
      searchScope(
        parseSearchConfig({
          tasks: { count: 5, firstSeed: 0, features: 16, train: 8000, valid: 1000 },
        }),
      ),
    ).not.toBe(base);
  });
});
