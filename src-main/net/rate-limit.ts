/**
 * Token-bucket rate limiting per key (a hotkey, an IP). Each key has a bucket of `capacity` tokens
 * that refills continuously at `refillPerSecond`; a request takes one token or is refused.
 *
 * Buckets live in an LRU cache of at most `maxKeys` entries, so a flood of new keys cannot grow
 * memory without bound. An evicted key comes back with a full bucket, which is what a key that has
 * been quiet long enough to be evicted would have anyway in any realistic setting; keep `maxKeys`
 * well above the number of keys that are active at once (for hotkeys: the subnet's 256 UIDs).
 *
 * Time is passed in explicitly (ms), so callers and tests decide the clock.
 */
import { LRUCache } from 'lru-cache';

export interface RateLimiterOptions {
  /** Largest burst: tokens in a full bucket (at least 1). */
  readonly capacity: number;
  /** Tokens added per second (> 0). */
  readonly refillPerSecond: number;
  /** Most keys tracked at once; default 10 000. */
  readonly maxKeys?: number;
}

/** Tolerance for float rounding, so waiting retryAfterMs() is always enough. */
const EPSILON = 1e-9;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export class RateLimiter {
  readonly capacity: number;
  readonly refillPerSecond: number;
  private readonly buckets: LRUCache<string, Bucket>;

  constructor(options: RateLimiterOptions) {
    const { capacity, refillPerSecond, maxKeys = 10_000 } = options;
    if (!Number.isFinite(capacity) || capacity < 1)
      throw new RangeError('RateLimiter capacity must be a finite number ≥ 1.');
    if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0)
      throw new RangeError('RateLimiter refillPerSecond must be a finite number > 0.');
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1)
      throw new RangeError('RateLimiter maxKeys must be a positive integer.');
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
    this.buckets = new LRUCache<string, Bucket>({ max: maxKeys });
  }

  /** The key's bucket brought up to `now` (a clock that went back adds nothing). */
  private refill(key: string, now: number): Bucket {
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.capacity, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    return {
      tokens: Math.min(this.capacity, bucket.tokens + (elapsed * this.refillPerSecond) / 1000),
      at: Math.max(bucket.at, now),
    };
  }

  /** Takes one token for `key`; false (and nothing taken) when the bucket is empty. */
  take(key: string, now: number): boolean {
    const bucket = this.refill(key, now);
    const ok = bucket.tokens >= 1 - EPSILON;
    if (ok) bucket.tokens = Math.max(0, bucket.tokens - 1);
    this.buckets.set(key, bucket);
    return ok;
  }

  /** Milliseconds until `take(key)` would succeed; 0 if it would now. Does not take a token. */
  retryAfterMs(key: string, now: number): number {
    if (!this.buckets.has(key)) return 0;
    const { tokens } = this.refill(key, now);
    if (tokens >= 1 - EPSILON) return 0;
    return Math.ceil(((1 - tokens) * 1000) / this.refillPerSecond);
  }

  /** Keys currently tracked (for metrics and tests). */
  get size(): number {
    return this.buckets.size;
  }
}
