/**
 * Saves and restores a search: every island's population (as DSL text with fitness) and random
 * stream, and the best programs found, in one JSON file written atomically (temp file, fsync,
 * rename), plus each best program as a readable .dsl file. A file that cannot be read back is
 * reported and set aside under a new name, never deleted, and the search starts fresh.
 */
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { programDigest } from '../../shared/algorithm/canonical';
import { checkProgram, type Program } from '../../shared/algorithm/program';
import type { SearchConfig } from '../../shared/search/config';
import type { HallOfFameEntry, SearchSnapshot } from './orchestrator';

export const STATE_FILE = 'search-state.json';
export const BEST_FOLDER = 'best';
const FORMAT = 'sota-miner/search-state';

const DIGEST = /^[0-9a-f]{64}$/;

const SavedIndividual = z.object({
  program: z.string().max(65_536),
  fitness: z.number().min(0).max(1),
});
const SavedState = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  scope: z.string(),
  savedAt: z.string(),
  individuals: z.number().int().min(0),
  /** The digest of the record (the network's holder) the search was seeded from, if any. */
  standsOn: z.string().regex(DIGEST).nullish(),
  islands: z
    .array(
      z.object({
        id: z.number().int().min(0),
        rng: z.array(z.number().int().min(0).max(0xffffffff)).length(4),
        individuals: z.number().int().min(0),
        population: z.array(SavedIndividual).max(100_000),
      }),
    )
    .max(256),
  best: z
    .array(
      SavedIndividual.extend({
        digest: z.string(),
        foundAt: z.string(),
        individuals: z.number().int().min(0),
      }),
    )
    .max(1000),
});

export interface LoadedSearch {
  /** The state, or null when there was none or it was unusable. */
  readonly snapshot: SearchSnapshot | null;
  /** Programs of a state saved under another scope (different tasks or settings): worth re-scoring. */
  readonly seedPrograms: readonly Program[];
  /** The saved search's best programs (its hall of fame, best first), whatever its scope. */
  readonly best: readonly Program[];
  /** The digest of the record the saved search was seeded from; null: none, or not known. */
  readonly standsOn: string | null;
  /** What happened, for the log. */
  readonly message: string;
}

function readProgram(text: string, config: SearchConfig) {
  const program = parseProgramOrThrow(text, { shape: config.memory });
  const issues = checkProgram(program, config.memory);
  if (issues.length > 0) throw new Error(`invalid program: ${issues[0]!.reason}`);
  return program;
}

export async function loadSearch(
  dir: string,
  scope: string,
  config: SearchConfig,
): Promise<LoadedSearch> {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return {
        snapshot: null,
        seedPrograms: [],
        best: [],
        standsOn: null,
        message: `no saved search in ${dir}: starting fresh`,
      };
    }
    throw err;
  }
  try {
    const saved = SavedState.parse(JSON.parse(text));
    const islands = saved.islands.map((island) => ({
      id: island.id,
      rng: island.rng,
      individuals: island.individuals,
      population: island.population.map((ind) => ({
        program: readProgram(ind.program, config),
        fitness: ind.fitness,
      })),
    }));
    const hallOfFame: HallOfFameEntry[] = saved.best.map((b) => {
      const program = readProgram(b.program, config);
      return {
        program,
        digest: programDigest(program),
        fitness: b.fitness,
        foundAt: b.foundAt,
        individuals: b.individuals,
      };
    });
    const best = hallOfFame.map((h) => h.program);
    const standsOn = saved.standsOn ?? null;
    if (saved.scope !== scope) {
      // Fitnesses were measured on other tasks or settings: keep the programs, score them again.
      const seedPrograms = [...best, ...islands.flatMap((i) => i.population.map((p) => p.program))];
      return {
        snapshot: null,
        seedPrograms,
        best,
        standsOn,
        message: `saved search in ${dir} used other settings: its ${seedPrograms.length} programs seed a new search`,
      };
    }
    return {
      snapshot: { islands, hallOfFame, individuals: saved.individuals },
      seedPrograms: [],
      best,
      standsOn,
      message: `resuming the search saved in ${dir} (${saved.individuals.toLocaleString('en-US')} individuals, best ${(hallOfFame[0]?.fitness ?? 0).toFixed(4)})`,
    };
  } catch (err) {
    const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(file, aside);
    const reason =
      err instanceof z.ZodError
        ? (err.issues[0]?.message ?? 'bad structure')
        : err instanceof Error
          ? err.message
          : String(err);
    return {
      snapshot: null,
      seedPrograms: [],
      best: [],
      standsOn: null,
      message: `saved search ${file} is unreadable (${reason}); kept as ${path.basename(aside)}, starting fresh`,
    };
  }
}

/** Writes `data` to `file` so that a crash leaves either the old or the new file, never half of one. */
export async function writeAtomically(file: string, data: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

export async function saveSearch(
  dir: string,
  scope: string,
  config: SearchConfig,
  snapshot: SearchSnapshot,
  /** The digest of the record the search was seeded from (miner/seed-programs.ts), if any. */
  standsOn: string | null = null,
): Promise<void> {
  await mkdir(path.join(dir, BEST_FOLDER), { recursive: true });
  const state: z.input<typeof SavedState> = {
    format: FORMAT,
    version: 1,
    scope,
    savedAt: new Date().toISOString(),
    individuals: snapshot.individuals,
    standsOn,
    islands: snapshot.islands.map((island) => ({
      id: island.id,
      rng: [...island.rng],
      individuals: island.individuals,
      population: island.population.map((ind) => ({
        program: printProgram(ind.program),
        fitness: ind.fitness,
      })),
    })),
    best: snapshot.hallOfFame.map((b) => ({
      program: printProgram(b.program),
      fitness: b.fitness,
      digest: b.digest,
      foundAt: b.foundAt,
      individuals: b.individuals,
    })),
  };
  await writeAtomically(path.join(dir, STATE_FILE), `${JSON.stringify(state)}\n`);
  // A best program's file never changes (its digest names it, and fitness and discovery are
  // fixed), so each is written once, not again at every save.
  for (const b of snapshot.hallOfFame) {
    const header = [
      `# fitness ${b.fitness} (mean validation score on ${config.tasks.count} search tasks, eval seed ${config.evalSeed}: accuracy, or the fit score of a regression track)`,
      `# digest ${b.digest}`,
      `# found ${b.foundAt} after ${b.individuals} individuals`,
    ].join('\n');
    const file = path.join(dir, BEST_FOLDER, `${b.digest.slice(0, 16)}.dsl`);
    try {
      await writeFile(file, `${header}\n${printProgram(b.program)}`, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
