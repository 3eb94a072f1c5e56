/**
 * A pool and three miners on loopback: the real HTTP API with signed requests, real worker
 * threads running real units on CIFAR-10 tasks, the ledger in a real SQLite file. One miner is
 * dishonest: it raises every fitness it returns. It must earn nothing while the honest two earn.
 */
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkResult } from '../../shared/pool/units';
import { splitReward } from '../../shared/pool/payout';
import { parseSearchConfig } from '../../shared/search/config';
import { realCifar10Dir } from '../../tests/support/cifar-tasks';
import { startLoopbackPool, type LoopbackPool } from '../../tests/support/loopback-pool';
import { silentLogger } from '../log/logger';
import { PoolClient } from './pool-client';
import type { PoolNode } from './pool-node';
import type { WorkLedger } from './work-ledger';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 200, valid: 100 },
});

/** The dishonest miner: every fitness it reports is raised, to make its work look better. */
const inflate = (r: WorkResult): WorkResult =>
  r.kind === 'evolve'
    ? { ...r, children: r.children.map((c) => ({ ...c, fitness: Math.min(1, c.fitness + 0.05) })) }
    : { ...r, fitnesses: r.fitnesses.map((row) => row.map((f) => Math.min(1, f + 0.05))) };

describe('a pool with three miners, one dishonest', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  let loopback: LoopbackPool;
  let ledger: WorkLedger;
  let pool: PoolNode;
  let url: string;
  let cifarDir: string;
  const offered: Array<{ program: string; fitness: number }> = [];

  beforeAll(async () => {
    await cryptoWaitReady();
    cifarDir = await realCifar10Dir();
    loopback = await startLoopbackPool(config, (best) => offered.push(best));
    ({ ledger, pool, url } = loopback);
  });

  afterAll(async () => {
    await loopback?.close();
  });

  it('credits the honest miners, not the one that alters its results', async () => {
    const miners = ['//Alice', '//Bob', '//Mallory'].map((uri) => ({
      pair: keyring.addFromUri(uri),
      client: new PoolClient({
        url,
        pair: keyring.addFromUri(uri),
        threads: 1,
        cifarDir,
        log: silentLogger,
        tamper: uri === '//Mallory' ? inflate : undefined,
      }),
    }));
    for (const m of miners) await m.client.connect();
    const stop = new AbortController();
    const working = Promise.all(miners.map((m) => m.client.work(stop.signal)));
    const deadline = Date.now() + 90_000;
    while (
      (ledger.unitCounts().accepted < 4 || pool.checked().length === 0) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await working;
    await Promise.all(miners.map((m) => m.client.close()));

    expect(ledger.unitCounts().accepted).toBeGreaterThanOrEqual(4);
    const [alice, bob, mallory] = miners.map((m) => ledger.account(m.pair.address));
    expect(alice!.shares).toBeGreaterThan(0n);
    expect(bob!.shares).toBeGreaterThan(0n);
    expect(mallory!.shares).toBe(0n);
    expect(mallory!.reputation).toBeLessThan(0);
    expect(miners[2]!.client.stats.accepted).toBe(0);
    // The pool learned from the accepted units: its best programs carry agreed fitnesses, and
    // programs it found were checked on tasks the search never saw. (Only programs from accepted
    // evolve units: a checked program need not stay among the best, as later units beat it.)
    expect(pool.best().length).toBeGreaterThan(0);
    const checked = pool.checked();
    expect(checked.length).toBeGreaterThan(0);
    const found = new Set(
      [...ledger.acceptedWork()].flatMap((w) =>
        w.result.kind === 'evolve' ? w.result.children.map((c) => c.program) : [],
      ),
    );
    for (const c of checked) expect(found.has(c.program)).toBe(true);
    // ... and offers the best checked one, by its check score, to claim (with --network).
    expect(offered.at(-1)).toEqual(pool.checked(1)[0]);
    // A reward split by the share table pays only the honest two, exactly.
    const { fee, amounts } = splitReward({
      total: 10n ** 9n,
      shares: ledger.shares(),
      feeBps: 500,
    });
    expect([...amounts.keys()].sort()).toEqual([alice!.miner, bob!.miner].sort());
    expect([...amounts.values()].reduce((a, b) => a + b, fee)).toBe(10n ** 9n);

    // Booked as a window, the split is public: each miner reads its credit and checks the split.
    const booked = ledger.closeWindow(10n ** 9n, 500, Date.now());
    expect(booked.amounts).toEqual(amounts);
    for (const [i, m] of miners.entries()) {
      const { statement, splitsChecked, splitsFailed } = await m.client.account();
      expect(statement.pendingRao).toBe(String(amounts.get(m.pair.address) ?? 0n));
      expect(statement.shares).toBe('0'); // the next window starts from zero
      expect([splitsChecked, splitsFailed]).toEqual(i < 2 ? [1, 0] : [0, 0]);
    }
    const bad = await fetch(`${url}/v1/pool/miners/not-an-address`);
    expect(bad.status).toBe(400);

    // A pool run without a chain is healthy while it answers.
    const health = (await (await fetch(`${url}/v1/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, chainConnected: null });

    // What the operator's Prometheus sees: the leases, the results and their verdicts, the units.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('sota_pool_leases_total{result="leased"}')).toBeGreaterThan(0);
    expect(
      value('sota_pool_results_total{status="recorded",verdict="accepted"}'),
    ).toBeGreaterThanOrEqual(4);
    expect(value('sota_pool_results_total{status="recorded",verdict="rejected"}')).toBeGreaterThan(
      0,
    );
    expect(value('sota_pool_units{state="accepted"}')).toBe(ledger.unitCounts().accepted);
    expect(value('sota_pool_payouts_rao{state="pending"}')).toBe(10 ** 9 - Number(booked.fee));
  }, 180_000);
});
