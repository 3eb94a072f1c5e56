import { describe, expect, it } from 'vitest';

import { checkServableIp, decodeIp, encodeIp } from './axon';
import { backoffDelay } from './connection';
import { formatTao } from './context';
import { alphaToRao, epochsPerDay } from './earnings';
import { ChainError, fromSubmitError } from './errors';
import {
  hasReachableAxon,
  isValidator,
  markReachable,
  type Metagraph,
  type Neuron,
} from './metagraph';
import { NETWORKS, resolveEndpoints } from './networks';
import { outcomeUnknown } from './tx';
import { normalizeWeights } from './weights';

describe('earnings', () => {
  it("prices alpha at the pool's ratio, rounding down, and not at all without a pool", () => {
    const pool = { taoInRao: 2_000_000_000n, alphaInRao: 3_000_000_000n }; // 1 α = 0.667 TAO
    expect(alphaToRao(3_000_000_000n, pool)).toBe(2_000_000_000n);
    expect(alphaToRao(1n, pool)).toBe(0n);
    expect(alphaToRao(5n, null)).toBeNull();
  });

  it('counts the payouts of a day: one every tempo + 1 blocks of 12 s', () => {
    expect(epochsPerDay(359)).toBe(20); // 7,200 blocks a day
    expect(epochsPerDay(10) * 11).toBe(7200);
  });
});

describe('networks', () => {
  it('resolves names, URLs and lists, and rejects typos', () => {
    expect(resolveEndpoints('finney')).toEqual(NETWORKS.finney);
    expect(resolveEndpoints('local, ws://127.0.0.1:9945')).toEqual([
      'ws://127.0.0.1:9944',
      'ws://127.0.0.1:9945',
    ]);
    expect(() => resolveEndpoints('finey')).toThrow(/neither a network/);
    expect(() => resolveEndpoints('http://127.0.0.1:9944')).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => resolveEndpoints('')).toThrow(/No chain endpoint/);
  });
});

describe('backoff', () => {
  it('grows exponentially up to the cap; jitter stays within its band', () => {
    const b = { initialMs: 500, maxMs: 4000, factor: 2, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, b))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
    const j = { ...b, jitter: 0.2 };
    expect(backoffDelay(1, j, () => 0)).toBe(400);
    expect(backoffDelay(1, j, () => 1)).toBe(600);
  });
});

describe('axon addresses', () => {
  it('round-trips IPv4 and IPv6 through the on-chain u128', () => {
    expect(encodeIp('192.0.2.1')).toEqual({ value: 0xc0000201n, type: 4 });
    expect(decodeIp(0xc0000201n, 4)).toBe('192.0.2.1');
    const v6 = encodeIp('2001:db8::1');
    expect(v6.type).toBe(6);
    expect(decodeIp(v6.value, 6)).toBe('2001:db8:0:0:0:0:0:1');
  });

  it('refuses loopback and unspecified addresses with a clear message', () => {
    expect(() => checkServableIp('127.0.0.1')).toThrow(/loopback/);
    expect(() => checkServableIp('127.8.0.1')).toThrow(/loopback/);
    expect(() => checkServableIp('::1')).toThrow(/loopback/);
    expect(() => checkServableIp('0.0.0.0')).toThrow(/unspecified/);
    expect(() => checkServableIp('example.com')).toThrow(/not an IPv4 or IPv6/);
    expect(() => checkServableIp('192.0.2.1')).not.toThrow();
  });
});

describe('endpoints peers may follow', () => {
  const neuron = (uid: number, ip: string | null, role: 'node' | 'pool' = 'node'): Neuron => ({
    uid,
    hotkey: `5hotkey${uid}`,
    coldkey: '5cold',
    active: true,
    stake: 1n,
    validatorPermit: true,
    lastUpdate: 0,
    axon: ip
      ? {
          ip,
          port: 8091,
          ipType: ip.includes(':') ? 6 : 4,
          protocol: 4,
          version: 0,
          block: 1,
          role,
          reachable: true,
        }
      : null,
  });
  const mg: Metagraph = {
    netuid: 3,
    block: 1,
    blockHash: '0x00',
    neurons: [
      neuron(0, '203.0.113.7'),
      neuron(1, '127.0.0.1'),
      neuron(2, '10.0.0.8'),
      neuron(3, '169.254.169.254'),
      neuron(4, '0.0.0.0'),
      neuron(5, null),
      neuron(6, '192.168.1.4', 'pool'),
    ],
  };
  const reachable = (m: Metagraph) => m.neurons.filter(hasReachableAxon).map((n) => n.uid);

  it('follows only public addresses on a public chain, and says which it skipped', () => {
    const skipped: string[] = [];
    const out = markReachable(mg, false, (n, scope) => skipped.push(`${n.uid}:${scope}`));
    expect(reachable(out)).toEqual([0]);
    expect(skipped).toEqual(['1:private', '2:private', '3:private', '4:unusable', '6:private']);
    // A pool at a private address is still a pool: it does not become a validator.
    expect(isValidator(out.neurons[6]!)).toBe(false);
  });

  it('follows private addresses on a local chain, never unusable ones', () => {
    expect(reachable(markReachable(mg, true))).toEqual([0, 1, 2, 3, 6]);
  });
});

describe('weights', () => {
  it('max-normalises to u16, drops zeros, sorts by uid', () => {
    expect(normalizeWeights([5, 1, 3], [0.5, 1, 0])).toEqual({
      uids: [1, 5],
      weights: [65535, 32768],
    });
  });
  it('rejects malformed vectors', () => {
    expect(() => normalizeWeights([1, 1], [1, 1])).toThrow(/twice/);
    expect(() => normalizeWeights([1], [1, 2])).toThrow(/uids but/);
    expect(() => normalizeWeights([1], [Number.NaN])).toThrow(/finite/);
    expect(() => normalizeWeights([1], [0])).toThrow(/zero/);
  });
});

describe('errors', () => {
  it('explains pool refusals', () => {
    const e = fromSubmitError(
      new Error(
        '1010: Invalid Transaction: Inability to pay some fees , e.g. account balance too low',
      ),
    );
    expect(e).toBeInstanceOf(ChainError);
    expect(e.code).toBe('INVALID_TX');
    expect(e.message).toContain('cannot pay the transaction fee');
    expect(
      fromSubmitError(new Error('1010: Invalid Transaction: Transaction is outdated')).message,
    ).toContain('nonce');
    expect(fromSubmitError(new Error('1014: Priority is too low: (1 vs 1)')).code).toBe('POOL');
  });
  it('formats TAO', () => {
    expect(formatTao(1_000_000_000n)).toBe('1 TAO');
    expect(formatTao(1_500_000n)).toBe('0.0015 TAO');
  });
});

describe('outcomeUnknown', () => {
  it('trusts only a refusal by the node; anything else after sending must be looked up', () => {
    for (const message of ['1010: Invalid Transaction: stale', '1014: Priority is too low'])
      expect(outcomeUnknown(fromSubmitError(new Error(message)))).toBe(false);
    for (const err of [
      new ChainError('TIMEOUT', 'not included within 120 s'),
      fromSubmitError(new Error('WebSocket is not connected')),
      fromSubmitError(new Error('No response received from RPC endpoint in 60s')),
      new ChainError('DROPPED', 'dropped by the node'),
    ])
      expect(outcomeUnknown(err)).toBe(true);
  });
});
