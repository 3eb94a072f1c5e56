/**
 * The functional-equivalence cache as one table in shared memory, read and written by every
 * search thread at once.
 *
 * Why shared: islands move between threads from batch to batch and many of them rediscover the
 * same functions (the no-op programs of an empty start, the same few statistics). With one cache
 * per thread each thread pays again for what another has already evaluated: a full evaluation
 * costs about 50 times a cache hit, so the misses alone cost two threads a tenth of their speed.
 *
 * How: open addressing over a power-of-two number of slots, a key looked for in a window of
 * PROBES slots from its home. A slot is eight 32-bit words: a sequence number, the 128-bit key, a
 * use stamp and the fitness (a float64 as two words). Writers take a slot by moving its sequence
 * from even to odd with compare-and-swap, write, and make it even again; readers accept a slot only
 * when the sequence is even and unchanged around their reads (a seqlock), so a torn entry is never
 * returned. An insert into a full window replaces the slot used least recently (approximate LRU;
 * the orchestrator sizes the table as the per-thread caches it replaces were, in total); an insert
 * of a key already there replaces its value (a fitness measured again). An insert that loses a race is dropped: the cache
 * only saves work, it is never the record of a result.
 */

const WORDS = 8;
const SEQ = 0;
const KEY = 1; // four words
const STAMP = 5;
const VALUE = 6; // two words
const PROBES = 8;
/**
 * Word 0 of the buffer is the clock (use stamps), updated on every hit; slots start 64 bytes on,
 * so the clock has a cache line of its own and does not slow down the first slots' readers.
 */
const HEADER = 16;

export type FecKey = readonly [number, number, number, number];

export class FecTable {
  private readonly words: Int32Array;
  private readonly mask: number;
  private readonly pair = new Float64Array(1);
  private readonly pairWords = new Int32Array(this.pair.buffer);

  /** Memory for a table of at least `entries` slots; share it with other threads as it is. */
  static allocate(entries: number): SharedArrayBuffer {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(PROBES, entries)));
    return new SharedArrayBuffer((HEADER + slots * WORDS) * 4);
  }

  constructor(buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer);
    const slots = (this.words.length - HEADER) / WORDS;
    if (!Number.isInteger(slots) || slots < PROBES || (slots & (slots - 1)) !== 0) {
      throw new RangeError(`not an FEC table: ${buffer.byteLength} bytes`);
    }
    this.mask = slots - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** The number of slots holding an entry (a full scan: for tests and reports). */
  get size(): number {
    let n = 0;
    for (let slot = 0; slot <= this.mask; slot++) {
      if (Atomics.load(this.words, HEADER + slot * WORDS + SEQ) !== 0) n++;
    }
    return n;
  }

  get(key: FecKey): number | undefined {
    const w = this.words;
    for (let i = 0; i < PROBES; i++) {
      const base = HEADER + ((key[0] + i) & this.mask) * WORDS;
      const before = Atomics.load(w, base + SEQ);
      if (before === 0) return undefined; // never written: the key would have been put here
      if (before & 1) continue; // being written
      const match =
        Atomics.load(w, base + KEY) === key[0] &&
        Atomics.load(w, base + KEY + 1) === key[1] &&
        Atomics.load(w, base + KEY + 2) === key[2] &&
        Atomics.load(w, base + KEY + 3) === key[3];
      this.pairWords[0] = Atomics.load(w, base + VALUE);
      this.pairWords[1] = Atomics.load(w, base + VALUE + 1);
      if (Atomics.load(w, base + SEQ) !== before || !match) continue;
      Atomics.store(w, base + STAMP, Atomics.add(w, 0, 1));
      return this.pair[0];
    }
    return undefined;
  }

  set(key: FecKey, value: number): void {
    const w = this.words;
    const now = Atomics.add(w, 0, 1);
    let victim = -1;
    let victimAge = -1;
    for (let i = 0; i < PROBES; i++) {
      const base = HEADER + ((key[0] + i) & this.mask) * WORDS;
      const seq = Atomics.load(w, base + SEQ);
      if (seq === 0) {
        victim = base;
        break;
      }
      if (seq & 1) continue;
      if (
        Atomics.load(w, base + KEY) === key[0] &&
        Atomics.load(w, base + KEY + 1) === key[1] &&
        Atomics.load(w, base + KEY + 2) === key[2] &&
        Atomics.load(w, base + KEY + 3) === key[3]
      ) {
        // Known already: a new measurement (fresh random draws) replaces the old one.
        victim = base;
        break;
      }
      // Ages survive the clock's wrap-around: a difference of int32s, read as an int32.
      const age = (now - Atomics.load(w, base + STAMP)) | 0;
      if (age > victimAge) {
        victim = base;
        victimAge = age;
      }
    }
    if (victim < 0) return;
    const seq = Atomics.load(w, victim + SEQ);
    if (seq & 1 || Atomics.compareExchange(w, victim + SEQ, seq, seq + 1) !== seq) return;
    this.pair[0] = value;
    Atomics.store(w, victim + KEY, key[0]);
    Atomics.store(w, victim + KEY + 1, key[1]);
    Atomics.store(w, victim + KEY + 2, key[2]);
    Atomics.store(w, victim + KEY + 3, key[3]);
    Atomics.store(w, victim + STAMP, now);
    Atomics.store(w, victim + VALUE, this.pairWords[0]!);
    Atomics.store(w, victim + VALUE + 1, this.pairWords[1]!);
    // A slot's sequence never returns to 0 (skipped when it wraps): 0 means "never written", which
    // is what lets a reader stop probing at the first such slot.
    Atomics.store(w, victim + SEQ, (seq + 2) | 0 || 2);
  }
}
