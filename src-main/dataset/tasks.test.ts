import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { planProjectedTask } from '../../shared/task/projected';
import type { Split, TaskData } from '../../shared/task/types';
import { loadImageSet, loadTasks, resolveCifar10Dir } from './tasks';
import { REAL_DATA_TIMEOUT_MS, realCifar10Dir } from '../../tests/support/cifar-tasks';

const ID = { positive: 0, negative: 1, seed: 0 } as const;
let dir = '';
let task: TaskData;
let again: TaskData;
let buildMs = 0;

function bytes(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function digest(t: TaskData): string {
  const h = createHash('sha256');
  for (const s of [t.train, t.valid, t.test]) h.update(bytes(s.x)).update(bytes(s.y));
  return h.digest('hex');
}

function column(s: Split, F: number, f: number): number[] {
  return Array.from({ length: s.n }, (_, i) => s.x[i * F + f]!);
}

const meanOf = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: number[]) => {
  const m = meanOf(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};

beforeAll(async () => {
  dir = await realCifar10Dir();
  await loadImageSet({ dir }); // load outside the timing below
  let t0 = performance.now();
  [task] = (await loadTasks([ID], { dir })) as [TaskData];
  buildMs = performance.now() - t0;
  t0 = performance.now();
  [again] = (await loadTasks([{ ...ID }], { dir })) as [TaskData];
  buildMs = Math.min(buildMs, performance.now() - t0);
  console.log(`projected task build (8000/1000/1000, F=16): ${buildMs.toFixed(0)} ms`);
}, REAL_DATA_TIMEOUT_MS);

describe('real projected CIFAR-10 tasks', () => {
  it('has 8000/1000/1000 examples of 16 features with balanced labels', () => {
    expect(task.features).toBe(16);
    for (const [s, n] of [
      [task.train, 8000],
      [task.valid, 1000],
      [task.test, 1000],
    ] as const) {
      expect(s.n).toBe(n);
      expect(s.x).toHaveLength(n * 16);
      expect(Array.from(s.y).filter((y) => y === 1)).toHaveLength(n / 2);
      expect(Array.from(s.y).filter((y) => y === 0)).toHaveLength(n / 2);
    }
  });

  it('labels the positive (smaller) class 1 and uses every image of both classes once', async () => {
    const images = await loadImageSet({ dir });
    const plan = planProjectedTask(images, ID);
    const all = [plan.train, plan.valid, plan.test];
    expect(new Set(all.flatMap((s) => [...s.images])).size).toBe(10_000);
    for (const s of all)
      s.images.forEach((img, r) => expect(s.labels[r]).toBe(images.labels[img] === 0 ? 1 : 0));
    // Another seed shuffles differently.
    expect(planProjectedTask(images, { ...ID, seed: 1 }).test.images).not.toEqual(plan.test.images);
  });

  it('is standardized on train (mean 0, sd 1); valid and test are close', () => {
    for (let f = 0; f < 16; f++) {
      const tr = column(task.train, 16, f);
      expect(Math.abs(meanOf(tr))).toBeLessThan(1e-9);
      expect(Math.abs(sdOf(tr) - 1)).toBeLessThan(1e-9);
      for (const s of [task.valid, task.test]) {
        const c = column(s, 16, f);
        expect(Math.abs(meanOf(c))).toBeLessThan(0.15);
        expect(Math.abs(sdOf(c) - 1)).toBeLessThan(0.15);
      }
    }
  });

  it('is bit-identical for the same id, and pinned by a golden digest', () => {
    expect(digest(again)).toBe(digest(task));
    // Task identity is part of the protocol: validators rebuild tasks from ids. If this digest
    // changes, every published score changes meaning — bump the track version, do not just update it.
    expect(digest(task)).toBe(GOLDEN_DIGEST);
  });

  it('builds within budget', () => {
    // Target 0.5 s on a quiet machine; the bound is loose because tests share the CPU.
    expect(buildMs).toBeLessThan(2000);
  });
});

describe('loadTasks without data', () => {
  it('says where it looked when no copy exists and download is off', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'cifar10-tasks-'));
    try {
      const project = path.join(tmp, 'project');
      await mkdir(project);
      await writeFile(path.join(project, 'package.json'), '{}');
      const dataDir = path.join(tmp, 'data');
      await expect(resolveCifar10Dir({ env: {}, projectRoot: project, dataDir })).rejects.toThrow(
        /CIFAR-10 binary files not found: set SOTA_CIFAR10_DIR .* download it into .*data[/\\]datasets[/\\]cifar-10-batches-bin/,
      );
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

/** sha256 over train, valid, test (x then y, little-endian float64) of task (0, 1, seed 0). */
const GOLDEN_DIGEST = '11b45165183e6c4611905f2447de425f1d4c016134d6df4200c951f4a90145f4';
