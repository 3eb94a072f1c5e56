/**
 * `npm run bench:quality -- --minutes M --threads N --seed S [--track ID] [--from FILE…] [--config FILE] [--json]`
 *
 * What a search finds per minute, judged where it counts: a fresh search (default settings unless
 * --config) runs M minutes on N worker threads (one island per thread); its hall of fame and the
 * --from programs are scored on the 20 selection tasks (shared/search/selection.ts: the search's
 * pairs, seeds it never saw), as a miner picks what to claim; the one selected is scored on the
 * 90 held-out tasks (the 9 pairs the search never sees × 10 projection seeds, evaluation seed 0,
 * one epoch), as `eval --pairs heldout --seeds 10` scores it, and so is the best by search
 * fitness, for comparison. Accuracy 0.50 is guessing; linear regression scores 0.693 held out.
 *
 * --track names a built-in track (default cifar10-binary-v1). On a teacher track the tasks are
 * that track's (search, selection and 90 held-out teacher tasks from their seed ranges) and the
 * "accuracy" fields hold its score, 1 − (2/π)·atan(RMS error): 0.50 is predicting 0.
 *
 * Prints one JSON line with --json (held-out test and validation accuracy of the selected
 * program and of the search's best, their search fitness, the selection scores, individuals, FEC
 * hit rate, the best search fitness at the end of each minute, the program and its digest), a
 * short report otherwise. Nothing is saved.
 */
import { parseArgs } from 'node:util';
import { programDigest } from '../shared/algorithm/canonical';
import { printProgram } from '../shared/algorithm/dsl';
import { searchScope } from '../shared/search/config';
import { DEFAULT_MEMORY } from '../shared/algorithm/program';
import {
  BUILT_IN_TRACKS,
  CIFAR10_BINARY,
  builtInTrack,
  trackMetric,
} from '../shared/protocol/track';
import { heldoutTaskIds } from '../shared/task/pairs';
import { scoreOnTaskIds } from '../src-main/cli/eval-command';
import { readProgramFile } from '../src-main/search/program-file';
import { loadTrackHeldOutTasks, loadTrackTasks } from '../src-main/dataset/track-tasks';
import { createEngine, evaluateProgram } from '../src-worker/eval';
import { localScore } from '../src-main/miner/local-score';
import { readSearchConfig } from '../src-main/search/config-file';
import { SearchOrchestrator, defaultThreads } from '../src-main/search/orchestrator';

/** Held-out projection seeds per pair: 9 × 10 = 90 tasks. */
const HELDOUT_SEEDS = 10;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    threads: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string', multiple: true },
    config: { type: 'string' },
    track: { type: 'string', default: CIFAR10_BINARY.id },
    'cifar-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

function number(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name}: expected a number ≥ ${min}`);
  return n;
}

async function main(): Promise<void> {
  const minutes = number('minutes', values.minutes, 0.05);
  const threads = values.threads ? number('threads', values.threads, 1) : defaultThreads();
  // --seed wins over the settings file's seed; without either, seed 0.
  const config = await readSearchConfig(
    values.config,
    values.seed !== undefined ? { seed: number('seed', values.seed, 0) } : {},
  );
  const seed = config.seed;
  const seeds = await Promise.all((values.from ?? []).map((f) => readProgramFile(f)));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const cifarDir = values['cifar-dir'];
  const track = builtInTrack(values.track);
  if (!track)
    throw new Error(
      `--track: unknown track ${values.track} (built in: ${BUILT_IN_TRACKS.map((t) => t.id).join(', ')})`,
    );
  const tasks = await loadTrackTasks(track, config, 'search', { dir: cifarDir });

  const search = new SearchOrchestrator({
    config,
    tasks,
    threads,
    scope: searchScope(config),
    seedPrograms: seeds,
    progressIntervalMs: 5000,
    log,
  });
  const perMinute: number[] = [];
  const started = Date.now();
  const done = search.start();
  const minuteTimer = setInterval(() => {
    const p = search.progress();
    perMinute.push(+p.bestFitness.toFixed(4));
    if (!values.json)
      log(`minute ${perMinute.length}: best search fitness ${p.bestFitness.toFixed(4)}`);
  }, 60_000);
  const stopTimer = setTimeout(() => void search.stop(), minutes * 60_000);
  await done;
  clearInterval(minuteTimer);
  clearTimeout(stopTimer);
  const searchSeconds = (Date.now() - started) / 1000;
  const p = search.progress();
  const hallOfFame = search.snapshot().hallOfFame;
  const best = hallOfFame[0];
  if (!best) throw new Error('the search scored no program');

  // Selection, as a miner picks what to claim: on tasks the search never scored.
  const selectionTasks = await loadTrackTasks(track, config, 'selection', { dir: cifarDir });
  const candidates = [
    ...hallOfFame.map((h) => ({ program: h.program, fitness: h.fitness, seed: false })),
    ...seeds.map((program) => ({ program, fitness: NaN, seed: true })),
  ].map((c) => ({ ...c, selection: localScore(c.program, config, selectionTasks) }));
  const selected = candidates.reduce((a, b) => (b.selection > a.selection ? b : a));

  const heldout = async (program: typeof best.program) => {
    const scores =
      track.task.family === 'cifar10-binary'
        ? await scoreOnTaskIds(
            program,
            heldoutTaskIds(HELDOUT_SEEDS),
            { seed: 0, epochs: 1, engine: 'wasm', cifarDir },
            undefined,
            log,
          )
        : evaluateProgram(
            createEngine('wasm', DEFAULT_MEMORY, track.features, trackMetric(track)),
            program,
            await loadTrackHeldOutTasks(track, HELDOUT_SEEDS),
            { seed: 0, epochs: 1, test: true },
          ).tasks;
    const mean = (f: (s: (typeof scores)[number]) => number) =>
      +(scores.reduce((a, s) => a + f(s), 0) / scores.length).toFixed(4);
    return {
      tasks: scores.length,
      test: mean((s) => s.testAccuracy ?? 0),
      valid: mean((s) => s.fitness),
    };
  };
  const chosen = await heldout(selected.program);
  const searchBest = selected.program === best.program ? chosen : await heldout(best.program);
  const result = {
    bench: 'quality',
    track: track.id,
    metric: trackMetric(track),
    minutes,
    threads,
    seed,
    preset: config.preset,
    from: values.from ?? [],
    searchSeconds: +searchSeconds.toFixed(1),
    individuals: p.individuals,
    fecHitRate: +p.fecHitRate.toFixed(4),
    bestFitnessPerMinute: perMinute,
    /** The program selected on the selection tasks (what a miner would claim with). */
    selectedFrom: selected.seed ? 'a --from program' : 'the search',
    selectionTasks: selectionTasks.length,
    selectionScore: +selected.selection.toFixed(4),
    searchFitness: Number.isNaN(selected.fitness) ? null : +selected.fitness.toFixed(4),
    heldoutTasks: chosen.tasks,
    heldoutTestAccuracy: chosen.test,
    heldoutValidAccuracy: chosen.valid,
    /** The best by search fitness, as this benchmark reported before selection. */
    searchBest: {
      searchFitness: +best.fitness.toFixed(4),
      selectionScore: +candidates[0]!.selection.toFixed(4),
      heldoutTestAccuracy: searchBest.test,
      digest: programDigest(best.program),
    },
    digest: programDigest(selected.program),
    program: printProgram(selected.program),
    node: process.version,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `${result.individuals.toLocaleString('en-US')} individuals in ${result.searchSeconds} s on ` +
        `${threads} thread(s), FEC hits ${(100 * result.fecHitRate).toFixed(1)}%\n` +
        `selected from ${result.selectedFrom}: ${result.selectionScore} on ` +
        `${result.selectionTasks} selection tasks; on ${result.heldoutTasks} held-out tasks: ` +
        `test ${result.metric === 'accuracy' ? 'accuracy' : 'score'} ${result.heldoutTestAccuracy}, validation ${result.heldoutValidAccuracy} ` +
        `(${result.metric === 'accuracy' ? '0.50 is guessing; linear regression 0.693' : '1 − (2/π)·atan(RMS error): 0.50 is predicting 0'}); the search's best by its own fitness ` +
        `(${result.searchBest.searchFitness}): ${result.searchBest.heldoutTestAccuracy} held out\n` +
        `${result.program}`,
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:quality: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
