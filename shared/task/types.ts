/**
 * A task is one dataset a program learns and is scored on: a projected binary CIFAR-10 dataset (a
 * class pair and a projection seed, built as AutoML-Zero's generate_datasets.py builds it), or a
 * regression task drawn from a random teacher (teacher.ts). Tensors are plain typed arrays so they
 * can be built once and handed to worker threads.
 */

/** Which CIFAR-10 task: the classes (positive one labelled 1) and the projection/split seed. */
export interface TaskId {
  readonly positive: number;
  readonly negative: number;
  readonly seed: number;
}

/** Which regression task: the teacher's family and the seed of its weights and inputs. */
export interface TeacherTaskId {
  readonly teacher: TeacherKind;
  readonly seed: number;
}

/** AutoML-Zero's regression families: a linear teacher, or a 2-layer ReLU network. */
export type TeacherKind = 'linear' | 'nonlinear';

/**
 * How a task scores a program, a number in [0, 1] where higher is better:
 * - `accuracy`: the share of 0/1 labels predicted right (sigmoid(s1) > 0.5); 0.50 is guessing.
 * - `rms-error`: 1 − (2/π)·atan(RMS error of s1), with no sigmoid anywhere; 0.50 is an RMS error
 *   of 1 (what predicting 0 scores on labels of unit variance) and 1 is a perfect fit.
 */
export type TaskMetric = 'accuracy' | 'rms-error';

/** One split of a task: n examples of F features (row-major) and their labels. */
export interface Split {
  readonly n: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface TaskData {
  readonly id: TaskId | TeacherTaskId;
  readonly metric: TaskMetric;
  /** Feature size F. */
  readonly features: number;
  readonly train: Split;
  readonly valid: Split;
  readonly test: Split;
}

export type SplitName = 'train' | 'valid' | 'test';

/** The metric a set of tasks shares (an engine is built for one); throws if they mix. */
export function metricOf(tasks: readonly Pick<TaskData, 'metric'>[]): TaskMetric {
  const metric = tasks[0]?.metric ?? 'accuracy';
  if (tasks.some((t) => t.metric !== metric))
    throw new RangeError('tasks scored by different metrics cannot share an engine');
  return metric;
}

export function isTeacherTask(id: TaskId | TeacherTaskId): id is TeacherTaskId {
  return 'teacher' in id;
}

export function taskKey(id: TaskId): string {
  return `cifar10-pos${id.positive}-neg${id.negative}-seed${id.seed}`;
}
