import { describe, expect, it } from 'vitest';

import { RateLimiter } from './rate-limit';

const T0 = 1_760_000_000_000;

describe('RateLimiter', () => {
  it('allows a burst of `capacity`, then refuses', () => {
    const rl = new RateLimiter({ capacity: 3, refillPerSecond: 1 });
    expect([1, 2, 3, 4].map(() => rl.take('alice', T0))).toEqual([true, true, true, false]);
    expect(rl.take('alice', T0)).toBe(false);
  });

  it('refills continuously at refillPerSecond, up to capacity', () => {
    const rl = new RateLimiter({ capacity: 2, refillPerSecond: 2 });
    rl.take('k', T0);
    rl.take('k', T0);
    expect(rl.take('k', T0 + 499)).toBe(false);
    expect(rl.take('k', T0 + 500)).toBe(true); // 0.5 s × 2/s = 1 token
    expect(rl.take('k', T0 + 500)).toBe(false);
    // A long pause refills only to capacity.
    expect([1, 2, 3].map(() => rl.take('k', T0 + 3_600_000))).toEqual([true, true, false]);
  });

  it('keeps keys apart', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSecond: 1 });
    expect(rl.take('alice', T0)).toBe(true);
    expect(rl.take('alice', T0)).toBe(false);
    expect(rl.take('bob', T0)).toBe(true);
  });

  it('tells how long to wait, and waiting that long is enough', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSecond: 3 });
    expect(rl.retryAfterMs('k', T0)).toBe(0);
    expect(rl.take('k', T0)).toBe(true);
    const wait = rl.retryAfterMs('k', T0);
    expect(wait).toBe(334); // ceil(1000 / 3)
    expect(rl.retryAfterMs('k', T0 + 100)).toBe(234);
    expect(rl.take('k', T0 + wait - 1)).toBe(false);
    // A refused take costs nothing; retryAfterMs takes nothing.
    expect(rl.retryAfterMs('k', T0 + wait)).toBe(0);
    expect(rl.take('k', T0 + wait)).toBe(true);
  });

  it('handles fractional rates', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSecond: 0.1 });
    expect(rl.take('k', T0)).toBe(true);
    expect(rl.retryAfterMs('k', T0)).toBe(10_000);
    expect(rl.take('k', T0 + 9_999)).toBe(false);
    expect(rl.take('k', T0 + 10_000)).toBe(true);
  });

  it('gains nothing from a clock that goes back', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSecond: 1 });
    expect(rl.take('k', T0)).toBe(true);
    expect(rl.take('k', T0 - 60_000)).toBe(false);
    expect(rl.take('k', T0 + 999)).toBe(false);
    expect(rl.take('k', T0 + 1000)).toBe(true);
  });

  it('bounds memory to maxKeys, evicting the least recently used', () => {
    const rl = new RateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 2 });
    rl.take('a', T0);
    rl.take('b', T0);
    rl.take('a', T0); // a is now the most recently used
    rl.take('c', T0); // evicts b
    expect(rl.size).toBe(2);
    expect(rl.take('b', T0)).toBe(true); // b came back with a full bucket (and evicted a)
    expect(rl.take('c', T0)).toBe(false);
  });

  it('rejects nonsense options', () => {
    expect(() => new RateLimiter({ capacity: 0, refillPerSecond: 1 })).toThrow(RangeError);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 0 })).toThrow(RangeError);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: NaN })).toThrow(RangeError);
    expect(() => new RateLimiter({ capacity: 1, refillPerSecond: 1, maxKeys: 0 })).toThrow(
      RangeError,
    );
  });
});
