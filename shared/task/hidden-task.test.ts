import { describe, expect, it } from 'vitest';

import { Rng } from '../random/rng';
import {
  CIFAR_IMAGE_BYTES,
  applyStandardizer,
  buildHiddenTask,
  buildProjectedTask,
  fitStandardizer,
  planProjectedTask,
  projectImages,
  projectionMatrix,
  type ImageSet,
} from './projected';
import type { TaskId } from './types';

/**
 * buildHiddenTask plans its train split with the public task's default valid and test sizes
 * (1000 + 1000), so the training image set must hold train/2 + 1000 images of each class of the
 * pair, whatever `train` is.
 */
const PLAN_EXTRA_PER_CLASS = 1000;
const TRAIN = 80;
const F = 4;
const POS = 3;
const NEG = 5;
const ID: TaskId = { positive: POS, negative: NEG, seed: 11 };

/**
 * A synthetic image set: `counts[c]` images of class c, in a seeded shuffled order, pixels drawn
 * uniformly from [low, low + span).
 */
function makeImages(counts: Record<number, number>, seed: number, low = 0, span = 256): ImageSet {
  const rng = new Rng(seed);
  const labels: number[] = [];
  for (const [c, n] of Object.entries(counts)) for (let i = 0; i < n; i++) labels.push(Number(c));
  rng.shuffle(labels);
  const pixels = new Uint8Array(labels.length * CIFAR_IMAGE_BYTES);
  for (let i = 0; i < pixels.length; i++) pixels[i] = low + (rng.nextU32() % span);
  return { labels: Uint8Array.from(labels), pixels };
}

const perClassTrain = TRAIN / 2 + PLAN_EXTRA_PER_CLASS;
/** Enough training images of the pair for the default plan, and a few of another class. */
const trainImages = makeImages({ [POS]: perClassTrain, [NEG]: perClassTrain, 0: 20 }, 1);
/** 20 test images of each class of the pair, brighter than the training images, and others. */
const TEST_PER_CLASS = 20;
const testImages = makeImages({ [POS]: TEST_PER_CLASS, [NEG]: TEST_PER_CLASS, 1: 10 }, 2, 128, 128);

/** The indices of the first `n` images of class `c`, in the set's order. */
function firstOfClass(images: ImageSet, c: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < images.labels.length && out.length < n; i++)
    if (images.labels[i] === c) out.push(i);
  return out;
}

describe('buildHiddenTask', () => {
  const VALID = 20;
  const task = buildHiddenTask(trainImages, testImages, ID, {
    features: F,
    train: TRAIN,
    valid: VALID,
  });

  it('carries the id and feature size', () => {
    expect(task.id).toEqual(ID);
    expect(task.features).toBe(F);
  });

  it('trains on exactly the public task with the same id (default valid/test sizes)', () => {
    const pub = buildProjectedTask(trainImages, ID, { features: F, train: TRAIN });
    expect(task.train.n).toBe(TRAIN);
    expect(task.train.x).toEqual(pub.train.x);
    expect(task.train.y).toEqual(pub.train.y);
    // Spelled out: the public task it matches is the one with 1000 valid and 1000 test rows.
    const explicit = buildProjectedTask(trainImages, ID, {
      features: F,
      train: TRAIN,
      valid: 1000,
      test: 1000,
    });
    expect(task.train.x).toEqual(explicit.train.x);
    // A public task with other valid/test sizes splits differently.
    const other = buildProjectedTask(trainImages, ID, {
      features: F,
      train: TRAIN,
      valid: 20,
      test: 20,
    });
    expect(task.train.x).not.toEqual(other.train.x);
  });

  it('uses the default 16 features when none are given', () => {
    const t = buildHiddenTask(trainImages, testImages, ID, { train: TRAIN, valid: 4 });
    expect(t.features).toBe(16);
    expect(t.train.x.length).toBe(TRAIN * 16);
    const pub = buildProjectedTask(trainImages, ID, { train: TRAIN });
    expect(t.train.x).toEqual(pub.train.x);
  });

  it('scores on the first valid/2 test images of each class, positive first', () => {
    expect(task.valid.n).toBe(VALID);
    expect(task.valid.x.length).toBe(VALID * F);
    expect(Array.from(task.valid.y)).toEqual([
      ...Array<number>(VALID / 2).fill(1),
      ...Array<number>(VALID / 2).fill(0),
    ]);
  });

  it('standardizes the scoring rows with the training rows’ mean and scale', () => {
    const w = projectionMatrix(ID.seed, F);
    const trainPlan = planProjectedTask(trainImages, ID, { features: F, train: TRAIN }).train;
    const trainRaw = projectImages(trainImages, trainPlan.images, w, F);
    const { mean, scale } = fitStandardizer(trainRaw, TRAIN, F);
    const rows = [
      ...firstOfClass(testImages, POS, VALID / 2),
      ...firstOfClass(testImages, NEG, VALID / 2),
    ];
    const expected = projectImages(testImages, rows, w, F);
    for (let r = 0; r < VALID; r++)
      for (let f = 0; f < F; f++) {
        const i = r * F + f;
        expected[i] = (expected[i]! - mean[f]!) / scale[f]!;
      }
    expect(task.valid.x).toEqual(expected);

    // Not with the scoring rows' own statistics: the test images here are brighter, so that
    // would give different numbers.
    const own = projectImages(testImages, rows, w, F);
    const ownFit = fitStandardizer(own, VALID, F);
    applyStandardizer(own, F, ownFit.mean, ownFit.scale);
    expect(task.valid.x).not.toEqual(own);
  });

  it('has an empty test split', () => {
    expect(task.test.n).toBe(0);
    expect(task.test.x.length).toBe(0);
    expect(task.test.y.length).toBe(0);
  });

  it('can use every test image of the pair', () => {
    const all = buildHiddenTask(trainImages, testImages, ID, {
      features: F,
      train: TRAIN,
      valid: 2 * TEST_PER_CLASS,
    });
    expect(all.valid.n).toBe(2 * TEST_PER_CLASS);
    // The smaller task's scoring rows are a prefix of each class's block.
    const half = VALID / 2;
    expect(all.valid.x.subarray(0, half * F)).toEqual(task.valid.x.subarray(0, half * F));
    expect(all.valid.x.subarray(TEST_PER_CLASS * F, (TEST_PER_CLASS + half) * F)).toEqual(
      task.valid.x.subarray(half * F),
    );
  });

  it('is deterministic', () => {
    const again = buildHiddenTask(
      trainImages,
      testImages,
      { ...ID },
      {
        features: F,
        train: TRAIN,
        valid: VALID,
      },
    );
    expect(again.train.x).toEqual(task.train.x);
    expect(again.train.y).toEqual(task.train.y);
    expect(again.valid.x).toEqual(task.valid.x);
    expect(again.valid.y).toEqual(task.valid.y);
  });

  it('draws a different projection (and split) for a different seed', () => {
    const other = buildHiddenTask(
      trainImages,
      testImages,
      { ...ID, seed: ID.seed + 1 },
      {
        features: F,
        train: TRAIN,
        valid: VALID,
      },
    );
    expect(other.valid.y).toEqual(task.valid.y); // same scoring images and labels
    expect(other.valid.x).not.toEqual(task.valid.x);
    expect(other.train.x).not.toEqual(task.train.x);
  });

  it('refuses an odd or too small valid size', () => {
    const opts = { features: F, train: TRAIN };
    expect(() => buildHiddenTask(trainImages, testImages, ID, { ...opts, valid: 21 })).toThrow(
      RangeError,
    );
    expect(() => buildHiddenTask(trainImages, testImages, ID, { ...opts, valid: 21 })).toThrow(
      /even/,
    );
    for (const valid of [0, 1, -2, 2.5]) {
      expect(() => buildHiddenTask(trainImages, testImages, ID, { ...opts, valid })).toThrow(
        RangeError,
      );
    }
  });

  it('refuses a valid size the test images cannot fill', () => {
    const tooMany = 2 * TEST_PER_CLASS + 2;
    expect(() =>
      buildHiddenTask(trainImages, testImages, ID, { features: F, train: TRAIN, valid: tooMany }),
    ).toThrow(RangeError);
    expect(() =>
      buildHiddenTask(trainImages, testImages, ID, { features: F, train: TRAIN, valid: tooMany }),
    ).toThrow(`class ${POS} has only ${TEST_PER_CLASS} images`);
  });

  it('needs train/2 + 1000 training images of each class of the pair', () => {
    // One image short of the default plan's need, although far more than `train` itself.
    const short = makeImages({ [POS]: perClassTrain - 1, [NEG]: perClassTrain }, 3);
    expect(() =>
      buildHiddenTask(short, testImages, ID, { features: F, train: TRAIN, valid: VALID }),
    ).toThrow(`class ${POS} has only ${perClassTrain - 1} images`);
  });

  it('refuses an odd train size and a malformed image set', () => {
    expect(() =>
      buildHiddenTask(trainImages, testImages, ID, { features: F, train: TRAIN + 1, valid: 4 }),
    ).toThrow(RangeError);
    const broken: ImageSet = { labels: testImages.labels, pixels: testImages.pixels.subarray(1) };
    expect(() =>
      buildHiddenTask(trainImages, broken, ID, { features: F, train: TRAIN, valid: 4 }),
    ).toThrow(RangeError);
  });
});
