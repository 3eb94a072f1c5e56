import { describe, expect, it } from 'vitest';

import { Rng } from '../random/rng';
import {
  CIFAR_IMAGE_BYTES,
  allocateStratified,
  buildProjectedTask,
  buildTasks,
  fitStandardizer,
  planProjectedTask,
  projectImages,
  projectionMatrix,
  stratifiedSplit,
  type ImageSet,
} from './projected';
import type { TaskData } from './types';

/** A synthetic image set; `value(i, channel, row, col)` gives the byte at that CHW position. */
function makeImages(
  labels: number[],
  value: (i: number, c: number, row: number, col: number) => number,
): ImageSet {
  const pixels = new Uint8Array(labels.length * CIFAR_IMAGE_BYTES);
  labels.forEach((_, i) => {
    for (let c = 0; c < 3; c++)
      for (let row = 0; row < 32; row++)
        for (let col = 0; col < 32; col++)
          pixels[i * 3072 + c * 1024 + row * 32 + col] = value(i, c, row, col) & 255;
  });
  return { labels: Uint8Array.from(labels), pixels };
}

/** 30 images per class, labels interleaved 0..9, pseudo-random pixels. */
function randomImages(perClass = 30, seed = 7): ImageSet {
  const rng = new Rng(seed);
  const labels = Array.from({ length: 10 * perClass }, (_, i) => i % 10);
  return makeImages(labels, () => rng.int(256));
}

/**
 * The naive reference: HWC vector written out by its definition (index (row*32+col)*3+channel),
 * projection summed over that index in increasing order. What projectImages must equal bit for bit.
 */
function referenceProject(
  images: ImageSet,
  imageIndex: ArrayLike<number>,
  w: Float64Array,
  F: number,
): Float64Array {
  const out = new Float64Array(imageIndex.length * F);
  for (let r = 0; r < imageIndex.length; r++) {
    const base = imageIndex[r]! * 3072;
    const hwc: number[] = [];
    for (let row = 0; row < 32; row++)
      for (let col = 0; col < 32; col++)
        for (let c = 0; c < 3; c++)
          hwc[(row * 32 + col) * 3 + c] = images.pixels[base + c * 1024 + row * 32 + col]!;
    for (let f = 0; f < F; f++) {
      let s = 0;
      for (let p = 0; p < 3072; p++) s += hwc[p]! * w[p * F + f]!;
      out[r * F + f] = s;
    }
  }
  return out;
}

function bytesOf(a: Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  const x = bytesOf(a);
  const y = bytesOf(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function taskBits(t: TaskData): Float64Array[] {
  return [t.train.x, t.train.y, t.valid.x, t.valid.y, t.test.x, t.test.y];
}

const small = { features: 4, train: 16, valid: 6, test: 6 } as const; // 14 images per class

describe('projectImages', () => {
  it('reads the CHW bytes in HWC order: index (row*32+col)*3+channel', () => {
    // Every channel plane holds different values, so a channel mix-up shows.
    const images = makeImages([0], (_, c, row, col) => 1 + c * 80 + ((row * 7 + col * 3) % 77));
    const picks = [
      { row: 0, col: 0, c: 1 },
      { row: 1, col: 2, c: 0 },
      { row: 5, col: 30, c: 2 },
      { row: 31, col: 31, c: 2 },
    ];
    // One-hot projection: feature f reads exactly the HWC input picks[f].
    const w = new Float64Array(3072 * picks.length);
    picks.forEach((p, f) => (w[((p.row * 32 + p.col) * 3 + p.c) * picks.length + f] = 1));
    const out = projectImages(images, [0], w, picks.length);
    expect(Array.from(out)).toEqual(
      picks.map((p) => 1 + p.c * 80 + ((p.row * 7 + p.col * 3) % 77)),
    );
  });

  it('is bit-identical to the naive reference, for the F=16 fast path and the generic loop', () => {
    const images = randomImages(3);
    const idx = [0, 5, 17, 29, 11];
    for (const F of [16, 5, 1]) {
      const w = projectionMatrix(42, F);
      expect(sameBits(projectImages(images, idx, w, F), referenceProject(images, idx, w, F))).toBe(
        true,
      );
    }
  });
});

describe('projection matrix', () => {
  it('is N(0,1) noise fixed by the seed', () => {
    const a = projectionMatrix(3, 16);
    expect(a).toHaveLength(3072 * 16);
    expect(sameBits(a, projectionMatrix(3, 16))).toBe(true);
    expect(sameBits(a, projectionMatrix(4, 16))).toBe(false);
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(sd - 1)).toBeLessThan(0.02);
  });
});

describe('stratified split', () => {
  it('allocates proportionally, leftovers to the largest remainders', () => {
    expect(allocateStratified([5000, 5000], 9000)).toEqual([4500, 4500]);
    expect(allocateStratified([4500, 4500], 8000)).toEqual([4000, 4000]);
    expect(allocateStratified([3, 7], 5)).toEqual([2, 3]);
    expect(allocateStratified([1, 9], 3)).toEqual([0, 3]);
    expect(() => allocateStratified([1, 1], 3)).toThrow(RangeError);
  });

  it('splits into disjoint stratified parts', () => {
    const labels = Array.from({ length: 40 }, (_, i) => (i < 20 ? 1 : 0));
    const items = labels.map((_, i) => i);
    const [a, b] = stratifiedSplit(items, labels, 30, 10, new Rng(1));
    expect(a).toHaveLength(30);
    expect(b).toHaveLength(10);
    expect(new Set([...a, ...b]).size).toBe(40);
    expect(a.filter((i) => labels[i] === 1)).toHaveLength(15);
    expect(b.filter((i) => labels[i] === 1)).toHaveLength(5);
    // Shuffled: the classes interleave rather than coming in two blocks.
    expect(a.slice(0, 15).every((i) => labels[i] === labels[a[0]!])).toBe(false);
  });
});

describe('buildProjectedTask', () => {
  const images = randomImages();
  const id = { positive: 2, negative: 7, seed: 5 };

  it('has the requested sizes and a balanced label split', () => {
    const t = buildProjectedTask(images, id, small);
    expect(t.features).toBe(4);
    expect(t.id).toEqual(id);
    for (const [s, n] of [
      [t.train, 16],
      [t.valid, 6],
      [t.test, 6],
    ] as const) {
      expect(s.n).toBe(n);
      expect(s.x).toHaveLength(n * 4);
      expect(s.y).toHaveLength(n);
      expect(Array.from(s.y).filter((y) => y === 1)).toHaveLength(n / 2);
      expect(Array.from(s.y).every((y) => y === 0 || y === 1)).toBe(true);
    }
  });

  it('uses the first images of each class, labels the positive class 1', () => {
    const plan = planProjectedTask(images, id, small);
    const used = [...plan.train.images, ...plan.valid.images, ...plan.test.images];
    expect(new Set(used).size).toBe(28);
    // Images are interleaved i % 10, so class c's first 14 images are c, c+10, …, c+130.
    const firstOf = (c: number) => Array.from({ length: 14 }, (_, k) => c + 10 * k);
    expect([...used].sort((a, b) => a - b)).toEqual(
      [...firstOf(2), ...firstOf(7)].sort((a, b) => a - b),
    );
    for (const s of [plan.train, plan.valid, plan.test]) {
      s.images.forEach((img, r) => expect(s.labels[r]).toBe(images.labels[img] === 2 ? 1 : 0));
    }
  });

  it('equals projection of the planned images then standardization with train statistics, bit for bit', () => {
    const t = buildProjectedTask(images, id, small);
    const plan = planProjectedTask(images, id, small);
    const w = projectionMatrix(id.seed, 4);
    const raw = [plan.train, plan.valid, plan.test].map((s) =>
      referenceProject(images, s.images, w, 4),
    );
    const tr = raw[0]!;
    const n = plan.train.images.length;
    const mean = [0, 1, 2, 3].map((f) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += tr[i * 4 + f]!;
      return s / n;
    });
    const sd = [0, 1, 2, 3].map((f) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (tr[i * 4 + f]! - mean[f]!) ** 2;
      return Math.sqrt(s / n);
    });
    const expected = raw.map((m) => m.map((v, i) => (v - mean[i % 4]!) / sd[i % 4]!));
    expect(sameBits(t.train.x, expected[0]!)).toBe(true);
    expect(sameBits(t.valid.x, expected[1]!)).toBe(true);
    expect(sameBits(t.test.x, expected[2]!)).toBe(true);
    expect(Array.from(t.test.y)).toEqual(Array.from(plan.test.labels));
  });

  it('standardizes every feature on train: mean 0, population sd 1', () => {
    const t = buildProjectedTask(images, id, small);
    for (let f = 0; f < 4; f++) {
      const col = Array.from({ length: 16 }, (_, i) => t.train.x[i * 4 + f]!);
      const m = col.reduce((a, b) => a + b, 0) / 16;
      const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / 16;
      expect(Math.abs(m)).toBeLessThan(1e-12);
      expect(Math.abs(v - 1)).toBeLessThan(1e-12);
    }
  });

  it('is deterministic in the id and differs across seeds', () => {
    const a = buildProjectedTask(images, id, small);
    const b = buildProjectedTask(images, { ...id }, small);
    const c = buildProjectedTask(images, { ...id, seed: 6 }, small);
    taskBits(a).forEach((arr, i) => expect(sameBits(arr, taskBits(b)[i]!)).toBe(true));
    expect(sameBits(a.train.x, c.train.x)).toBe(false);
    expect(planProjectedTask(images, id, small).test.images).not.toEqual(
      planProjectedTask(images, { ...id, seed: 6 }, small).test.images,
    );
  });

  it('buildTasks gives the same arrays as one-by-one builds', () => {
    const ids = [id, { positive: 0, negative: 1, seed: 5 }, { positive: 3, negative: 4, seed: 9 }];
    const many = buildTasks(images, ids, small);
    ids.forEach((tid, k) => {
      const one = buildProjectedTask(images, tid, small);
      taskBits(one).forEach((arr, i) => expect(sameBits(arr, taskBits(many[k]!)[i]!)).toBe(true));
    });
  });

  it('scales a constant feature by 1 instead of dividing by zero', () => {
    const x = Float64Array.from([1, 5, 2, 5, 3, 5]);
    const { mean, scale } = fitStandardizer(x, 3, 2);
    expect(Array.from(mean)).toEqual([2, 5]);
    expect(scale[0]).toBeCloseTo(Math.sqrt(2 / 3), 15);
    expect(scale[1]).toBe(1);
  });

  it('rejects impossible requests with clear errors', () => {
    expect(() => buildProjectedTask(images, id, { ...small, test: 7 })).toThrow(/must be even/);
    expect(() =>
      buildProjectedTask(images, id, { features: 4, train: 42, valid: 10, test: 10 }),
    ).toThrow(/class 2 has only 30 images in this image set; the task needs 31/);
    expect(() => buildProjectedTask(images, { positive: 3, negative: 3, seed: 0 }, small)).toThrow(
      /both 3/,
    );
    expect(() => buildProjectedTask(images, { positive: 3, negative: 10, seed: 0 }, small)).toThrow(
      /0\.\.9/,
    );
    expect(() => buildProjectedTask(images, { ...id, seed: -1 }, small)).toThrow(/seed/);
    expect(() =>
      buildProjectedTask({ labels: images.labels, pixels: images.pixels.subarray(5) }, id, small),
    ).toThrow(/pixel bytes/);
  });
});
