/**
 * What a track is and what its scores mean, in plain words for people: the Mining screen's track
 * picker and every place a score is shown. Keyed by the task family (and so the metric), so a
 * variant of a built-in track reads the same as the track it varies.
 */
import type { TrackTask } from './track';

export interface TrackWords {
  /** A short name, e.g. "Image classification". */
  readonly title: string;
  /** One sentence on what the programs learn. */
  readonly summary: string;
  /** What a score is, e.g. "accuracy". */
  readonly scoreName: string;
  /** What 0.50 means on this track, e.g. "0.50 is guessing". */
  readonly half: string;
  /** The same as a chart's legend names its line at 0.50, e.g. "Guessing". */
  readonly halfName: string;
  /** What 1.00 means, e.g. "1.00 is every image right". */
  readonly whole: string;
  /** The tasks in a few words, e.g. "image tasks". */
  readonly tasks: string;
}

export function trackWords(task: TrackTask): TrackWords {
  if (task.family === 'teacher')
    return {
      title: `Regression on a hidden ${task.teacher === 'linear' ? 'linear function' : 'neural network'}`,
      summary:
        task.teacher === 'linear'
          ? 'Predict the output of a random linear function from its 16 inputs.'
          : 'Predict the output of a random 2-layer neural network from its 16 inputs.',
      scoreName: 'fit score',
      half: '0.50 is predicting 0',
      halfName: 'Predicting 0',
      whole: '1.00 is a perfect fit',
      tasks: 'regression tasks',
    };
  return {
    title: 'Image classification',
    summary: 'Tell two kinds of CIFAR-10 images apart (airplane or cat, dog or truck, …).',
    scoreName: 'accuracy',
    half: '0.50 is guessing',
    halfName: 'Guessing',
    whole: '1.00 is every image right',
    tasks: 'image tasks',
  };
}
