/**
 * Regularized evolution on one island (Real et al. 2019, 2020): a population kept in age order;
 * each cycle samples T individuals with replacement, mutates a copy of the fittest, scores the
 * child, appends it and removes the oldest. Islands run in separate worker threads and exchange
 * their best programs now and then (migration), which the orchestrator arranges.
 *
 * An island's whole state is plain data (programs, fitnesses, its random stream), so a batch can
 * run on any worker thread, be saved to disk between batches, and resume exactly where it stopped.
 */
import { mutate, emptyProgram, type MutationSettings } from '../../shared/algorithm/mutate';
import { randomProgram } from '../../shared/algorithm/generate';
import { COMPONENTS, type Program } from '../../shared/algorithm/program';
import { OPS } from '../../shared/algorithm/ops';
import { Rng, mixSeeds } from '../../shared/random/rng';
import type { SearchConfig } from '../../shared/search/config';
import type { SearchEvaluator } from './search-evaluator';

export interface Individual {
  readonly program: Program;
  readonly fitness: number;
}

export interface IslandState {
  readonly id: number;
  /** Oldest first. Empty until the island is initialized. */
  readonly population: readonly Individual[];
  /** The island's random stream (xoshiro128** state words). */
  readonly rng: readonly number[];
  /** Individuals scored by this island so far (initial population included). */
  readonly individuals: number;
}

export interface BatchStats {
  readonly individuals: number;
  readonly cached: number;
  readonly refused: number;
  readonly trainSteps: number;
}

export interface BatchResult {
  readonly state: IslandState;
  readonly stats: BatchStats;
  /** The fittest individual of the population at the end of the batch. */
  readonly best: Individual;
}

/** Live counters a batch updates after every candidate, for progress between batches. */
export interface LiveCounters {
  /** [individuals, cached, refused] since the batch started. */
  readonly counts: Int32Array;
  /** [best fitness seen in the batch]. */
  readonly best: Float64Array;
}

/** With hurdles on, one child in this many skips them: search-evaluator.ts learns from those. */
const HURDLE_AUDIT = 10;

/**
 * A fresh island. `attempt` counts its restarts (config.restartAfterSeconds): each attempt has a
 * random stream of its own, the first the stream islands have always had.
 */
export function newIslandState(id: number, config: SearchConfig, attempt = 0): IslandState {
  const seed =
    attempt === 0
      ? mixSeeds(config.seed, id, 0x69736c64)
      : mixSeeds(config.seed, id, 0x69736c64, attempt);
  const rng = new Rng(seed);
  return { id, population: [], rng: Array.from(rng.state), individuals: 0 };
}

export function mutationSettings(config: SearchConfig): MutationSettings {
  return {
    probability: config.mutationProbability,
    types: config.mutationTypes,
    ops: config.ops,
    minSizes: config.minSizes,
    maxSizes: config.maxSizes,
  };
}

/** The best of T individuals drawn with replacement; the first drawn wins ties. */
function tournament(rng: Rng, population: readonly Individual[], size: number): Individual {
  let best = population[rng.int(population.length)]!;
  for (let i = 1; i < size; i++) {
    const contender = population[rng.int(population.length)]!;
    if (contender.fitness > best.fitness) best = contender;
  }
  return best;
}

/** The median fitness (the upper middle one of an even count). */
export function medianFitness(population: readonly Individual[]): number {
  const sorted = Float64Array.from(population, (ind) => ind.fitness).sort();
  return sorted[sorted.length >> 1]!;
}

/** Candidates for the best a batch reports: the top few by (possibly sampled) fitness. */
const REPORTED_CANDIDATES = 3;

/**
 * The individual a batch reports as its best, with a fitness anyone can reproduce. With fresh
 * random draws a fitness is one sample, and the population's top is biased towards lucky draws
 * (a copy of a record with random ops, scored a hundred times, shows the best of a hundred). So
 * the top few are scored again with the fixed stream and the best of those is reported, with
 * that score: what the hall of fame keeps, what a miner claims by and what bench:quality judges.
 */
function reportedBest(
  population: readonly Individual[],
  config: SearchConfig,
  evaluator: SearchEvaluator,
): Individual {
  if (config.randomDraws === 'fixed') return fittest(population);
  const top: Individual[] = [];
  for (const ind of [...population].sort((a, b) => b.fitness - a.fitness)) {
    if (top.some((t) => t.program === ind.program)) continue;
    top.push(ind);
    if (top.length === REPORTED_CANDIDATES) break;
  }
  let best: Individual | null = null;
  for (const ind of top) {
    const fitness = hasRandomOps(ind.program) ? evaluator.fixedFitness(ind.program) : ind.fitness;
    if (!best || fitness > best.fitness)
      best = fitness === ind.fitness ? ind : { program: ind.program, fitness };
  }
  return best!;
}

function hasRandomOps(program: Program): boolean {
  return COMPONENTS.some((c) => program[c].some((ins) => OPS[ins.op]!.random));
}

export function fittest(population: readonly Individual[]): Individual {
  let best = population[0]!;
  for (const ind of population) if (ind.fitness > best.fitness) best = ind;
  return best;
}

export interface BatchLimits {
  /** Stop once this many candidates were scored in the batch. */
  readonly maxIndividuals: number;
  /** Stop at this time (Date.now() milliseconds). */
  readonly deadline: number;
  /** Nonzero in element 0 asks the batch to stop after the current candidate. */
  readonly stop?: Int32Array;
}

/**
 * Runs one batch: initializes the population if needed (copies of the seed programs, in turn, when
 * there are any; else empty or random programs), takes in migrants (appended as newest, oldest
 * removed), then evolves until a limit. Seeds fill the whole population because regularized
 * evolution removes the oldest first: a lone seed placed first in line would be the first to go.
 */
export function runBatch(
  island: IslandState,
  config: SearchConfig,
  evaluator: SearchEvaluator,
  limits: BatchLimits,
  options: {
    migrants?: readonly Individual[];
    seeds?: readonly Program[];
    live?: LiveCounters;
  } = {},
): BatchResult {
  const rng = new Rng(0);
  rng.state.set(island.rng);
  const population = [...island.population];
  const stats = { individuals: 0, cached: 0, refused: 0, trainSteps: 0 };
  const live = options.live;
  const stopped = () =>
    (limits.stop !== undefined && Atomics.load(limits.stop, 0) !== 0) ||
    stats.individuals >= limits.maxIndividuals ||
    Date.now() >= limits.deadline;
  const { fec, hurdleTasks } = config;
  // Only a sampled fitness is worth measuring again.
  const remeasureAfter = fec.enabled && config.randomDraws === 'fresh' ? fec.remeasureAfter : 0;
  const score = (program: Program): Individual => {
    // Drawn for every candidate, used or not, so the stream does not depend on the cache.
    const drawSeed = rng.nextU32();
    const remeasure = remeasureAfter > 0 && rng.int(remeasureAfter) === 0;
    // One child in HURDLE_AUDIT skips the hurdle: an unbiased sample for the evaluator's estimate.
    const audit = hurdleTasks > 0 && rng.int(HURDLE_AUDIT) === 0;
    const hurdle =
      hurdleTasks > 0 && !audit && population.length === config.populationSize
        ? medianFitness(population)
        : undefined;
    const s = evaluator.score(program, { drawSeed, remeasure, hurdle });
    stats.individuals++;
    stats.trainSteps += s.trainSteps;
    if (s.cached) stats.cached++;
    if (s.refused) stats.refused++;
    if (live) {
      live.counts[0] = stats.individuals;
      live.counts[1] = stats.cached;
      live.counts[2] = stats.refused;
      // Live progress shows only fitnesses anyone can reproduce: a sampled one (random ops, fresh
      // draws) may be a lucky draw, and reaches the reported best at the batch's end if it holds.
      const exact = config.randomDraws === 'fixed' || !hasRandomOps(program);
      if (exact && s.fitness > live.best[0]!) live.best[0] = s.fitness;
    }
    return { program, fitness: s.fitness };
  };

  // Initialization counts against the batch like any other candidate, so it can be interrupted.
  const seeds = options.seeds ?? [];
  while (population.length < config.populationSize && !stopped()) {
    const i = population.length;
    const program =
      seeds.length > 0
        ? seeds[i % seeds.length]!
        : config.start === 'random'
          ? randomProgram(rng, config.memory, config.maxSizes, config.ops)
          : emptyProgram(config.minSizes);
    population.push(score(program));
  }
  if (population.length === config.populationSize) {
    for (const migrant of options.migrants ?? []) {
      population.push(migrant);
      population.shift();
    }
    const settings = mutationSettings(config);
    while (!stopped()) {
      const parent = tournament(rng, population, config.tournamentSize);
      const child = mutate(rng, parent.program, settings, config.memory);
      population.push(score(child.program));
      population.shift();
    }
  }
  const state: IslandState = {
    id: island.id,
    population,
    rng: Array.from(rng.state),
    individuals: island.individuals + stats.individuals,
  };
  const best =
    population.length > 0
      ? reportedBest(population, config, evaluator)
      : { program: emptyProgram(config.minSizes), fitness: 0 };
  return { state, stats, best };
}
