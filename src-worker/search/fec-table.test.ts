import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { FecTable, type FecKey } from './fec-table';

const key = (i: number): FecKey => [i, i * 3, -i, 42];

describe('FecTable', () => {
  it('returns what was stored under a key, and nothing for a key never stored', () => {
    const table = new FecTable(FecTable.allocate(100));
    expect(table.capacity).toBe(128);
    table.set(key(1), 0.625);
    table.set(key(2), NaN);
    table.set([-5, 0, 0, 0], -1.5); // negative first words address slots like any other
    expect(table.get(key(1))).toBe(0.625);
    expect(table.get(key(2))).toBeNaN();
    expect(table.get([-5, 0, 0, 0])).toBe(-1.5);
    expect(table.get(key(3))).toBeUndefined();
    expect(table.get([1, 3, -1, 43])).toBeUndefined(); // differs in the last word only
    expect(table.size).toBe(3);
  });

  it('replaces the value of a key in its slot (a re-measured fitness)', () => {
    const table = new FecTable(FecTable.allocate(16));
    table.set(key(7), 0.5);
    table.set(key(7), 0.75);
    expect(table.get(key(7))).toBe(0.75);
    expect(table.size).toBe(1);
  });

  it('stays within its capacity and evicts the entry used least recently', () => {
    const table = new FecTable(FecTable.allocate(8));
    // Nine keys for the same window of eight slots: the ninth replaces the least recently used.
    for (let i = 0; i < 8; i++) table.set([0, i, 0, 0], i);
    for (let i = 1; i < 8; i++) expect(table.get([0, i, 0, 0])).toBe(i); // key 0 not used since
    table.set([0, 8, 0, 0], 8);
    expect(table.size).toBe(8);
    expect(table.get([0, 0, 0, 0])).toBeUndefined();
    for (let i = 1; i <= 8; i++) expect(table.get([0, i, 0, 0])).toBe(i);
  });

  it('refuses memory that is not a table', () => {
    expect(() => new FecTable(new SharedArrayBuffer(100))).toThrow(/not an FEC table/);
  });

  it('never returns a torn or foreign value while threads write and read it at once', async () => {
    // A small table under heavy contention: constant eviction and rewriting of the same slots.
    const buffer = FecTable.allocate(256);
    // tsx registered inside the thread: a Worker started on a .ts file does not get a loader.
    const url = new URL('./fec-table.test-worker.ts', import.meta.url).href;
    const run = (worker: number) =>
      new Promise<{ wrong: number; hits: number }>((resolve, reject) => {
        const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url)}); })`;
        const w = new Worker(boot, {
          eval: true,
          workerData: { buffer, worker, rounds: 300_000 },
        });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const results = await Promise.all([0, 1, 2].map(run));

    expect(results.map((r) => r.wrong)).toEqual([0, 0, 0]);
    expect(results.every((r) => r.hits > 1000)).toBe(true);
  }, 60_000);
});
