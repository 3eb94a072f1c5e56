/**
 * A pool's terms (GET /v1/pool): who it is, what it charges and pays, and the search it runs.
 * Published before any work is done; a miner reads them before it joins, and checks them as it
 * would any peer's answer.
 */
import { z } from 'zod';
import type { SearchConfig } from '../search/config';
import type { TaskId } from '../task/types';

export interface PoolTerms {
  readonly hotkey: string;
  /** The pool's fee on rewards, in basis points, announced before any work is done. */
  readonly feeBps: number;
  /** The smallest transfer to a miner, in RAO (smaller credits wait for the next window). */
  readonly minimumPayoutRao: string;
  readonly leaseSeconds: number;
  /**
   * Blocks a reward window lasts at least (it closes once the pool has won in it); null when the
   * pool pays nothing (no chain, or no coldkey to unstake and pay with).
   */
  readonly windowBlocks: number | null;
  readonly scope: string;
  readonly config: SearchConfig;
  /**
   * The tasks units name by index: first the search's own (config.tasks.count of them), then the
   * check tasks the pool scores its best programs on before it claims one.
   */
  readonly tasks: readonly TaskId[];
}

const cifarClass = z.number().int().min(0).max(9);

/** What a peer's terms must look like; the config is checked by parseSearchConfig afterwards. */
export const PoolTermsSchema = z.object({
  hotkey: z.string().min(40).max(64),
  feeBps: z.number().int().min(0).max(10_000),
  minimumPayoutRao: z.string().regex(/^\d{1,40}$/),
  leaseSeconds: z.number().int().min(1).max(86_400),
  windowBlocks: z.number().int().min(1).nullable(),
  scope: z.string().min(1).max(128),
  config: z.unknown(),
  tasks: z
    .array(
      z.strictObject({
        positive: cifarClass,
        negative: cifarClass,
        seed: z.number().int().min(0).max(0xffffffff),
      }),
    )
    .min(1)
    .max(256),
});
