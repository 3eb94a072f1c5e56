import { describe, expect, it } from 'vitest';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { programsEqual } from '../../shared/algorithm/program';
import { parseSearchConfig } from '../../shared/search/config';
import { WasmEngine } from '../eval/wasm/engine';
import { syntheticTask } from '../eval/synthetic-task';
import { fittest, newIslandState, runBatch } from './island';
import { SearchEvaluator } from './search-evaluator';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 60, valid: 30 },
});
const tasks = [1, 2].map((seed) =>
  syntheticTask({ F: 16, seed, train: 60, valid: 30, learnable: true }),
);
const evaluator = () => new SearchEvaluator(new WasmEngine(config.memory, 16), tasks, config);
const forever = { maxIndividuals: 400, deadline: Number.MAX_SAFE_INTEGER };

const linear = parseProgramOrThrow(`
def Setup():
  s2 = 0.1
def Predict():
  s1 = dot(v1, v0)
def Learn():
  s3 = s0 - s1
  s3 = s2 * s3
  v2 = s3 * v0
  v1 = v1 + v2
`);

describe('search evaluator', () => {
  it('scores a program the same from the cache as from a full evaluation', () => {
    const e = evaluator();
    const first = e.score(linear);
    // An unused constant does not change the function computed: a cache hit with the same fitness.
    const withUnusedConstant = parseProgramOrThrow(
      printProgram(linear).replace('  s2 = 0.1\n', '  s2 = 0.1\n  s4 = 5\n'),
    );
    expect(withUnusedConstant.setup).toHaveLength(2);
    const again = e.score(withUnusedConstant);
    expect(first.cached).toBe(false);
    expect(first.fitness).toBeGreaterThan(0.7);
    expect(again.cached).toBe(true);
    expect(again.fitness).toBe(first.fitness);
    expect(evaluator().score(linear).fitness).toBe(first.fitness);
  });

  it('refuses programs over the training-cost budget without running them', () => {
    const e = new SearchEvaluator(new WasmEngine(config.memory, 16), tasks, {
      ...config,
      maxStepCost: 10,
    });
    expect(e.score(linear)).toEqual({
      fitness: 0,
      cached: false,
      refused: true,
      trainSteps: 0,
      hurdled: false,
    });
  });
});

describe('search evaluator: random draws, re-measuring, hurdles', () => {
  // A frozen random projection: its accuracy depends on the values the Gaussian op draws.
  const projection = parseProgramOrThrow(`
def Setup():
  v1 = gaussian(0.0, 1.0, n_features)
def Predict():
  s1 = dot(v1, v0)
def Learn():
  s2 = s0 + s1
`);
  const withConfig = (overrides: Record<string, unknown>) => {
    const c = parseSearchConfig({ ...config, ...overrides });
    return new SearchEvaluator(new WasmEngine(c.memory, 16), tasks, c);
  };

  it('draws fresh values per evaluation, or the fixed stream of evalSeed', () => {
    const fresh = [1, 2, 3, 4].map(
      (drawSeed) => withConfig({}).score(projection, { drawSeed }).fitness,
    );
    expect(new Set(fresh).size).toBeGreaterThan(1);
    const fixed = [1, 2].map(
      (drawSeed) => withConfig({ randomDraws: 'fixed' }).score(projection, { drawSeed }).fitness,
    );
    expect(fixed[0]).toBe(fixed[1]);
    expect(fixed[0]).toBe(withConfig({}).score(projection).fitness);
  });

  it('measures a cached program again when asked and keeps the new fitness', () => {
    const e = withConfig({});
    const seeds = [1, 2, 3, 4, 5, 6];
    const first = e.score(projection, { drawSeed: seeds[0] });
    const other = seeds.find(
      (drawSeed) => withConfig({}).score(projection, { drawSeed }).fitness !== first.fitness,
    )!;
    expect(e.score(projection, { drawSeed: other })).toMatchObject({
      cached: true,
      fitness: first.fitness,
    });
    const again = e.score(projection, { drawSeed: other, remeasure: true });
    expect(again.cached).toBe(false);
    expect(again.fitness).not.toBe(first.fitness);
    expect(e.score(projection, { drawSeed: 99 })).toMatchObject({
      cached: true,
      fitness: again.fitness,
    });
  });

  it('reports as its best the top programs scored again with the fixed stream', () => {
    const e = withConfig({});
    const linearFitness = e.score(linear).fitness;
    const fixedProjection = e.fixedFitness(projection);
    expect(fixedProjection).toBeLessThan(linearFitness);
    // A lucky sample of the projection tops the population; the batch reports the linear model.
    const population = [
      { program: projection, fitness: 0.99 },
      ...Array.from({ length: 19 }, () => ({ program: linear, fitness: linearFitness })),
    ];
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);
    const island = { ...newIslandState(0, config), population };
    const result = runBatch(island, config, e, { ...forever, stop });
    expect(result.best.program).toBe(linear);
    expect(result.best.fitness).toBe(linearFitness);
    // With fixed draws the population's fitness is the score: the top is reported as it is.
    const fixed = parseSearchConfig({ ...config, randomDraws: 'fixed' });
    expect(runBatch(island, fixed, e, { ...forever, stop }).best).toBe(population[0]);
  });

  it('stops after the first tasks when they do not beat the hurdle, once it knows their bias', () => {
    const e = withConfig({ hurdleTasks: 1 });
    const full = e.score(linear, { hurdle: 0.999 });
    // Until it has learned how the first task's score differs from the mean, nothing is stopped.
    expect(full.hurdled).toBe(false);
    // Scores past a hurdle are a biased sample: only unhurdled ones teach it the bias.
    for (let i = 0; i < 30; i++) e.score(linear, { hurdle: 0, remeasure: true });
    expect(e.score(linear, { hurdle: 0.999, remeasure: true }).hurdled).toBe(false);
    for (let i = 0; i < 30; i++) e.score(linear, { remeasure: true });
    const stopped = e.score(linear, { hurdle: 0.999, remeasure: true });
    expect(stopped.hurdled).toBe(true);
    expect(stopped.trainSteps).toBeLessThan(full.trainSteps);
    // Its fitness is estimated from the first task, less the bias learned: for the program the
    // bias was learned on, exactly its mean over all tasks.
    expect(stopped.fitness).toBeCloseTo(full.fitness, 12);
    // A hurdle below the estimate lets it through; without a hurdle every task is scored.
    expect(e.score(linear, { hurdle: 0, remeasure: true }).hurdled).toBe(false);
    expect(e.score(linear, { remeasure: true }).hurdled).toBe(false);
  });
});

describe('an island batch', () => {
  it('fills the population, then keeps it at P while evolving, oldest out first', () => {
    const result = runBatch(newIslandState(0, config), config, evaluator(), forever);
    expect(result.stats.individuals).toBe(400);
    expect(result.state.population).toHaveLength(20);
    expect(result.state.individuals).toBe(400);
    expect(result.stats.cached).toBeGreaterThan(100);
    expect(result.best).toBe(fittest(result.state.population));
  });

  it('starts from seed programs: copies fill the population, so a good seed survives aging', () => {
    const seeded = runBatch(newIslandState(1, config), config, evaluator(), forever, {
      seeds: [linear],
    });
    const seedFitness = evaluator().score(linear).fitness;
    // 400 individuals is 20 generations of this population: the seed's line is still there.
    expect(seeded.best.fitness).toBeGreaterThanOrEqual(seedFitness);
    const fresh = runBatch(newIslandState(1, config), config, evaluator(), forever);
    expect(seeded.best.fitness).toBeGreaterThan(fresh.best.fitness);
  });

  it('is a pure function of the island state: same batch, same result', () => {
    const a = runBatch(newIslandState(3, config), config, evaluator(), forever);
    const b = runBatch(newIslandState(3, config), config, evaluator(), forever);
    expect(a.state.rng).toEqual(b.state.rng);
    expect(a.state.population.map((i) => i.fitness)).toEqual(
      b.state.population.map((i) => i.fitness),
    );
    a.state.population.forEach((ind, i) =>
      expect(programsEqual(ind.program, b.state.population[i]!.program)).toBe(true),
    );
  });

  it('resumes from its saved state exactly as if it had not stopped', () => {
    const whole = runBatch(newIslandState(1, config), config, evaluator(), {
      ...forever,
      maxIndividuals: 300,
    });
    const first = runBatch(newIslandState(1, config), config, evaluator(), {
      ...forever,
      maxIndividuals: 120,
    });
    const second = runBatch(first.state, config, evaluator(), { ...forever, maxIndividuals: 180 });
    expect(second.state.rng).toEqual(whole.state.rng);
    expect(second.state.population.map((i) => i.fitness)).toEqual(
      whole.state.population.map((i) => i.fitness),
    );
  });

  it('takes migrants in as its newest members and stops when asked', () => {
    const start = runBatch(newIslandState(0, config), config, evaluator(), {
      ...forever,
      maxIndividuals: 20,
    });
    const stop = new Int32Array(new SharedArrayBuffer(4));
    Atomics.store(stop, 0, 1);
    const migrant = { program: linear, fitness: 0.99 };
    const next = runBatch(
      start.state,
      config,
      evaluator(),
      { ...forever, stop },
      { migrants: [migrant] },
    );
    expect(next.stats.individuals).toBe(0);
    expect(next.state.population.at(-1)).toBe(migrant);
    expect(next.state.population).toHaveLength(20);
    expect(next.best).toBe(migrant);
  });

  it('improves on the empty program on a learnable task', () => {
    const seeded = { ...config, seed: 1 };
    const result = runBatch(newIslandState(0, seeded), seeded, evaluator(), {
      ...forever,
      maxIndividuals: 10_000,
    });
    expect(result.best.fitness).toBeGreaterThan(0.6);
  }, 120_000);
});
