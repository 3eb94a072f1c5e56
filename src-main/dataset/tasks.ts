/**
 * The node's way to get tasks: find (or download) CIFAR-10, load it once per folder, build tasks.
 *
 * Loading takes about a second and 180 MB, so the loaded images are memoized per folder for the
 * life of the process; building a task from them takes a few hundred milliseconds.
 */

import path from 'node:path';

import type { SearchConfig } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { buildTasks, type ImageSet, type ProjectedTaskOptions } from '../../shared/task/projected';
import type { TaskData, TaskId } from '../../shared/task/types';
import { CifarDataError, loadCifar10, type Cifar10 } from './cifar10';
import { cifar10CacheDir, ensureCifar10, locateCifar10, type EnsureOptions } from './locate';

export interface LoadTasksOptions extends EnsureOptions, ProjectedTaskOptions {
  /** A folder to use as is (skips the search). */
  dir?: string;
  /** Download into the cache when no copy is found (default false: throw instead). */
  download?: boolean;
  /** Check the files' MD5s when first loading a folder (default false; ~0.2 s). */
  verify?: boolean;
  /**
   * Which CIFAR-10 images to build from: 'train' (the 50,000, as AutoML-Zero does; default) or
   * 'test' (the 10,000 held-out images, 1,000 per class, so sizes must shrink to fit).
   */
  images?: 'train' | 'test';
}

/** Loaded datasets per resolved folder (a promise, so concurrent callers share one load). */
const loaded = new Map<string, Promise<Cifar10>>();

/**
 * Loads CIFAR-10 from `dir` once per process; a failed load is forgotten so it can be retried.
 * `verify` applies to the load that fills the memo.
 */
export function loadCifar10Cached(dir: string, opts: { verify?: boolean } = {}): Promise<Cifar10> {
  const key = path.resolve(dir);
  let p = loaded.get(key);
  if (!p) {
    p = loadCifar10(key, opts);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/** Drops the memoized datasets (frees ~180 MB each once no task array refers to them). */
export function clearCifar10Cache(): void {
  loaded.clear();
}

/** The CIFAR-10 folder to use for these options; throws a message listing where it looked. */
export async function resolveCifar10Dir(opts: LoadTasksOptions = {}): Promise<string> {
  if (opts.dir !== undefined) return path.resolve(opts.dir);
  if (opts.download) return ensureCifar10(opts);
  const found = locateCifar10(opts);
  if (found) return found;
  const cache = cifar10CacheDir({ dataDir: opts.dataDir, env: opts.env ?? process.env });
  throw new CifarDataError(
    'CIFAR-10 binary files not found: set SOTA_CIFAR10_DIR to a cifar-10-batches-bin folder, place one at ' +
      `../shared/datasets/cifar-10-batches-bin, or let the app download it into ${cache}`,
    cache,
  );
}

/** The image set tasks are built from (train by default). */
export async function loadImageSet(opts: LoadTasksOptions = {}): Promise<ImageSet> {
  const dir = await resolveCifar10Dir(opts);
  const data = await loadCifar10Cached(dir, { verify: opts.verify });
  return opts.images === 'test' ? data.test : data.train;
}

/** Builds the given tasks from CIFAR-10, locating and loading the files on first use. */
export async function loadTasks(
  ids: readonly TaskId[],
  opts: LoadTasksOptions = {},
): Promise<TaskData[]> {
  const images = await loadImageSet(opts);
  return buildTasks(images, ids, {
    features: opts.features,
    train: opts.train,
    valid: opts.valid,
    test: opts.test,
  });
}

/**
 * The tasks a search configuration names (or `ids`, e.g. a pool's list), at its sizes: what the
 * miner, the pool and the desktop node build before they search. Downloads CIFAR-10 if missing.
 */
export function loadSearchTasks(
  config: SearchConfig,
  where: Pick<LoadTasksOptions, 'dir' | 'dataDir' | 'onProgress'> = {},
  ids: readonly TaskId[] = searchTaskIds(config.tasks.count, config.tasks.firstSeed),
): Promise<TaskData[]> {
  return loadTasks(ids, {
    ...where,
    download: true,
    features: config.tasks.features,
    train: config.tasks.train,
    valid: config.tasks.valid,
  });
}
