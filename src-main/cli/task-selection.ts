/**
 * Turns the CLI's task selection (`--pairs heldout --seeds 10`) into task ids.
 */
import { ALL_PAIRS, HELDOUT_PAIRS, SEARCH_PAIRS, type ClassPair } from '../../shared/task/pairs';
import type { TaskId } from '../../shared/task/types';

const NAMED: Readonly<Record<string, readonly ClassPair[]>> = {
  heldout: HELDOUT_PAIRS,
  search: SEARCH_PAIRS,
  all: ALL_PAIRS,
};

/**
 * `pairs` is `heldout` (the 9 pairs kept back for final evaluation), `search` (the other 36),
 * `all`, or a list like `0-5,1-8` (positive class first). Each pair gets projection seeds
 * firstSeed..firstSeed+seeds-1; ids are pair-major.
 */
export function selectTasks(pairs: string, seeds: number, firstSeed = 0): TaskId[] {
  if (!Number.isSafeInteger(seeds) || seeds < 1)
    throw new RangeError(`--seeds must be a whole number ≥ 1, got ${seeds}`);
  if (!Number.isSafeInteger(firstSeed) || firstSeed < 0)
    throw new RangeError(`--first-seed must be ≥ 0, got ${firstSeed}`);
  const chosen = NAMED[pairs] ?? parsePairList(pairs);
  return chosen.flatMap((p) =>
    Array.from({ length: seeds }, (_, k) => ({
      positive: p.positive,
      negative: p.negative,
      seed: firstSeed + k,
    })),
  );
}

function parsePairList(text: string): ClassPair[] {
  const out = text.split(',').map((item) => {
    const m = /^\s*(\d)\s*-\s*(\d)\s*$/.exec(item);
    if (!m)
      throw new RangeError(`--pairs: '${item}' is not heldout, search, all or a pair like 0-5`);
    const positive = Number(m[1]);
    const negative = Number(m[2]);
    if (positive === negative)
      throw new RangeError(`--pairs: '${item}' names the same class twice`);
    return { positive, negative };
  });
  return out;
}
