/**
 * What the node's piscina pools share: where a worker's code is, and tasks in shared memory.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TaskData } from '../shared/task/types';

/**
 * A worker entry of src-worker/: in a build, the bundle beside this one (electron.vite.config.ts
 * lists each); from the sources (npm run …, tests), the TypeScript file, loaded through tsx.
 */
export function workerEntry(
  bundle: string,
  source: string,
): { filename: string; execArgv: string[] } {
  const built = fileURLToPath(new URL(`./${bundle}.js`, import.meta.url));
  if (existsSync(built)) return { filename: built, execArgv: [] };
  return {
    filename: fileURLToPath(new URL(`../src-worker/${source}`, import.meta.url)),
    execArgv: ['--import', 'tsx'],
  };
}

/** Copies task arrays into shared memory, so every worker thread reads one copy. */
export function shareTasks(tasks: readonly TaskData[]): TaskData[] {
  const share = (a: Float64Array) => {
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  const split = (s: TaskData['train']) => ({ n: s.n, x: share(s.x), y: share(s.y) });
  return tasks.map((t) => ({
    ...t,
    train: split(t.train),
    valid: split(t.valid),
    test: split(t.test),
  }));
}
