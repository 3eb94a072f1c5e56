/**
 * Pool work units (issue #7): what a pool leases to its miners and what comes back.
 *
 * Every unit is deterministic: the same unit gives the same result bytes on any machine (the
 * evaluator is bit-exact across engines and threads, and every random stream is seeded by the
 * unit). So the pool can give a unit to several miners and accept a result only when they agree
 * exactly; it never has to trust one miner's numbers.
 *
 * - evaluate: programs × tasks of the pool's search configuration → each program's fitness.
 * - evolve: regularized evolution from the given parents with the unit's seed for a fixed number
 *   of individuals → the best children found.
 *
 * Tasks are indices into the pool's search configuration (published with the pool, identified by
 * its scope), so a unit stays small and a miner with another configuration cannot answer it.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { canonicalJson } from '../protocol/canonical-json';
import { MAX_PROGRAM_CHARS } from '../protocol/submission';

const unitId = z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits');
const program = z.string().min(1).max(MAX_PROGRAM_CHARS);
const uint32 = z.number().int().min(0).max(0xffffffff);

export const EvaluateUnitSchema = z.strictObject({
  kind: z.literal('evaluate'),
  id: unitId,
  /** searchScope() of the pool's configuration: the miner refuses a unit for another. */
  scope: z.string().min(1).max(128),
  programs: z.array(program).min(1).max(32),
  /** Indices into the configuration's search tasks, each at most once. */
  tasks: z
    .array(z.number().int().min(0).max(255))
    .min(1)
    .max(64)
    .refine((t) => new Set(t).size === t.length, 'a task index appears twice'),
});

export const EvolveUnitSchema = z.strictObject({
  kind: z.literal('evolve'),
  id: unitId,
  scope: z.string().min(1).max(128),
  /** The starting population, in order (copies fill it when there are fewer than its size). */
  parents: z.array(program).min(1).max(1000),
  seed: uint32,
  /** Individuals to evaluate after the starting population. */
  individuals: z.number().int().min(1).max(100_000),
  /** How many of the best children to return. */
  keep: z.number().int().min(1).max(16),
});

export const WorkUnitSchema = z.discriminatedUnion('kind', [EvaluateUnitSchema, EvolveUnitSchema]);
export type EvaluateUnit = z.infer<typeof EvaluateUnitSchema>;
export type EvolveUnit = z.infer<typeof EvolveUnitSchema>;
export type WorkUnit = z.infer<typeof WorkUnitSchema>;

const fitness = z.number().min(0).max(1);

export const EvaluateResultSchema = z.strictObject({
  kind: z.literal('evaluate'),
  unit: unitId,
  /** fitnesses[p][t]: program p on the unit's task t (mean accuracy, as the search scores). */
  fitnesses: z.array(z.array(fitness).max(64)).max(32),
});

export const EvolveResultSchema = z.strictObject({
  kind: z.literal('evolve'),
  unit: unitId,
  /** Best first; ties keep the order in which they were found. */
  children: z.array(z.strictObject({ program, fitness })).max(16),
  /** Individuals evaluated, the starting population included (the work done). */
  evaluated: z.number().int().min(0),
});

export const WorkResultSchema = z.discriminatedUnion('kind', [
  EvaluateResultSchema,
  EvolveResultSchema,
]);
export type EvaluateResult = z.infer<typeof EvaluateResultSchema>;
export type EvolveResult = z.infer<typeof EvolveResultSchema>;
export type WorkResult = z.infer<typeof WorkResultSchema>;

/**
 * The fingerprint miners' results are compared by: BLAKE2b-256 of the result's canonical JSON.
 * Numbers are written by JSON.stringify, which gives every float64 its shortest exact decimal, so
 * two results have the same digest exactly when their values are bit-for-bit equal.
 */
export function resultDigest(result: WorkResult): string {
  return bytesToHex(blake2b(utf8ToBytes(canonicalJson(result)), { dkLen: 32 }));
}

/** The work a unit represents, in individuals evaluated on all of the configuration's tasks. */
export function unitCost(unit: WorkUnit, taskCount: number): number {
  return unit.kind === 'evaluate'
    ? (unit.programs.length * unit.tasks.length) / taskCount
    : unit.individuals;
}
