/**
 * The tasks of a track, whatever its family: what a miner searches on, what it selects its claim
 * on, and what benchmarks hold out. CIFAR-10 tracks build projected tasks from the image files
 * (downloaded on first use); teacher tracks generate theirs from seeds in the family's ranges
 * (shared/task/teacher.ts), so they need no file. The windows of seeds mirror each other: the
 * search's `count` tasks from `firstSeed`, then the selection tasks right after them.
 */
import type { SearchConfig } from '../../shared/search/config';
import { SELECTION_TASKS, selectionTaskIds } from '../../shared/search/selection';
import { heldoutTaskIds, searchTaskIds } from '../../shared/task/pairs';
import { TEACHER_SEED_RANGES, buildTeacherTask, teacherTaskIds } from '../../shared/task/teacher';
import type { TaskData, TeacherKind } from '../../shared/task/types';
import type { Track } from '../../shared/protocol/track';
import { loadSearchTasks, loadTasks, type LoadTasksOptions } from './tasks';

export type TaskWindow = 'search' | 'selection';

type Where = Pick<LoadTasksOptions, 'dir' | 'dataDir' | 'onProgress'>;

/**
 * The search's tasks (or its selection tasks) for a track, at the search config's sizes. A teacher
 * task trains on at most the track's hidden training size (teacher tasks are small: 1,000).
 */
export async function loadTrackTasks(
  track: Pick<Track, 'task' | 'features' | 'hiddenTrain'>,
  config: SearchConfig,
  window: TaskWindow,
  where: Where = {},
): Promise<TaskData[]> {
  const { count, firstSeed, train, valid } = config.tasks;
  // The search's engines are built for the config's feature size (16): a track of another size
  // cannot be searched with these settings, and says so before anything runs.
  if (track.features !== config.tasks.features)
    throw new RangeError(
      `the track has ${track.features} features per example; this search is set up for ${config.tasks.features}`,
    );
  if (track.task.family === 'teacher') {
    const first = TEACHER_SEED_RANGES.search.first + firstSeed + (window === 'search' ? 0 : count);
    const n = window === 'search' ? count : SELECTION_TASKS;
    return teacherTasks(track.task.teacher, TEACHER_SEED_RANGES.search, first, n, {
      features: track.features,
      train: Math.min(train, track.hiddenTrain),
      valid,
    });
  }
  const ids = window === 'search' ? searchTaskIds(count, firstSeed) : selectionTaskIds(config);
  return loadSearchTasks(config, where, ids);
}

/**
 * Held-out tasks for benchmarks (bench:quality): CIFAR-10's held-out pairs × `seeds`
 * projection seeds (with test splits), or `seeds` × 9 teacher tasks from the held-out seed range
 * (the same count as CIFAR-10's 9 held-out pairs, so both are 90 tasks at 10 seeds).
 */
export async function loadTrackHeldOutTasks(
  track: Pick<Track, 'task' | 'features' | 'hiddenTrain' | 'hiddenValid'>,
  seeds: number,
  where: Where = {},
): Promise<TaskData[]> {
  if (track.task.family === 'teacher') {
    const n = seeds * 9;
    return teacherTasks(
      track.task.teacher,
      TEACHER_SEED_RANGES.heldOut,
      TEACHER_SEED_RANGES.heldOut.first,
      n,
      {
        features: track.features,
        train: track.hiddenTrain,
        valid: track.hiddenValid,
        test: track.hiddenValid,
      },
    );
  }
  return loadTasks(heldoutTaskIds(seeds), { ...where, download: true, features: track.features });
}

/** `count` teacher tasks from seed `first`, which must stay inside `range`. */
function teacherTasks(
  teacher: TeacherKind,
  range: { readonly first: number; readonly count: number },
  first: number,
  count: number,
  sizes: { features: number; train: number; valid: number; test?: number },
): TaskData[] {
  const end = range.first + range.count;
  if (first < range.first || first + count > end)
    throw new RangeError(
      `teacher seeds ${first} to ${first + count - 1} leave their range (${range.first} to ${end - 1})`,
    );
  return teacherTaskIds(teacher, first, count).map((id) =>
    buildTeacherTask(id, { test: 0, ...sizes }),
  );
}
