/**
 * The search configuration: AutoML-Zero's regularized evolution with its CIFAR defaults, plus what
 * a multi-core miner adds (islands, migration). A miner never needs to touch it; everything a user
 * or a file supplies goes through `parseSearchConfig`, whose errors name the field and the range.
 *
 * The search space comes from a named preset (search-presets.ts): by default AutoML-Zero's own
 * baseline space (run_baseline.sh), in which a learning rule is hundreds of times likelier to be
 * drawn than among all 64 ops; `"preset": "full"` keeps the whole op set for research.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MUTATION_TYPES } from '../algorithm/mutate';
import { NUM_OPS } from '../algorithm/ops';
import { DEFAULT_MEMORY } from '../algorithm/program';
import {
  DEFAULT_PRESET,
  SEARCH_PRESETS,
  isPresetName,
  type PresetName,
  type SearchPreset,
} from './search-presets';

/**
 * Training cost budget: twice the cost of AutoML-Zero's 2-layer neural network per training step
 * at F = 16 (916 operations, see cost.ts), as the C++ experiments' TrainBudget with threshold 2.
 */
export const DEFAULT_MAX_STEP_COST = 1832;

const int = (min: number, max: number) => z.int().min(min).max(max);
const sizes = (
  min: number,
  max: number,
  defaults: { setup: number; predict: number; learn: number },
) =>
  z
    .object({ setup: int(min, max), predict: int(min, max), learn: int(min, max) })
    .default(defaults);
const opList = z.array(int(0, NUM_OPS - 1)).max(1000);

export const SearchConfigSchema = z
  .object({
    /** The search space this config started from (its ops, mutation types and sizes). */
    preset: z.enum(Object.keys(SEARCH_PRESETS) as [PresetName, ...PresetName[]]),
    /** Individuals per island (P). */
    populationSize: int(2, 100_000).default(100),
    /** Tournament size (T): parents are the best of T individuals sampled with replacement. */
    tournamentSize: int(1, 100_000).default(10),
    mutationProbability: z.number().min(0).max(1).default(0.9),
    /** From the preset unless given. */
    mutationTypes: z.array(z.enum(MUTATION_TYPES)).min(1),
    /** Smallest and largest component functions a mutation may produce. */
    minSizes: sizes(0, 1000, { setup: 1, predict: 1, learn: 1 }),
    /** From the preset unless given: a mutation inserts only into a shorter function. */
    maxSizes: sizes(1, 1000, { setup: 6, predict: 10, learn: 22 }),
    /** Starting programs: NoOps at the minimum sizes ('empty') or random ones at the maximum sizes. */
    start: z.enum(['empty', 'random']).default('empty'),
    /** The ops each function draws from; from the preset unless given. */
    ops: z.object({ setup: opList, predict: opList, learn: opList }),
    memory: z
      .object({ scalars: int(2, 255), vectors: int(2, 255), matrices: int(0, 255) })
      .default({ ...DEFAULT_MEMORY }),
    /** Largest training cost per step (cost.ts units) a program may have; larger ones score 0. */
    maxStepCost: z.number().positive().default(DEFAULT_MAX_STEP_COST),
    tasks: z
      .object({
        /** Search tasks: projection seeds firstSeed.., each on its pair (searchPairForSeed). */
        count: int(1, 1000),
        firstSeed: int(0, 2 ** 31),
        features: z.literal(16),
        train: int(10, 8000),
        valid: int(10, 1000),
      })
      .default({ count: 10, firstSeed: 0, features: 16, train: 8000, valid: 1000 }),
    fec: z
      .object({
        enabled: z.boolean(),
        /** Training and validation examples run to fingerprint a program (AutoML-Zero: 10 and 10). */
        trainExamples: int(1, 500),
        validExamples: int(1, 500),
        /** Fingerprints kept per worker thread (least recently used dropped first). */
        cacheSize: int(1, 10_000_000),
        /**
         * With fresh random draws a cached fitness is one sample: on average every this many hits
         * the candidate is evaluated again and the new score replaces it (the C++ forgets an entry
         * after 100 hits). 0: never.
         */
        remeasureAfter: int(0, 1_000_000).default(100),
      })
      .default({
        enabled: true,
        trainExamples: 10,
        validExamples: 10,
        cacheSize: 100_000,
        remeasureAfter: 100,
      }),
    /**
     * 'fresh': every full evaluation during the search draws new values for the random ops (as
     * the C++ does), so evolution cannot select a lucky frozen random projection; the fingerprint
     * keeps the fixed stream. 'fixed': every evaluation draws from evalSeed. Claims, pools'
     * checks and validators always score with evalSeed, so a score stays reproducible.
     */
    randomDraws: z.enum(['fresh', 'fixed']).default('fresh'),
    /**
     * Progressive evaluation: a candidate is first scored on this many search tasks and goes on
     * to the rest only if that beats the population's median fitness; otherwise its fitness is
     * the mean over those tasks. 0: every candidate is scored on every task.
     */
    hurdleTasks: int(0, 1000).default(0),
    /** Every interval each island sends copies of its best `count` programs to the next island. */
    migration: z
      .object({ intervalSeconds: z.number().min(1).max(86_400), count: int(0, 100) })
      .default({ intervalSeconds: 30, count: 2 }),
    /**
     * An island whose best has not improved for this long starts again from its starting
     * programs, with a new random stream (its best stays in the hall of fame): searches plateau
     * within minutes and differ a lot from seed to seed, so several fresh attempts can beat one
     * long one. 0: never. Best with migration off, or migrants pull the new start back.
     */
    restartAfterSeconds: z
      .number()
      .min(0)
      .max(86_400 * 365)
      .default(0),
    /** Seed of the search (mutations, tournaments); each island derives its own stream from it. */
    seed: int(0, 2 ** 32 - 1).default(0),
    /** Seed of the programs' random ops during evaluation. */
    evalSeed: int(0, 2 ** 32 - 1).default(0),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.tournamentSize > c.populationSize) {
      ctx.addIssue({
        code: 'custom',
        path: ['tournamentSize'],
        message: `must be at most populationSize (${c.populationSize}), got ${c.tournamentSize}`,
      });
    }
    for (const part of ['setup', 'predict', 'learn'] as const) {
      if (c.minSizes[part] > c.maxSizes[part]) {
        ctx.addIssue({
          code: 'custom',
          path: ['minSizes', part],
          message: `must be at most maxSizes.${part} (${c.maxSizes[part]}), got ${c.minSizes[part]}`,
        });
      }
    }
    for (const part of ['setup', 'predict', 'learn'] as const) {
      // Predict always needs ops (it makes the prediction); a function a random start fills, too.
      const needsOps = part === 'predict' || (c.start === 'random' && c.maxSizes[part] > 0);
      if (needsOps && c.ops[part].length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['ops', part],
          message:
            part === 'predict'
              ? 'must allow at least one op'
              : 'must allow at least one op when the search starts from random programs',
        });
      }
    }
    if (c.hurdleTasks > 0 && c.hurdleTasks >= c.tasks.count) {
      ctx.addIssue({
        code: 'custom',
        path: ['hurdleTasks'],
        message: `must be below tasks.count (${c.tasks.count}) to stop anything, got ${c.hurdleTasks}`,
      });
    }
  });

export type SearchConfig = z.output<typeof SearchConfigSchema>;
/** What a settings file may hold: every field optional (the preset and the defaults fill them). */
export type SearchConfigInput = Partial<z.input<typeof SearchConfigSchema>>;

export class SearchConfigError extends Error {
  override readonly name = 'SearchConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid search configuration: ${problems.join('; ')}`);
  }
}

/**
 * Fills defaults (first the preset's, `"preset"` naming it, then the rest) and validates; throws
 * SearchConfigError naming each bad field and its range.
 */
export function parseSearchConfig(input: unknown = {}): SearchConfig {
  const result = SearchConfigSchema.safeParse(withPreset(input));
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    return `${where}: ${issue.message}`;
  });
  throw new SearchConfigError(problems);
}

/** The input with its preset's fields filled in where it does not set them. */
function withPreset(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const fields = input as Record<string, unknown>;
  const name = fields.preset ?? DEFAULT_PRESET;
  if (!isPresetName(name)) {
    throw new SearchConfigError([
      `preset: must be one of ${Object.keys(SEARCH_PRESETS).join(', ')}, got ${JSON.stringify(name)}`,
    ]);
  }
  // A copy: a parsed config must not share (and let anyone change) the preset's arrays.
  const preset = JSON.parse(JSON.stringify(SEARCH_PRESETS[name])) as SearchPreset;
  return { ...preset, ...fields, preset: name };
}

export const DEFAULT_SEARCH_CONFIG: SearchConfig = parseSearchConfig({});

/**
 * What a fitness value means under this config: the tasks, the evaluation seed, the memory, the
 * cost budget and the cache settings. Two searches with the same scope can share saved states
 * and cached fitnesses; the search operators (population, mutations) do not enter it.
 */
export function searchScope(config: SearchConfig): string {
  const { tasks, evalSeed, memory, maxStepCost, fec, randomDraws, hurdleTasks } = config;
  const key = JSON.stringify({
    v: 2,
    tasks,
    evalSeed,
    memory,
    maxStepCost,
    fec: fec.enabled ? [fec.trainExamples, fec.validExamples, fec.remeasureAfter] : null,
    randomDraws,
    hurdleTasks,
  });
  return bytesToHex(blake2b(utf8ToBytes(key), { dkLen: 16 }));
}
