/**
 * PoolMiningSession against a real pool on loopback (tests/support/loopback-pool.ts): two miners
 * work real units on CIFAR-10 tasks on worker threads; each session's standing is the pool's own
 * book for its key, it stops cleanly, and a pool that is not a pool is refused by name.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolView } from '../../shared/ipc/contract';
import { parseSearchConfig } from '../../shared/search/config';
import { realCifar10Dir } from '../../tests/support/cifar-tasks';
import { startLoopbackPool, type LoopbackPool } from '../../tests/support/loopback-pool';
import { silentLogger } from '../log/logger';
import { PoolMiningSession } from './pool-mining-session';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 200, valid: 100 },
});

describe('PoolMiningSession', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  let loopback: LoopbackPool;
  let cifarDir: string;

  beforeAll(async () => {
    await cryptoWaitReady();
    cifarDir = await realCifar10Dir();
    loopback = await startLoopbackPool(config);
  }, 60_000);

  afterAll(async () => {
    await loopback?.close();
  });

  it('works for the pool until stopped, its standing read from the pool’s book', async () => {
    const standings = new Map<string, PoolView[]>();
    const sessions = await Promise.all(
      ['//Alice', '//Bob'].map((uri) => {
        const pair = keyring.addFromUri(uri);
        standings.set(pair.address, []);
        return PoolMiningSession.join({
          url: loopback.url,
          pair,
          threads: 1,
          cifarDir,
          log: silentLogger,
          standingEveryMs: 100,
          onStanding: (s) => standings.get(pair.address)!.push(s),
        });
      }),
    );
    expect(sessions[0]!.terms.feeBps).toBe(500);
    // Before any answer: the pool's terms, nothing done.
    expect(sessions[0]!.standing()).toMatchObject({
      url: loopback.url,
      feeBps: 500,
      windowBlocks: null,
      units: 0,
      shares: null,
      payouts: [],
    });
    const running = sessions.map((s) => s.run());
    const deadline = Date.now() + 120_000;
    while (loopback.ledger.unitCounts().accepted < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await Promise.all(sessions.map((s) => s.stop()));
    await Promise.all(running); // run() resolves once stopped, its threads let go

    expect(loopback.ledger.unitCounts().accepted).toBeGreaterThanOrEqual(2);
    // Booked as a window, each miner's standing shows its credit as the pool books it.
    const booked = loopback.ledger.closeWindow(10n ** 9n, 500, Date.now());
    for (const [i, session] of sessions.entries()) {
      const address = [...standings.keys()][i]!;
      await session.refresh();
      const standing = session.standing();
      const account = loopback.ledger.account(address)!;
      expect(standing.units).toBeGreaterThan(0);
      expect(standing.accepted + standing.rejected).toBeGreaterThan(0);
      expect(standing.pendingRao).toBe(String(booked.amounts.get(address) ?? 0n));
      expect(standing.reputation).toBe(account.reputation);
      expect(standing.splitsFailed).toBe(0);
      expect(standings.get(address)!.length).toBeGreaterThan(0);
      expect(standings.get(address)!.at(-1)).toEqual(standing);
    }
    // Stopping twice is harmless.
    await sessions[0]!.stop();
  }, 240_000);

  it('refuses, by its address, a server that does not answer as a pool', async () => {
    const server = createServer((_, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ hello: 'not a pool' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(
        PoolMiningSession.join({
          url,
          pair: keyring.addFromUri('//Carol'),
          threads: 1,
          cifarDir,
          log: silentLogger,
        }),
      ).rejects.toThrow(`${url} does not answer as a pool`);
    } finally {
      server.close();
    }
  });
});
