/**
 * `sota-miner eval`: scores one program on many tasks, the way AutoML-Zero reports final results
 * (mean validation and test accuracy over held-out tasks).
 */
import { programDigest } from '../../shared/algorithm/canonical';
import { DEFAULT_MEMORY, type Program } from '../../shared/algorithm/program';
import {
  BUILT_IN_TRACKS,
  CIFAR10_BINARY,
  builtInTrack,
  trackMetric,
} from '../../shared/protocol/track';
import type { TaskId, TaskMetric } from '../../shared/task/types';
import { loadTrackHeldOutTasks } from '../dataset/track-tasks';
import { loadTasks } from '../dataset/tasks';
import {
  createEngine,
  evaluateProgram,
  type EngineKind,
  type TaskScore,
} from '../../src-worker/eval/index';
import { readProgramFile } from '../search/program-file';
import { formatDownloadProgress } from './progress';
import { selectTasks } from './task-selection';

export interface EvalCommandOptions {
  readonly program: string;
  readonly pairs: string;
  readonly seeds: number;
  readonly firstSeed: number;
  readonly epochs: number;
  readonly seed: number;
  readonly engine: EngineKind;
  readonly cifarDir?: string;
  readonly json: boolean;
  /** A built-in track; a teacher track's held-out tasks replace the CIFAR-10 pairs. */
  readonly track?: string;
}

export interface EvalReport {
  readonly track: string;
  /** What the scores are: accuracy, or 1 − (2/π)·atan(RMS error) on a teacher track. */
  readonly metric: TaskMetric;
  readonly program: string;
  readonly digest: string;
  readonly pairs: string;
  readonly seeds: number;
  readonly tasks: number;
  readonly epochs: number;
  readonly engine: string;
  readonly validAccuracy: number;
  readonly testAccuracy: number;
  /** Mean over tasks of the best test accuracy over epochs (how the C++ scores the test split). */
  readonly bestEpochTestAccuracy: number;
  readonly stoppedEarly: number;
  readonly trainSteps: number;
  readonly seconds: number;
}

const F = 16;
/** Tasks built and evaluated at a time: bounds memory to a few tens of MB whatever the count. */
const BATCH = 10;

export async function runEval(
  opts: EvalCommandOptions,
  log: (line: string) => void,
): Promise<EvalReport> {
  const started = performance.now();
  const program = await readProgramFile(opts.program);
  const track = builtInTrack(opts.track ?? CIFAR10_BINARY.id);
  if (!track)
    throw new Error(
      `unknown track ${opts.track}: eval knows ${BUILT_IN_TRACKS.map((t) => t.id).join(', ')}`,
    );
  const teacher = track.task.family === 'teacher' ? track.task.teacher : null;
  const ids = teacher ? [] : selectTasks(opts.pairs, opts.seeds, opts.firstSeed);
  const scores = teacher
    ? evaluateProgram(
        createEngine(opts.engine, DEFAULT_MEMORY, track.features, trackMetric(track)),
        program,
        await loadTrackHeldOutTasks(track, opts.seeds),
        { seed: opts.seed, epochs: opts.epochs, test: true },
      ).tasks
    : await scoreOnTaskIds(
        program,
        ids,
        opts,
        (done) => {
          if (!opts.json) log(`  ${done}/${ids.length} tasks`);
        },
        log,
      );
  const mean = (f: (s: TaskScore) => number) =>
    scores.reduce((a, s) => a + f(s), 0) / scores.length;
  return {
    track: track.id,
    metric: trackMetric(track),
    program: opts.program,
    digest: programDigest(program),
    pairs: teacher
      ? `held-out ${track.task.family === 'teacher' ? track.task.teacher : ''} teacher tasks`
      : opts.pairs,
    seeds: opts.seeds,
    tasks: scores.length,
    epochs: opts.epochs,
    engine: opts.engine,
    validAccuracy: mean((s) => s.fitness),
    testAccuracy: mean((s) => s.testAccuracy ?? 0),
    bestEpochTestAccuracy: mean((s) => s.bestTestAccuracy ?? 0),
    stoppedEarly: scores.filter((s) => s.stoppedEarly).length,
    trainSteps: scores.reduce((a, s) => a + s.trainSteps, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Scores a program on the given tasks, built a batch at a time, with test accuracy: the held-out
 * evaluation the `eval` command and the quality benchmark share.
 */
export async function scoreOnTaskIds(
  program: Program,
  ids: readonly TaskId[],
  opts: Pick<EvalCommandOptions, 'seed' | 'epochs' | 'engine' | 'cifarDir'>,
  onBatch: (tasksDone: number) => void = () => {},
  log: (line: string) => void = () => {},
): Promise<TaskScore[]> {
  const scores: TaskScore[] = [];
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch: TaskId[] = ids.slice(i, i + BATCH);
    // On a machine without CIFAR-10 the first batch downloads it into the cache (checksummed).
    const tasks = await loadTasks(batch, {
      dir: opts.cifarDir,
      download: true,
      onProgress: (p) => log(formatDownloadProgress(p)),
    });
    // A fresh engine per batch releases the previous batch's datasets with it.
    const engine = createEngine(opts.engine, DEFAULT_MEMORY, F);
    const result = evaluateProgram(engine, program, tasks, {
      seed: opts.seed,
      epochs: opts.epochs,
      test: true,
    });
    scores.push(...result.tasks);
    onBatch(Math.min(i + BATCH, ids.length));
  }
  return scores;
}

export function formatEvalReport(r: EvalReport): string {
  const what = r.metric === 'accuracy' ? 'accuracy' : 'score   ';
  return [
    `track          ${r.track}`,
    `program        ${r.program} (${r.digest.slice(0, 16)}…)`,
    r.metric === 'accuracy'
      ? `tasks          ${r.tasks} (${r.pairs} pairs × ${r.seeds} seeds), ${r.epochs} epoch(s), ${r.engine}`
      : `tasks          ${r.tasks} (${r.pairs}), ${r.epochs} epoch(s), ${r.engine}; score = 1 − (2/π)·atan(RMS error), 0.50 is predicting 0`,
    `valid ${what} ${r.validAccuracy.toFixed(4)}`,
    `test ${what}  ${r.testAccuracy.toFixed(4)} (best epoch on test: ${r.bestEpochTestAccuracy.toFixed(4)})`,
    `stopped early  ${r.stoppedEarly} task(s)`,
    `time           ${r.seconds.toFixed(1)} s`,
  ].join('\n');
}
