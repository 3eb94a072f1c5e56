/**
 * Finds the CIFAR-10 binary files on this machine, and fetches them into the app's cache when they
 * are nowhere to be found.
 *
 * Search order (first hit wins):
 *   1. the explicit `offlinePath` option (a flag or a setting the user typed),
 *   2. $SOTA_CIFAR10_DIR,
 *   3. shared/datasets/cifar-10-batches-bin in a folder above the project root — the read-only copy
 *      the development and test machines provide (../shared/datasets/… next to the checkout),
 *   4. the cache, <dataDir>/datasets/cifar-10-batches-bin, where a previous download landed.
 *
 * 1 and 2 are deliberate user choices, so when they point at a folder without the files we throw
 * instead of silently falling through to a 170 MB download somewhere else.
 */

import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  CIFAR10_MD5,
  CIFAR_FILES,
  CIFAR_FOLDER_NAME,
  CIFAR_RECORDS_PER_FILE,
  CIFAR_RECORD_BYTES,
  CifarDataError,
} from './cifar10';
import { downloadCifar10, type DownloadProgress } from './download';

export const APP_DIR_NAME = 'sota-miner';
const EXPECTED_FILE_BYTES = CIFAR_RECORDS_PER_FILE * CIFAR_RECORD_BYTES;

type Env = Readonly<Record<string, string | undefined>>;

export interface LocateOptions {
  /** The app's data folder; default defaultDataDir(env). The cache lives in <dataDir>/datasets. */
  dataDir?: string;
  /** An explicit folder holding the six .bin files; wins over everything else. */
  offlinePath?: string;
  /** Environment to read SOTA_CIFAR10_DIR / SOTA_DATA_DIR / XDG_DATA_HOME / APPDATA from. */
  env?: Env;
  /** Where to start looking for package.json; default: this module's folder, then process.cwd(). */
  projectRoot?: string;
}

function envValue(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/**
 * The app's per-user data folder: $SOTA_DATA_DIR if set, otherwise the platform's convention —
 * %APPDATA%\sota-miner on Windows, ~/Library/Application Support/sota-miner on macOS and
 * $XDG_DATA_HOME/sota-miner (default ~/.local/share/sota-miner) elsewhere.
 */
export function defaultDataDir(
  env: Env = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  const explicit = envValue(env, 'SOTA_DATA_DIR');
  if (explicit) return path.resolve(explicit);
  if (platform === 'win32') {
    const appData = envValue(env, 'APPDATA') ?? path.win32.join(home, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_DIR_NAME);
  }
  if (platform === 'darwin')
    return path.posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  const xdg = envValue(env, 'XDG_DATA_HOME');
  // The XDG spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
  return path.posix.join(base, APP_DIR_NAME);
}

/** Where downloads are cached: <dataDir>/datasets/cifar-10-batches-bin. */
export function cifar10CacheDir(opts: Pick<LocateOptions, 'dataDir' | 'env'> = {}): string {
  const dataDir = opts.dataDir ?? defaultDataDir(opts.env ?? process.env);
  return path.join(dataDir, 'datasets', CIFAR_FOLDER_NAME);
}

/** Why `dir` is not a usable CIFAR-10 folder, or null when all six files are there at full size. */
export function cifar10FolderProblem(dir: string): string | null {
  let st;
  try {
    st = statSync(dir);
  } catch {
    return `folder ${dir} does not exist`;
  }
  if (!st.isDirectory()) return `${dir} is not a folder`;
  for (const f of CIFAR_FILES) {
    let fst;
    try {
      fst = statSync(path.join(dir, f));
    } catch {
      return `${f} is missing from ${dir}`;
    }
    if (!fst.isFile()) return `${path.join(dir, f)} is not a file`;
    // A size check is free and catches a truncated copy; the MD5 check is loadCifar10's `verify`.
    if (fst.size !== EXPECTED_FILE_BYTES)
      return `${f} in ${dir} has ${fst.size} bytes, expected ${EXPECTED_FILE_BYTES}`;
  }
  return null;
}

/** The folder holding package.json at or above `start`, or null. */
export function findPackageRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** This module's folder when it runs from a file (tsx, vitest, node); null inside odd bundles. */
function moduleDir(): string | null {
  try {
    const url = import.meta.url;
    return url.startsWith('file:') ? path.dirname(fileURLToPath(url)) : null;
  } catch {
    return null;
  }
}

/**
 * The project root: the nearest package.json above `projectRoot` if given, else above this module
 * (robust to whatever the current directory is), else above process.cwd().
 */
export function projectRootDir(projectRoot?: string): string | null {
  if (projectRoot !== undefined) return findPackageRoot(projectRoot);
  const here = moduleDir();
  return (here && findPackageRoot(here)) ?? findPackageRoot(process.cwd());
}

/** shared/datasets/cifar-10-batches-bin in the nearest folder above the project root that has one. */
export function findSharedCifar10(projectRoot?: string): string | null {
  const root = projectRootDir(projectRoot);
  if (!root) return null;
  // Start above the root: the project's own shared/ folder is source code, not data.
  let dir = path.dirname(root);
  for (;;) {
    const candidate = path.join(dir, 'shared', 'datasets', CIFAR_FOLDER_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The first usable CIFAR-10 folder in the search order above, or null when there is none (then
 * ensureCifar10 downloads into the cache). Throws when offlinePath or $SOTA_CIFAR10_DIR is set but
 * unusable.
 */
export function locateCifar10(opts: LocateOptions = {}): string | null {
  const env = opts.env ?? process.env;
  const explicit: [string, string | undefined][] = [
    ['offlinePath', opts.offlinePath],
    ['SOTA_CIFAR10_DIR', envValue(env, 'SOTA_CIFAR10_DIR')],
  ];
  for (const [what, dir] of explicit) {
    if (dir === undefined) continue;
    const resolved = path.resolve(dir);
    const problem = cifar10FolderProblem(resolved);
    if (problem)
      throw new CifarDataError(
        `${what} points to ${resolved}, which is not a CIFAR-10 binary folder: ${problem}`,
        resolved,
      );
    return resolved;
  }
  const shared = findSharedCifar10(opts.projectRoot);
  if (shared && cifar10FolderProblem(shared) === null) return shared;
  const cache = cifar10CacheDir({ dataDir: opts.dataDir, env });
  if (cifar10FolderProblem(cache) === null) return cache;
  return null;
}

export interface EnsureOptions extends LocateOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Override the tarball URL (mirrors, tests). */
  url?: string;
  /** Override the MD5 table (tests). */
  md5?: Readonly<Record<string, string>>;
  /** Minimum milliseconds between progress reports; default 200. */
  progressIntervalMs?: number;
}

/** Downloads in flight in this process, per cache folder, so parallel callers share one download
 * (only progress reports of the caller that started it are delivered). */
const inFlight = new Map<string, Promise<string>>();

/** A usable CIFAR-10 folder: an existing one, else the cache folder after downloading into it. */
export async function ensureCifar10(opts: EnsureOptions = {}): Promise<string> {
  const found = locateCifar10(opts);
  if (found) return found;
  const dest = cifar10CacheDir({ dataDir: opts.dataDir, env: opts.env ?? process.env });
  const start = (): Promise<string> =>
    downloadCifar10({
      dest,
      url: opts.url,
      md5: opts.md5 ?? CIFAR10_MD5,
      onProgress: opts.onProgress,
      signal: opts.signal,
      progressIntervalMs: opts.progressIntervalMs,
    });
  // A caller with its own AbortSignal gets its own download, so aborting it cannot fail another
  // caller; the final rename makes parallel downloads safe, only wasteful.
  if (opts.signal) return start();
  let pending = inFlight.get(dest);
  if (!pending) {
    pending = start().finally(() => inFlight.delete(dest));
    inFlight.set(dest, pending);
  }
  return pending;
}
