/**
 * The search configuration: AutoML-Zero's regularized evolution with its CIFAR defaults, plus what
 * a multi-core miner adds (islands, migration). A miner never needs to touch it; everything a user
 * or a file supplies goes through `parseSearchConfig`, whose errors name the field and the range.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { MUTATION_TYPES } from '../algorithm/mutate';
import { NUM_OPS } from '../algorithm/ops';
import { DEFAULT_MEMORY } from '../algorithm/program';

/** Every op but NO_OP: a search gains nothing from drawing no-ops. */
export const SEARCH_OPS: readonly number[] = Array.from({ length: NUM_OPS - 1 }, (_, i) => i + 1);

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
    /** Individuals per island (P). */
    populationSize: int(2, 100_000).default(100),
    /** Tournament size (T): parents are the best of T individuals sampled with replacement. */
    tournamentSize: int(1, 100_000).default(10),
    mutationProbability: z.number().min(0).max(1).default(0.9),
    mutationTypes: z
      .array(z.enum(MUTATION_TYPES))
      .min(1)
      .default([...MUTATION_TYPES]),
    /** Smallest and largest component functions a mutation may produce. */
    minSizes: sizes(0, 1000, { setup: 1, predict: 1, learn: 1 }),
    maxSizes: sizes(1, 1000, { setup: 7, predict: 11, learn: 23 }),
    /** Starting programs: NoOps at the minimum sizes ('empty') or random ones at the maximum sizes. */
    start: z.enum(['empty', 'random']).default('empty'),
    ops: z
      .object({ setup: opList, predict: opList, learn: opList })
      .default({ setup: [...SEARCH_OPS], predict: [...SEARCH_OPS], learn: [...SEARCH_OPS] }),
    memory: z
      .object({ scalars: int(2, 255), vectors: int(2, 255), matrices: int(0, 255) })
      .default({ ...DEFAULT_MEMORY }),
    /** Largest training cost per step (cost.ts units) a program may have; larger ones score 0. */
    maxStepCost: z.number().positive().default(DEFAULT_MAX_STEP_COST),
    tasks: z
      .object({
        /** Search tasks (pairs cycle over the 36 search pairs, one projection seed each). */
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
      })
      .default({ enabled: true, trainExamples: 10, validExamples: 10, cacheSize: 100_000 }),
    /** Every interval each island sends copies of its best `count` programs to the next island. */
    migration: z
      .object({ intervalSeconds: z.number().min(1).max(86_400), count: int(0, 100) })
      .default({ intervalSeconds: 30, count: 2 }),
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
    if (c.ops.predict.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ops', 'predict'],
        message: 'must allow at least one op',
      });
    }
  });

export type SearchConfig = z.output<typeof SearchConfigSchema>;
export type SearchConfigInput = z.input<typeof SearchConfigSchema>;

export class SearchConfigError extends Error {
  override readonly name = 'SearchConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid search configuration: ${problems.join('; ')}`);
  }
}

/** Fills defaults and validates; throws SearchConfigError naming each bad field and its range. */
export function parseSearchConfig(input: unknown = {}): SearchConfig {
  const result = SearchConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join('.') : '(config)';
    return `${where}: ${issue.message}`;
  });
  throw new SearchConfigError(problems);
}

export const DEFAULT_SEARCH_CONFIG: SearchConfig = parseSearchConfig({});

/**
 * What a fitness value means under this config: the tasks, the evaluation seed, the memory, the
 * cost budget and the cache settings. Two searches with the same scope can share saved states
 * and cached fitnesses; the search operators (population, mutations) do not enter it.
 */
export function searchScope(config: SearchConfig): string {
  const { tasks, evalSeed, memory, maxStepCost, fec } = config;
  const key = JSON.stringify({
    v: 1,
    tasks,
    evalSeed,
    memory,
    maxStepCost,
    fec: fec.enabled ? [fec.trainExamples, fec.validExamples] : null,
  });
  return bytesToHex(blake2b(utf8ToBytes(key), { dkLen: 16 }));
}
