/**
 * `npm run bench:search -- [--seconds S] [--threads N] [--islands M] [--preset NAME] [--no-fec] [--json]`
 *
 * The search-speed benchmark: the search in Google's C++ configuration by default (preset
 * `cpp-baseline`: run_baseline.sh's space and four mutation types; 10 search tasks, 8000 train /
 * 1000 valid, F = 16, P = 100, T = 10, empty start, FEC on), since speed is compared with the C++
 * in that configuration only (../shared/cpp-reference/measure.sh runs this without --preset); or
 * another preset of shared/search/search-presets.ts (the app's default: `--preset
 * baseline-connected`), run fresh for S seconds on N worker threads.
 * Prints individuals per second (and per core, as a ratio to the C++ reference figures of
 * cpp-reference.ts), the FEC hit rate and the best search fitness; nothing is saved. Ratios for
 * BENCHMARKS.md are measured side by side with ../shared/cpp-reference, not read off this line.
 *
 * `--individuals N` measures thread scaling instead: each island evolves exactly N individuals with
 * migration off, so every island's work is the same whatever the thread count, and the figure is
 * that fixed work over the wall time. (Over a fixed time the islands get to different places in
 * their evolution, whose programs differ in cost, which blurs a comparison of thread counts.)
 */
import { parseArgs } from 'node:util';
import { parseSearchConfig, searchScope } from '../shared/search/config';
import { searchTaskIds } from '../shared/task/pairs';
import { loadTasks } from '../src-main/dataset/tasks';
import { SearchOrchestrator, defaultThreads } from '../src-main/search/orchestrator';

import { CPP_REFERENCE } from './cpp-reference';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    threads: { type: 'string' },
    islands: { type: 'string' },
    individuals: { type: 'string' },
    seed: { type: 'string', default: '0' },
    preset: { type: 'string' },
    'no-fec': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  const seconds = Number(values.seconds);
  const threads = values.threads ? Number(values.threads) : defaultThreads();
  // Islands differ in what they evolve (and so in cost per individual): to compare thread counts
  // on the same work, give both runs the same islands, e.g. --islands 2 --threads 1 and 2.
  const islands = values.islands ? Number(values.islands) : threads;
  const perIsland = values.individuals ? Number(values.individuals) : undefined;
  const config = parseSearchConfig({
    seed: Number(values.seed),
    preset: values.preset ?? 'cpp-baseline',
    ...(perIsland ? { migration: { intervalSeconds: 30, count: 0 } } : {}),
    ...(values['no-fec']
      ? {
          fec: {
            enabled: false,
            trainExamples: 10,
            validExamples: 10,
            cacheSize: 1,
            remeasureAfter: 0,
          },
        }
      : {}),
  });
  const tasks = await loadTasks(searchTaskIds(config.tasks.count, config.tasks.firstSeed), {
    download: true,
  });
  const search = new SearchOrchestrator({
    config,
    tasks,
    threads,
    islands,
    scope: searchScope(config),
    progressIntervalMs: 5000,
    individualsPerIsland: perIsland,
  });
  const started = Date.now();
  const done = search.start();
  const timer = perIsland ? undefined : setTimeout(() => void search.stop(), seconds * 1000);
  await done;
  clearTimeout(timer);
  const elapsed = (Date.now() - started) / 1000;
  const p = search.progress();
  const individualsPerSec = p.individuals / elapsed;
  const perCore = individualsPerSec / threads;
  const reference = values['no-fec']
    ? CPP_REFERENCE.searchPerSecWithoutFec
    : CPP_REFERENCE.searchPerSecWithFec;
  const result = {
    bench: 'search',
    seconds: +elapsed.toFixed(1),
    threads,
    islands,
    preset: config.preset,
    fec: config.fec.enabled,
    individuals: p.individuals,
    individualsPerSec: +individualsPerSec.toFixed(1),
    perCore: +perCore.toFixed(1),
    // The C++ figures are for run_baseline.sh's space: a ratio means something for that preset only.
    perCoreRatioToCpp: config.preset === 'cpp-baseline' ? +(perCore / reference).toFixed(3) : null,
    fecHitRate: +p.fecHitRate.toFixed(4),
    // Islands differ in cost (what their programs draw and compute): each island's own count.
    islandIndividuals: p.islands.map((i) => i.individuals),
    refused: p.refused,
    bestFitness: p.bestFitness,
    bestDigest: p.bestDigest,
    node: process.version,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `${result.individuals} individuals in ${result.seconds} s on ${threads} threads: ` +
        `${result.individualsPerSec}/s, ${result.perCore}/s per core` +
        `${result.perCoreRatioToCpp === null ? '' : ` (${result.perCoreRatioToCpp}× the C++)`}, ` +
        `FEC hits ${(100 * result.fecHitRate).toFixed(1)}%, best fitness ${result.bestFitness.toFixed(4)}\n`,
    );
    if (p.bestProgram) process.stdout.write(p.bestProgram);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:search: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
