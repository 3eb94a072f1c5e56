/**
 * Spot checks against a coalition: two miners of distinct owners return the same altered
 * results, so they agree and outvote the honest one. The pool runs accepted units again on its
 * own worker thread (the real unit worker, real CIFAR-10 tasks) and must take their shares and
 * their standing, and drop what it learned from them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkResult } from '../../shared/pool/units';
import { LINEAR_BASELINE } from '../../shared/protocol/track';
import { parseSearchConfig, searchScope } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { loadSearchTasks } from '../dataset/tasks';
import { realCifar10Dir } from '../../tests/support/cifar-tasks';
import { silentLogger } from '../log/logger';
import { PoolClient } from './pool-client';
import { PoolNode } from './pool-node';
import { spotCheckRunner, unitWorkers, type UnitWorkers } from './unit-workers';
import { BANNED_REPUTATION, WorkLedger } from './work-ledger';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 200, valid: 100 },
});
const TASKS = searchTaskIds(2, 0);

/** The coalition's lie: every fitness raised, the same way by both, so their results agree. */
const inflate = (r: WorkResult): WorkResult =>
  r.kind === 'evolve'
    ? { ...r, children: r.children.map((c) => ({ ...c, fitness: Math.min(1, c.fitness + 0.05) })) }
    : { ...r, fitnesses: r.fitnesses.map((row) => row.map((f) => Math.min(1, f + 0.05))) };

describe('spot checks', () => {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  let ledger: WorkLedger;
  let pool: PoolNode;
  let workers: UnitWorkers;
  let url: string;
  let cifarDir: string;

  beforeAll(async () => {
    await cryptoWaitReady();
    cifarDir = await realCifar10Dir();
    ledger = WorkLedger.open(path.join(mkdtempSync(path.join(tmpdir(), 'pool-spot-')), 'pool.db'));
    workers = unitWorkers(config, await loadSearchTasks(config, { dir: cifarDir }, TASKS), 1);
    const poolKey = keyring.addFromUri('//SpotPool');
    pool = new PoolNode({
      terms: {
        hotkey: poolKey.address,
        feeBps: 0,
        minimumPayoutRao: '1',
        leaseSeconds: 60,
        windowBlocks: null,
        scope: searchScope(config),
        config,
        tasks: TASKS,
      },
      ledger,
      seeds: [LINEAR_BASELINE],
      plan: { openUnits: 2, individualsPerUnit: 40, parents: 2, keep: 2, checkPrograms: 2 },
      // Every hotkey its own owner: the coalition is two real people.
      ownerOf: (hotkey) => hotkey,
      spotChecks: { rate: 1, run: spotCheckRunner(workers), random: () => 0 },
      log: silentLogger,
    });
    url = await pool.api.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await pool?.api.close();
    await workers?.close();
    ledger?.close();
  });

  it('takes the shares and standing of miners who agree on an altered result', async () => {
    const miners = ['//Alice', '//Mallory', '//Eve'].map((uri) => ({
      pair: keyring.addFromUri(uri),
      client: new PoolClient({
        url,
        pair: keyring.addFromUri(uri),
        threads: 1,
        cifarDir,
        log: silentLogger,
        tamper: uri === '//Alice' ? undefined : inflate,
      }),
    }));
    for (const m of miners) await m.client.connect();
    const stop = new AbortController();
    const working = Promise.all(miners.map((m) => m.client.work(stop.signal)));
    const deadline = Date.now() + 120_000;
    while (pool.spotCheckStats.failed === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    stop.abort();
    await working;
    await Promise.all(miners.map((m) => m.client.close()));
    await pool.settled();

    expect(pool.spotCheckStats.failed).toBeGreaterThan(0);
    const [, mallory, eve] = miners.map((m) => ledger.account(m.pair.address));
    for (const liar of [mallory!, eve!]) {
      expect(liar.shares).toBe(0n);
      expect(liar.reputation).toBe(BANNED_REPUTATION);
    }
    // Nothing the coalition returned is still accepted or among the pool's best programs.
    expect(ledger.unitCounts().accepted).toBe(0);
    expect(pool.best()).toEqual([]);
    expect(ledger.lease(mallory!.miner, Date.now(), 60_000)).toBeNull();
  }, 180_000);
});
