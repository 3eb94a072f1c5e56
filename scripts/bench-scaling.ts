/**
 * `npm run bench:scaling -- [--seconds S] [--individuals N] [--runs R] [--json]`
 *
 * How the search scales with worker threads, on a 2-core machine 1 thread against 2:
 * - the evaluator alone: the same 200 random candidates scored over and over on each thread, each
 *   thread with its own engine and cache. Two modes: every candidate fully evaluated on the 10
 *   search tasks (8000/1000), and every candidate answered from the FEC after its fingerprint.
 * - the search: the baseline configuration on 8 islands, each evolving exactly N individuals with
 *   migration off, so both thread counts do the same work (the islands evolve identically); run R
 *   times each, alternating, and compared by the median wall time. Over a fixed time instead, two
 *   threads carry every island further into its evolution, where programs cost more.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { searchTaskIds } from '../shared/task/pairs';
import { loadTasks } from '../src-main/dataset/tasks';
import { SearchOrchestrator, useSearchWasmSettings } from '../src-main/search/orchestrator';
import { parseSearchConfig, searchScope, type SearchConfig } from '../shared/search/config';
import type { TaskData } from '../shared/task/types';
import type { ScalingJob } from './bench-scaling.worker';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    individuals: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Wall seconds for the fixed search work on `threads` threads. */
async function searchSeconds(
  config: SearchConfig,
  tasks: readonly TaskData[],
  threads: number,
  individualsPerIsland: number,
): Promise<number> {
  const search = new SearchOrchestrator({
    config,
    tasks,
    threads,
    islands: 8,
    scope: searchScope(config),
    individualsPerIsland,
  });
  const started = performance.now();
  await search.start();
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  useSearchWasmSettings();
  const config = parseSearchConfig({});
  const tasks = await loadTasks(searchTaskIds(config.tasks.count, config.tasks.firstSeed), {
    download: true,
  });
  const seconds = Number(values.seconds);
  const rate = async (threads: number, mode: ScalingJob['mode']) => {
    const pool = new Piscina({
      filename: fileURLToPath(new URL('./bench-scaling.worker.ts', import.meta.url)),
      execArgv: ['--import', 'tsx'],
      minThreads: threads,
      maxThreads: threads,
      workerData: { tasks },
    });
    const job: ScalingJob = { config, mode, seconds };
    const rates = (await Promise.all(
      Array.from({ length: threads }, () => pool.run(job)),
    )) as number[];
    await pool.destroy();
    return rates.reduce((a, b) => a + b, 0);
  };
  const result: Record<string, unknown> = { bench: 'scaling', seconds };
  for (const mode of ['full', 'fingerprint'] as const) {
    const one = await rate(1, mode);
    const two = await rate(2, mode);
    result[mode] = {
      candidatesPerSec1: +one.toFixed(1),
      candidatesPerSec2: +two.toFixed(1),
      speedup: +(two / one).toFixed(3),
    };
  }
  const perIsland = Number(values.individuals);
  const searchConfig = parseSearchConfig({ migration: { intervalSeconds: 30, count: 0 } });
  const runs: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let r = 0; r < Number(values.runs); r++) {
    for (const threads of [1, 2] as const) {
      runs[threads].push(await searchSeconds(searchConfig, tasks, threads, perIsland));
    }
  }
  const individuals = 8 * perIsland;
  result['search'] = {
    islands: 8,
    individualsPerIsland: perIsland,
    seconds1: runs[1].map((s) => +s.toFixed(1)),
    seconds2: runs[2].map((s) => +s.toFixed(1)),
    individualsPerSec1: +(individuals / median(runs[1])).toFixed(1),
    individualsPerSec2: +(individuals / median(runs[2])).toFixed(1),
    speedup: +(median(runs[1]) / median(runs[2])).toFixed(3),
  };
  result['node'] = process.version;
  process.stdout.write(
    values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:scaling: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
