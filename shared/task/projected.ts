/**
 * Builds one projected binary CIFAR-10 task the way AutoML-Zero's generate_datasets.py does
 * (create_projected_binary_dataset):
 *
 *   1. take the first (train+valid+test)/2 images of the positive class and of the negative class,
 *      in the order the image set holds them (positive block first); positive → label 1, negative → 0;
 *   2. flatten every image to 3072 floats 0..255 (no /255) in HWC order, as tfds hands them out;
 *   3. stratified split: (train+valid) vs test, then train vs valid, each stratified by label and
 *      shuffled, as sklearn's train_test_split(stratify=…) does;
 *   4. project with a 3072×F matrix of N(0, 1) draws (np.random.randn(3072, F));
 *   5. standardize every feature with the train split's mean and population standard deviation
 *      (sklearn StandardScaler: ddof = 0, a zero scale becomes 1), applied to train, valid and test.
 *
 * Where we differ, and why:
 *   - The random numbers. numpy's Mersenne Twister + Box–Muller-polar and sklearn's permutations are
 *     not something we reproduce; we use the project's Rng instead. The procedure is the same, only
 *     which images land in which split and which projection is drawn differ from a Python run with
 *     the same seed.
 *   - Image order. tfds stores CIFAR-10 train in its own shuffled record order; we read the official
 *     binary files in file order. For the 50,000-image train set with 5,000 images per class and the
 *     default sizes, step 1 takes every image of both classes either way, so after the shuffled
 *     split the two are the same procedure.
 *   - Summation order. numpy's dot and mean use BLAS / pairwise sums; we sum in a fixed documented
 *     order (pixel index increasing for the projection, row index increasing for the statistics) so
 *     that a task is bit-identical on every machine — validators rebuild tasks from their ids and must
 *     get exactly the miner's numbers.
 *
 * As in generate_datasets.py, the seed alone drives both the split and the projection (the classes
 * are not mixed in), so tasks with the same seed share their projection matrix across pairs.
 *
 * Pure TypeScript (no node:*, no DOM): a worker, the node or a browser can rebuild a task.
 */

import { Rng, mixSeeds } from '../random/rng';
import type { Split, TaskData, TaskId } from './types';

// The task-id helpers live with the pair tables; re-exported so one import serves task builders.
export { heldoutTaskIds, searchTaskIds } from './pairs';

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
/** Pixels of one plane (32×32). */
export const CIFAR_PLANE = CIFAR_SIDE * CIFAR_SIDE;
/** Bytes (= input features) of one image. */
export const CIFAR_IMAGE_BYTES = CIFAR_PLANE * CIFAR_CHANNELS;

/**
 * A set of CIFAR-10 images as the binary files hold them: labels[i] in 0..9 and the i-th image at
 * pixels[i*3072 .. i*3072+3071] in the files' CHW order (1024 R, 1024 G, 1024 B, each row-major).
 */
export interface ImageSet {
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
}

export interface ProjectedTaskOptions {
  /** Projected dimension F (AutoML-Zero's projected_dim). Default 16. */
  readonly features?: number;
  /** Default 8000. */
  readonly train?: number;
  /** Default 1000. */
  readonly valid?: number;
  /** Default 1000; 0 gives an empty test split. */
  readonly test?: number;
}

export const DEFAULT_PROJECTED_OPTIONS: Required<ProjectedTaskOptions> = Object.freeze({
  features: 16,
  train: 8000,
  valid: 1000,
  test: 1000,
});

/**
 * Stream tags for mixSeeds: distinct constants keep the split's and the projection's random
 * numbers independent even though both come from the same task seed. Never change them: they are
 * part of every task's identity.
 */
const SPLIT_STREAM = 0x53504c54; // 'SPLT'
const PROJECTION_STREAM = 0x50524f4a; // 'PROJ'

// ---------------------------------------------------------------------------------------------
// Projection matrix

/**
 * The 3072×F projection matrix for a seed, row-major: row p multiplies input feature p, where p is
 * the HWC index (row*32 + col)*3 + channel. Entries are drawn row by row, as np.random.randn(3072, F)
 * fills its array.
 */
export function projectionMatrix(seed: number, features: number): Float64Array {
  checkSeed(seed);
  checkCount(features, 'features', 1);
  const rng = new Rng(mixSeeds(PROJECTION_STREAM, seed));
  const m = new Float64Array(CIFAR_IMAGE_BYTES * features);
  for (let i = 0; i < m.length; i++) m[i] = rng.gaussian(0, 1);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Class selection

/** Per image set, the image indices of each class in order; computed once per labels array. */
const classIndexCache = new WeakMap<Uint8Array, Uint32Array[]>();

function classIndices(labels: Uint8Array): Uint32Array[] {
  const cached = classIndexCache.get(labels);
  if (cached) return cached;
  const counts = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  const lists: Uint32Array[] = [];
  for (let c = 0; c < 256; c++) lists.push(new Uint32Array(counts[c]!));
  const fill = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    lists[c]![fill[c]!++] = i;
  }
  classIndexCache.set(labels, lists);
  return lists;
}

/**
 * The images a task uses: the first `perClass` images of the positive class, then the first
 * `perClass` of the negative class (generate_datasets.py's get_dataset + select_classes), with
 * their binary labels (positive → 1, negative → 0).
 */
export function selectPairImages(
  images: ImageSet,
  positive: number,
  negative: number,
  perClass: number,
): { readonly imageIndex: Uint32Array; readonly label: Uint8Array } {
  const lists = classIndices(images.labels);
  const imageIndex = new Uint32Array(2 * perClass);
  const label = new Uint8Array(2 * perClass);
  let k = 0;
  for (const [cls, bit] of [
    [positive, 1],
    [negative, 0],
  ] as const) {
    const list = lists[cls]!;
    if (list.length < perClass) {
      throw new RangeError(
        `class ${cls} has only ${list.length} images in this image set; the task needs ${perClass}`,
      );
    }
    for (let i = 0; i < perClass; i++) {
      imageIndex[k] = list[i]!;
      label[k] = bit;
      k++;
    }
  }
  return { imageIndex, label };
}

// ---------------------------------------------------------------------------------------------
// Stratified split

/**
 * How many of `n` draws each class gets, proportional to its count: floors first, then the
 * leftover draws one each to the classes with the largest remainders (ties: lower class first).
 * This is sklearn's _approximate_mode except that sklearn breaks ties randomly; with the balanced
 * classes of these tasks there are no ties to break.
 */
export function allocateStratified(classCounts: readonly number[], n: number): number[] {
  const total = classCounts.reduce((a, b) => a + b, 0);
  if (n > total) throw new RangeError(`cannot draw ${n} of ${total} examples`);
  if (total === 0) return classCounts.map(() => 0);
  // Integer arithmetic only (n*count < 2^53), so the result is exact everywhere.
  const take = classCounts.map((c) => Math.floor((n * c) / total));
  const rem = classCounts.map((c, i) => n * c - take[i]! * total);
  let left = n - take.reduce((a, b) => a + b, 0);
  const order = classCounts.map((_, i) => i).sort((a, b) => rem[b]! - rem[a]! || a - b);
  for (const i of order) {
    if (left === 0) break;
    if (take[i]! < classCounts[i]!) {
      take[i]!++;
      left--;
    }
  }
  return take;
}

/**
 * Splits `items` (indices into `labels`) into a first part of `firstCount` and a second part of
 * `secondCount`, stratified by label, as sklearn's StratifiedShuffleSplit does: per class (in
 * increasing label order) a random permutation of its items, the first share to the first part
 * and the next share to the second; then each part is shuffled so the classes interleave.
 */
export function stratifiedSplit(
  items: readonly number[],
  labels: ArrayLike<number>,
  firstCount: number,
  secondCount: number,
  rng: Rng,
): [number[], number[]] {
  if (firstCount + secondCount > items.length) {
    throw new RangeError(
      `cannot split ${items.length} examples into ${firstCount} + ${secondCount}`,
    );
  }
  const byClass = new Map<number, number[]>();
  for (const it of items) {
    const y = labels[it]!;
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(it);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const counts = classes.map((c) => byClass.get(c)!.length);
  const firstTake = allocateStratified(counts, firstCount);
  const secondTake = allocateStratified(
    counts.map((c, i) => c - firstTake[i]!),
    secondCount,
  );
  const first: number[] = [];
  const second: number[] = [];
  classes.forEach((c, i) => {
    const perm = rng.shuffle(byClass.get(c)!.slice());
    const a = firstTake[i]!;
    const b = secondTake[i]!;
    for (let k = 0; k < a; k++) first.push(perm[k]!);
    for (let k = a; k < a + b; k++) second.push(perm[k]!);
  });
  rng.shuffle(first);
  rng.shuffle(second);
  return [first, second];
}

// ---------------------------------------------------------------------------------------------
// Projection

/**
 * Projects image `imageIndex` into out[outOffset .. outOffset+F-1]:
 * out[f] = Σ_p hwc[p] · W[p][f], summed over p = 0..3071 in increasing order, starting from 0.
 * The CHW bytes are converted to HWC floats once into `scratch`, then the pixels stream once
 * through F running sums. JavaScript never fuses multiply-add, so every engine rounds the same way.
 */
function projectImage(
  pixels: Uint8Array,
  imageIndex: number,
  w: Float64Array,
  features: number,
  out: Float64Array,
  outOffset: number,
  scratch: Float64Array,
  acc: Float64Array,
): void {
  const base = imageIndex * CIFAR_IMAGE_BYTES;
  const g = base + CIFAR_PLANE;
  const b = base + 2 * CIFAR_PLANE;
  for (let pix = 0, q = 0; pix < CIFAR_PLANE; pix++, q += 3) {
    scratch[q] = pixels[base + pix]!;
    scratch[q + 1] = pixels[g + pix]!;
    scratch[q + 2] = pixels[b + pix]!;
  }
  if (features === 16) {
    project16(scratch, w, out, outOffset);
    return;
  }
  acc.fill(0);
  for (let p = 0, row = 0; p < CIFAR_IMAGE_BYTES; p++, row += features) {
    const v = scratch[p]!;
    for (let f = 0; f < features; f++) acc[f] = acc[f]! + v * w[row + f]!;
  }
  for (let f = 0; f < features; f++) out[outOffset + f] = acc[f]!;
}

/**
 * The F = 16 case with the running sums in locals, so they stay in registers. Same operations in
 * the same order as the generic loop, hence bit-identical results (the tests check both paths
 * against a naive reference).
 */
function project16(x: Float64Array, w: Float64Array, out: Float64Array, o: number): void {
  let a0 = 0,
    a1 = 0,
    a2 = 0,
    a3 = 0,
    a4 = 0,
    a5 = 0,
    a6 = 0,
    a7 = 0;
  let a8 = 0,
    a9 = 0,
    a10 = 0,
    a11 = 0,
    a12 = 0,
    a13 = 0,
    a14 = 0,
    a15 = 0;
  for (let p = 0, r = 0; p < CIFAR_IMAGE_BYTES; p++, r += 16) {
    const v = x[p]!;
    a0 += v * w[r]!;
    a1 += v * w[r + 1]!;
    a2 += v * w[r + 2]!;
    a3 += v * w[r + 3]!;
    a4 += v * w[r + 4]!;
    a5 += v * w[r + 5]!;
    a6 += v * w[r + 6]!;
    a7 += v * w[r + 7]!;
    a8 += v * w[r + 8]!;
    a9 += v * w[r + 9]!;
    a10 += v * w[r + 10]!;
    a11 += v * w[r + 11]!;
    a12 += v * w[r + 12]!;
    a13 += v * w[r + 13]!;
    a14 += v * w[r + 14]!;
    a15 += v * w[r + 15]!;
  }
  out[o] = a0;
  out[o + 1] = a1;
  out[o + 2] = a2;
  out[o + 3] = a3;
  out[o + 4] = a4;
  out[o + 5] = a5;
  out[o + 6] = a6;
  out[o + 7] = a7;
  out[o + 8] = a8;
  out[o + 9] = a9;
  out[o + 10] = a10;
  out[o + 11] = a11;
  out[o + 12] = a12;
  out[o + 13] = a13;
  out[o + 14] = a14;
  out[o + 15] = a15;
}

/**
 * Projects the images `imageIndex` (indices into `images`) into an n×F matrix, row r for image
 * imageIndex[r]: the raw projection, before standardization.
 */
export function projectImages(
  images: ImageSet,
  imageIndex: ArrayLike<number>,
  w: Float64Array,
  features: number,
): Float64Array {
  if (w.length !== CIFAR_IMAGE_BYTES * features)
    throw new RangeError(`projection matrix has ${w.length} entries, expected 3072×${features}`);
  const out = new Float64Array(imageIndex.length * features);
  const scratch = new Float64Array(CIFAR_IMAGE_BYTES);
  const acc = new Float64Array(features);
  for (let r = 0; r < imageIndex.length; r++) {
    projectImage(images.pixels, imageIndex[r]!, w, features, out, r * features, scratch, acc);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Standardization

/**
 * Per-feature mean and population standard deviation of an n×F matrix (rows summed in order,
 * two passes so the variance does not lose precision). A zero standard deviation becomes 1, as
 * StandardScaler does, so constant features map to 0 instead of NaN.
 */
export function fitStandardizer(
  x: Float64Array,
  n: number,
  features: number,
): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(features);
  const scale = new Float64Array(features);
  if (n === 0) {
    scale.fill(1);
    return { mean, scale };
  }
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < features; f++) mean[f] = mean[f]! + x[i * features + f]!;
  }
  for (let f = 0; f < features; f++) mean[f] = mean[f]! / n;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < features; f++) {
      const d = x[i * features + f]! - mean[f]!;
      scale[f] = scale[f]! + d * d;
    }
  }
  for (let f = 0; f < features; f++) {
    const sd = Math.sqrt(scale[f]! / n);
    scale[f] = sd === 0 ? 1 : sd;
  }
  return { mean, scale };
}

/** x ← (x − mean) / scale, in place. */
export function applyStandardizer(
  x: Float64Array,
  features: number,
  mean: Float64Array,
  scale: Float64Array,
): void {
  for (let i = 0; i < x.length; i += features) {
    for (let f = 0; f < features; f++) x[i + f] = (x[i + f]! - mean[f]!) / scale[f]!;
  }
}

// ---------------------------------------------------------------------------------------------
// The task

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new RangeError(`task seed must be a non-negative safe integer, got ${seed}`);
}

function checkCount(n: number, what: string, min: number): void {
  if (!Number.isSafeInteger(n) || n < min)
    throw new RangeError(`${what} must be an integer >= ${min}, got ${n}`);
}

function checkClass(c: number, what: string): void {
  if (!Number.isInteger(c) || c < 0 || c > 9)
    throw new RangeError(`${what} class must be 0..9, got ${c}`);
}

function resolveOptions(opts: ProjectedTaskOptions | undefined): Required<ProjectedTaskOptions> {
  const o = { ...DEFAULT_PROJECTED_OPTIONS, ...stripUndefined(opts ?? {}) };
  checkCount(o.features, 'features', 1);
  checkCount(o.train, 'train', 1);
  checkCount(o.valid, 'valid', 1);
  checkCount(o.test, 'test', 0);
  if ((o.train + o.valid + o.test) % 2 !== 0) {
    // generate_datasets.py takes int(total / 2) per class and would then fail to split; say so early.
    throw new RangeError(
      `train + valid + test must be even (half from each class), got ${o.train + o.valid + o.test}`,
    );
  }
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function checkImages(images: ImageSet): void {
  if (images.pixels.length !== images.labels.length * CIFAR_IMAGE_BYTES) {
    throw new RangeError(
      `image set holds ${images.labels.length} labels but ${images.pixels.length} pixel bytes (expected ${images.labels.length * CIFAR_IMAGE_BYTES})`,
    );
  }
}

/** Which CIFAR images (indices into the image set) form one split, and their 0/1 labels. */
export interface SplitPlan {
  readonly images: Uint32Array;
  readonly labels: Uint8Array;
}

export interface TaskPlan {
  readonly train: SplitPlan;
  readonly valid: SplitPlan;
  readonly test: SplitPlan;
}

function checkId(id: TaskId): void {
  checkClass(id.positive, 'positive');
  checkClass(id.negative, 'negative');
  if (id.positive === id.negative)
    throw new RangeError(`positive and negative class are both ${id.positive}`);
  checkSeed(id.seed);
}

function plan(images: ImageSet, id: TaskId, o: Required<ProjectedTaskOptions>): TaskPlan {
  checkId(id);
  const perClass = (o.train + o.valid + o.test) / 2;
  const { imageIndex, label } = selectPairImages(images, id.positive, id.negative, perClass);
  // Both split stages draw from one stream, in order: (train+valid | test), then (train | valid).
  const rng = new Rng(mixSeeds(SPLIT_STREAM, id.seed));
  const all = Array.from({ length: imageIndex.length }, (_, i) => i);
  const [trainValid, testRows] = stratifiedSplit(all, label, o.train + o.valid, o.test, rng);
  const [trainRows, validRows] = stratifiedSplit(trainValid, label, o.train, o.valid, rng);
  const toPlan = (rows: readonly number[]): SplitPlan => ({
    images: Uint32Array.from(rows, (r) => imageIndex[r]!),
    labels: Uint8Array.from(rows, (r) => label[r]!),
  });
  return { train: toPlan(trainRows), valid: toPlan(validRows), test: toPlan(testRows) };
}

/**
 * Which images a task puts in each split, without projecting anything: steps 1 and 3 of the file
 * comment. Cheap; useful to know which CIFAR images a task's test split uses.
 */
export function planProjectedTask(
  images: ImageSet,
  id: TaskId,
  opts?: ProjectedTaskOptions,
): TaskPlan {
  checkImages(images);
  return plan(images, id, resolveOptions(opts));
}

function build(
  images: ImageSet,
  id: TaskId,
  o: Required<ProjectedTaskOptions>,
  matrixFor: (seed: number, features: number) => Float64Array,
): TaskData {
  const F = o.features;
  const p = plan(images, id, o);
  const w = matrixFor(id.seed, F);
  const makeSplit = (sp: SplitPlan): Split => ({
    n: sp.images.length,
    x: projectImages(images, sp.images, w, F),
    y: Float64Array.from(sp.labels),
  });
  const train = makeSplit(p.train);
  const valid = makeSplit(p.valid);
  const test = makeSplit(p.test);

  const { mean, scale } = fitStandardizer(train.x, train.n, F);
  for (const s of [train, valid, test]) applyStandardizer(s.x, F, mean, scale);

  return {
    id: { positive: id.positive, negative: id.negative, seed: id.seed },
    metric: 'accuracy',
    features: F,
    train,
    valid,
    test,
  };
}

/**
 * One projected binary task. `images` is normally CIFAR-10's 50,000 training images in file order
 * (data_batch_1..5), which is what AutoML-Zero builds its tasks from; the same id and images give
 * bit-identical arrays on any machine. Smaller `opts` sizes make small synthetic tests possible.
 */
export function buildProjectedTask(
  images: ImageSet,
  id: TaskId,
  opts?: ProjectedTaskOptions,
): TaskData {
  checkImages(images);
  return build(images, id, resolveOptions(opts), projectionMatrix);
}

/** Many tasks from the same images; tasks that share a seed share one projection matrix. */
export function buildTasks(
  images: ImageSet,
  ids: readonly TaskId[],
  opts?: ProjectedTaskOptions,
): TaskData[] {
  checkImages(images);
  const o = resolveOptions(opts);
  const matrices = new Map<number, Float64Array>();
  const matrixFor = (seed: number, features: number): Float64Array => {
    let m = matrices.get(seed);
    if (!m) matrices.set(seed, (m = projectionMatrix(seed, features)));
    return m;
  };
  return ids.map((id) => build(images, id, o, matrixFor));
}

/**
 * A hidden verification task: trained on CIFAR-10 training images exactly as the public task with
 * the same id would be (same split, projection and standardization), and scored on all the pair's
 * CIFAR-10 *test* images, which no search ever sees. With the id's seed kept secret, neither the
 * projection nor the scoring images are known to a miner in advance. `valid` is the number of test
 * images (half from each class; up to 2000, the test set's 1000 a class).
 */
export function buildHiddenTask(
  trainImages: ImageSet,
  testImages: ImageSet,
  id: TaskId,
  opts: { readonly features?: number; readonly train?: number; readonly valid: number },
): TaskData {
  checkImages(trainImages);
  checkImages(testImages);
  const o = resolveOptions({ features: opts.features, train: opts.train });
  checkCount(opts.valid, 'valid', 2);
  if (opts.valid % 2 !== 0) throw new RangeError(`valid must be even, got ${opts.valid}`);
  const F = o.features;
  const w = projectionMatrix(id.seed, F);
  const trainPlan = plan(trainImages, id, o).train;
  const test = selectPairImages(testImages, id.positive, id.negative, opts.valid / 2);
  const train: Split = {
    n: trainPlan.images.length,
    x: projectImages(trainImages, trainPlan.images, w, F),
    y: Float64Array.from(trainPlan.labels),
  };
  const valid: Split = {
    n: test.imageIndex.length,
    x: projectImages(testImages, test.imageIndex, w, F),
    y: Float64Array.from(test.label),
  };
  const { mean, scale } = fitStandardizer(train.x, train.n, F);
  applyStandardizer(train.x, F, mean, scale);
  applyStandardizer(valid.x, F, mean, scale);
  const empty: Split = { n: 0, x: new Float64Array(0), y: new Float64Array(0) };
  return {
    id: { positive: id.positive, negative: id.negative, seed: id.seed },
    metric: 'accuracy',
    features: F,
    train,
    valid,
    test: empty,
  };
}
