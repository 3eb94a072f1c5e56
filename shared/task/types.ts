/**
 * A task is one projected binary CIFAR-10 dataset: a class pair and a projection seed, built as
 * AutoML-Zero's generate_datasets.py builds it. Tensors are plain typed arrays so they can be
 * built once and handed to worker threads.
 */

/** Which task: the classes (positive one labelled 1) and the projection/split seed. */
export interface TaskId {
  readonly positive: number;
  readonly negative: number;
  readonly seed: number;
}

/** One split of a task: n examples of F features (row-major) and their 0/1 labels. */
export interface Split {
  readonly n: number;
  readonly x: Float64Array;
  readonly y: Float64Array;
}

export interface TaskData {
  readonly id: TaskId;
  /** Feature size F. */
  readonly features: number;
  readonly train: Split;
  readonly valid: Split;
  readonly test: Split;
}

export type SplitName = 'train' | 'valid' | 'test';

export function taskKey(id: TaskId): string {
  return `cifar10-pos${id.positive}-neg${id.negative}-seed${id.seed}`;
}
