import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomProgram } from '../../shared/algorithm/generate';
import { programDigest } from '../../shared/algorithm/canonical';
import { programsEqual } from '../../shared/algorithm/program';
import { Rng } from '../../shared/random/rng';
import { DEFAULT_SEARCH_CONFIG as config } from '../../shared/search/config';
import type { SearchSnapshot } from './orchestrator';
import { BEST_FOLDER, STATE_FILE, loadSearch, saveSearch } from './store';

function snapshot(): SearchSnapshot {
  const rng = new Rng(4);
  const program = () => randomProgram(rng, config.memory, { setup: 2, predict: 4, learn: 6 });
  const best = program();
  return {
    individuals: 1234,
    islands: [0, 1].map((id) => ({
      id,
      rng: [1, 2, 3, 4 + id],
      individuals: 600 + id,
      population: Array.from({ length: 5 }, (_, i) => ({ program: program(), fitness: i / 10 })),
    })),
    hallOfFame: [
      {
        program: best,
        digest: programDigest(best),
        fitness: 0.75,
        foundAt: '2026-11-22T00:00:00.000Z',
        individuals: 999,
      },
    ],
  };
}

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sota-store-'));

describe('search state on disk', () => {
  it('round-trips populations, random streams and the best programs', async () => {
    const dir = tempDir();
    const saved = snapshot();
    await saveSearch(dir, 'scope-a', config, saved);
    const loaded = await loadSearch(dir, 'scope-a', config);
    expect(loaded.message).toMatch(
      /resuming the search saved in .* \(1,234 individuals, best 0\.7500\)/,
    );
    const back = loaded.snapshot!;
    expect(back.individuals).toBe(1234);
    expect(back.islands.map((i) => i.rng)).toEqual([
      [1, 2, 3, 4],
      [1, 2, 3, 5],
    ]);
    back.islands.forEach((island, i) =>
      island.population.forEach((ind, j) => {
        expect(programsEqual(ind.program, saved.islands[i]!.population[j]!.program)).toBe(true);
        expect(ind.fitness).toBe(saved.islands[i]!.population[j]!.fitness);
      }),
    );
    expect(back.hallOfFame[0]!.digest).toBe(saved.hallOfFame[0]!.digest);
    const dsl = readdirSync(path.join(dir, BEST_FOLDER));
    expect(dsl).toEqual([`${saved.hallOfFame[0]!.digest.slice(0, 16)}.dsl`]);
    expect(readFileSync(path.join(dir, BEST_FOLDER, dsl[0]!), 'utf8')).toMatch(
      /^# fitness 0\.75 .*\n# digest [0-9a-f]{64}\n/,
    );
  });

  it('turns a state saved under other settings into seed programs', async () => {
    const dir = tempDir();
    await saveSearch(dir, 'scope-a', config, snapshot());
    const loaded = await loadSearch(dir, 'scope-b', config);
    expect(loaded.snapshot).toBeNull();
    expect(loaded.seedPrograms).toHaveLength(11);
    expect(loaded.message).toMatch(/used other settings: its 11 programs seed a new search/);
  });

  it('keeps the record a search stands on, and its best programs, under either scope', async () => {
    const dir = tempDir();
    const saved = snapshot();
    const record = programDigest(saved.islands[0]!.population[0]!.program);
    await saveSearch(dir, 'scope-a', config, saved, record);
    for (const scope of ['scope-a', 'scope-b']) {
      const loaded = await loadSearch(dir, scope, config);
      expect(loaded.standsOn).toBe(record);
      expect(loaded.best.map((p) => programDigest(p))).toEqual([saved.hallOfFame[0]!.digest]);
    }
    // Saved without one (a solo search, or before records were kept): null.
    await saveSearch(dir, 'scope-a', config, saved);
    expect((await loadSearch(dir, 'scope-a', config)).standsOn).toBeNull();
  });

  it('sets a corrupt or tampered state aside, keeps it, and starts fresh', async () => {
    for (const corrupt of [
      '{"format": "sota-miner/search-state", "version": 1',
      JSON.stringify({
        format: 'sota-miner/search-state',
        version: 1,
        scope: 'a',
        savedAt: '',
        individuals: 1,
        islands: [
          {
            id: 0,
            rng: [1, 2, 3, 4],
            individuals: 1,
            population: [{ program: 'def Setup():\n  s9 = 1\n', fitness: 0.5 }],
          },
        ],
        best: [],
      }),
    ]) {
      const dir = tempDir();
      writeFileSync(path.join(dir, STATE_FILE), corrupt);
      const loaded = await loadSearch(dir, 'a', config);
      expect(loaded.snapshot).toBeNull();
      expect(loaded.message).toMatch(/is unreadable \(.+\); kept as search-state\.json\.corrupt-/);
      const files = readdirSync(dir);
      expect(files).not.toContain(STATE_FILE);
      const aside = files.find((f) => f.startsWith(`${STATE_FILE}.corrupt-`))!;
      expect(readFileSync(path.join(dir, aside), 'utf8')).toBe(corrupt);
    }
  });

  it('starts fresh when nothing was saved', async () => {
    const loaded = await loadSearch(tempDir(), 'a', config);
    expect(loaded).toMatchObject({ snapshot: null, seedPrograms: [], best: [], standsOn: null });
    expect(loaded.message).toMatch(/no saved search/);
  });
});
