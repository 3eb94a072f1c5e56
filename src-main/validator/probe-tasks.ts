/**
 * The public probe tasks of the behaviour fingerprint (src-worker/verify/judge.ts): validators
 * fingerprint every submission on them to tell a copy from a new program, and a direct miner
 * fingerprints a candidate on them before claiming it, so that it never pays for a commitment on
 * a program the validators would call a copy of the holder. One definition, so both sides hash
 * the same examples.
 */
import type { Track } from '../../shared/protocol/track';
import { buildTeacherTask } from '../../shared/task/teacher';
import type { TaskData, TaskId } from '../../shared/task/types';
import { loadTasks, type LoadTasksOptions } from '../dataset/tasks';

/**
 * Written out, not derived from how search tasks are chosen: a fingerprint is part of the
 * protocol (stored with commitments, compared across validators and versions), so these must not
 * move when the search's task choice does. (They are the first two search tasks as they were
 * chosen before issue #13.)
 */
const PROBE_TASK_IDS: readonly TaskId[] = Object.freeze([
  Object.freeze({ positive: 0, negative: 1, seed: 0 }),
  Object.freeze({ positive: 0, negative: 2, seed: 1 }),
]);

export const PROBE_TASK_COUNT = PROBE_TASK_IDS.length;
export const PROBE_TRAIN = 100;
export const PROBE_VALID = 100;

/** The probe tasks' ids: fixed, public, the same on every node. */
export function probeTaskIds(): TaskId[] {
  return PROBE_TASK_IDS.map((id) => ({ ...id }));
}

/**
 * Teacher tracks' probe tasks: the first two search seeds of the family, likewise written out.
 * (Probes only fingerprint; that a search also trains on them does not matter.)
 */
const PROBE_TEACHER_SEEDS: readonly number[] = Object.freeze([0, 1]);

/**
 * Builds the track's probe tasks at its feature size: from the CIFAR-10 training images, or from
 * the track's teacher family.
 */
export function loadProbeTasks(
  track: Pick<Track, 'task' | 'features'>,
  where: Pick<LoadTasksOptions, 'dir' | 'dataDir' | 'download'> = {},
): Promise<TaskData[]> {
  const { features, task } = track;
  if (task.family === 'teacher') {
    return Promise.resolve(
      PROBE_TEACHER_SEEDS.map((seed) =>
        buildTeacherTask(
          { teacher: task.teacher, seed },
          { features, train: PROBE_TRAIN, valid: PROBE_VALID, test: 0 },
        ),
      ),
    );
  }
  return loadTasks(probeTaskIds(), {
    ...where,
    images: 'train',
    train: PROBE_TRAIN,
    valid: PROBE_VALID,
    test: 0,
    features,
  });
}
