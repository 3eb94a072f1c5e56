/**
 * The one seeded random stream of the project: xoshiro128** (Blackman & Vigna), seeded through
 * SplitMix32. 32-bit integer arithmetic only, so JavaScript gets it exactly and fast; the state is
 * four uint32 words that can be saved and restored, which the evaluator needs to make a score a
 * pure function of (program, task, seed).
 *
 * Floating-point draws use only IEEE-exact operations (multiply, add, sqrt) and, for Gaussians,
 * Math.log and Math.cos, which V8 computes with its own fdlibm port on every platform.
 */

/** SplitMix32 step: a well-mixed 32-bit output from a counter. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mixes any number of integer parts (each taken modulo 2^32, in order) into one 32-bit seed.
 * Used to derive independent streams, e.g. mixSeeds(evalSeed, taskIndex).
 */
export function mixSeeds(...parts: readonly number[]): number {
  let h = 0x243f6a88;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0; // keep seeds above 2^32 distinct
    h = splitmix32(h ^ lo);
    if (hi !== 0) h = splitmix32(h ^ hi);
  }
  return h;
}

const TWO_PI = 2 * Math.PI;
const INV_2_53 = 1 / 9007199254740992;

export class Rng {
  /** The generator state; exposed so a caller can snapshot and restore it cheaply. */
  readonly state = new Uint32Array(4);

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      this.state[i] = splitmix32(x);
    }
    // xoshiro must not start from the all-zero state.
    if ((this.state[0]! | this.state[1]! | this.state[2]! | this.state[3]!) === 0)
      this.state[0] = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.state;
    const s0 = s[0]!,
      s1 = s[1]!,
      s2 = s[2]!,
      s3 = s[3]!;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * INV_2_53;
  }

  /** Uniform double in [low, high) (or (high, low] when high < low, as AutoML-Zero allows). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Gaussian draw by Box–Muller, one per call (no cached spare, so the state alone defines it). */
  gaussian(mean: number, stdev: number): number {
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    return mean + stdev * (Math.sqrt(-2 * Math.log(u1)) * Math.cos(TWO_PI * u2));
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). n must be in [1, 2^32]. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296) || !Number.isInteger(n))
      throw new RangeError(`bad range ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
