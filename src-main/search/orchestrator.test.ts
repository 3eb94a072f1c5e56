import { describe, expect, it } from 'vitest';
import { parseSearchConfig, searchScope } from '../../shared/search/config';
import type { SearchProgress } from '../../shared/search/progress';
import { syntheticTask } from '../../src-worker/eval/synthetic-task';
import { SearchOrchestrator } from './orchestrator';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 60, valid: 30 },
  migration: { intervalSeconds: 1, count: 1 },
});
const tasks = [1, 2].map((seed) =>
  syntheticTask({ F: 16, seed, train: 60, valid: 30, learnable: true }),
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ready` holds (worker threads start slowly on a loaded machine), at most 20 s. */
async function waitFor(ready: () => boolean): Promise<void> {
  for (let waited = 0; waited < 20_000 && !ready(); waited += 100) await sleep(100);
  expect(ready()).toBe(true);
}

describe('search on worker threads', () => {
  it('runs one island per thread, reports progress, pauses, resumes and stops cleanly', async () => {
    const events: SearchProgress[] = [];
    const search = new SearchOrchestrator({
      config,
      tasks,
      threads: 2,
      scope: searchScope(config),
      batchSeconds: 0.3,
      progressIntervalMs: 200,
      onProgress: (p) => events.push(p),
    });
    const done = search.start();
    await waitFor(() => search.progress().islands.every((i) => i.individuals > 20));
    const running = search.progress();
    expect(running.state).toBe('running');
    expect(running.islands).toHaveLength(2);
    expect(running.islands.every((i) => i.individuals > 20)).toBe(true);
    expect(running.fecHitRate).toBeGreaterThan(0.2);

    search.pause();
    // Running batches end after their current candidate; then the count stops moving.
    let last = -1;
    await waitFor(() => {
      const now = search.progress().individuals;
      const settled = now === last;
      last = now;
      return settled;
    });
    const paused = search.progress().individuals;
    await sleep(600);
    expect(search.progress().individuals).toBe(paused);
    expect(search.currentState).toBe('paused');

    search.resume();
    await waitFor(() => search.progress().individuals > paused);

    await search.stop();
    await done;
    const final = search.progress();
    expect(final.state).toBe('stopped');
    expect(events.length).toBeGreaterThan(5);
    expect(events.at(-1)!.state).toBe('stopped');
    expect(final.bestProgram).toMatch(/^def Setup\(\):/);
    const snapshot = search.snapshot();
    expect(snapshot.islands.map((i) => i.population.length)).toEqual([20, 20]);
    expect(snapshot.individuals).toBe(final.individuals);
    const fitnesses = snapshot.hallOfFame.map((h) => h.fitness);
    expect(fitnesses).toEqual([...fitnesses].sort((a, b) => b - a));
    expect(fitnesses[0]).toBe(final.bestFitness);
  }, 30_000);

  it('continues a saved search from its snapshot', async () => {
    const first = new SearchOrchestrator({
      config,
      tasks,
      threads: 1,
      scope: 's',
      batchSeconds: 0.2,
    });
    const done = first.start();
    await waitFor(() => first.snapshot().islands[0]!.population.length === 20);
    await first.stop();
    await done;
    const saved = first.snapshot();
    const second = new SearchOrchestrator({
      config,
      tasks,
      threads: 1,
      scope: 's',
      batchSeconds: 0.2,
      resume: saved,
    });
    expect(second.progress().bestFitness).toBe(saved.hallOfFame[0]!.fitness);
    const again = second.start();
    await waitFor(() => second.snapshot().individuals > saved.individuals);
    await second.stop();
    await again;
    expect(second.snapshot().individuals).toBeGreaterThan(saved.individuals);
    expect(second.snapshot().islands[0]!.individuals).toBeGreaterThan(
      saved.islands[0]!.individuals,
    );
  }, 30_000);

  it('lets more islands than threads take turns', async () => {
    const search = new SearchOrchestrator({
      config,
      tasks,
      threads: 1,
      islands: 3,
      scope: 's',
      batchSeconds: 0.2,
    });
    const done = search.start();
    // Each island gets its turn on the one thread.
    await waitFor(() => search.snapshot().islands.every((i) => i.individuals > 0));
    await search.stop();
    await done;
    const islands = search.snapshot().islands;
    expect(islands).toHaveLength(3);
    expect(islands.every((i) => i.individuals > 0)).toBe(true);
  }, 30_000);

  it('stops each island after its budget, with the same islands whatever the thread count', async () => {
    const noMigration = { ...config, migration: { intervalSeconds: 1, count: 0 } };
    const run = async (threads: number) => {
      const search = new SearchOrchestrator({
        config: noMigration,
        tasks,
        threads,
        islands: 3,
        scope: 's',
        batchSeconds: 0.1,
        individualsPerIsland: 150,
      });
      await search.start();
      return search.snapshot().islands;
    };
    const [one, two] = [await run(1), await run(2)];
    expect(one.map((i) => i.individuals)).toEqual([150, 150, 150]);
    // Batch boundaries differ with the thread count; the islands' evolution does not.
    expect(two).toEqual(one);
  }, 60_000);

  it('restarts an island whose best stops improving, with a new stream, keeping its count and best', async () => {
    const lines: string[] = [];
    const coinFlips = [3, 4].map((seed) => syntheticTask({ F: 16, seed, train: 60, valid: 30 }));
    const search = new SearchOrchestrator({
      config: { ...config, migration: { intervalSeconds: 1, count: 0 }, restartAfterSeconds: 0.3 },
      tasks: coinFlips,
      threads: 1,
      islands: 1,
      scope: 'restart',
      batchSeconds: 0.1,
      log: (line) => lines.push(line),
    });
    const done = search.start();
    await waitFor(() => lines.some((l) => /island 0: no better program for 0.3 s/.test(l)));
    const counted = search.snapshot().islands[0]!.individuals;
    await waitFor(() => search.snapshot().islands[0]!.individuals > counted);
    await search.stop();
    await done;
    expect(lines.find((l) => /starting attempt 2/.test(l))).toBeDefined();
    // The best found before the restart is still the search's best.
    expect(search.progress().bestFitness).toBe(search.snapshot().hallOfFame[0]!.fitness);
  }, 60_000);

  it('rejects a thread count it cannot use', () => {
    expect(() => new SearchOrchestrator({ config, tasks, threads: 0, scope: 's' })).toThrow(
      /threads must be a whole number in 1\.\.256/,
    );
  });
});
