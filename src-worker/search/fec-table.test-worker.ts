/**
 * A worker thread for fec-table.test.ts: inserts and looks up keys in a shared table as fast as it
 * can and counts every value that does not belong to its key (a torn or misplaced entry).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FecTable, type FecKey } from './fec-table';

const { buffer, worker, rounds } = workerData as {
  buffer: SharedArrayBuffer;
  worker: number;
  rounds: number;
};
const table = new FecTable(buffer);
/** Keys shared by all workers (collide on purpose) and a value that is a function of the key. */
const keyOf = (i: number): FecKey => [i * 7, i, ~i, i ^ 0x5bd1e995];
const valueOf = (i: number) => i * 1.000001 + 0.5;

let wrong = 0;
let hits = 0;
let state = worker + 1;
for (let r = 0; r < rounds; r++) {
  // A seeded xorshift over 400 keys: more than the table's 256 slots, so entries are evicted
  // and rewritten all the time, while most lookups still find their key.
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  const i = (state >>> 0) % 400;
  const found = table.get(keyOf(i));
  if (found === undefined) table.set(keyOf(i), valueOf(i));
  else if (found !== valueOf(i)) wrong++;
  else hits++;
}
parentPort!.postMessage({ wrong, hits });
