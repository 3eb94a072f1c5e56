/**
 * PoolNode's planning, through its real API (signed requests, Fastify's inject) and a real
 * SQLite ledger: every miner that asks finds a unit however many come, the pool's best programs
 * survive a restart, and the best are sent to be checked once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { LINEAR_BASELINE } from '../../shared/protocol/track';
import type { PoolTerms } from '../../shared/pool/terms';
import { WorkUnitSchema, type WorkResult, type WorkUnit } from '../../shared/pool/units';
import { parseSearchConfig, searchScope } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { silentLogger } from '../log/logger';
import { signRequest } from '../net/signed-request';
import { PoolNode } from './pool-node';
import { MAX_REPLICAS, WorkLedger } from './work-ledger';

const config = parseSearchConfig({
  populationSize: 20,
  tournamentSize: 4,
  tasks: { count: 2, firstSeed: 0, features: 16, train: 200, valid: 100 },
});
const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
let poolKey: KeyringPair;
let terms: PoolTerms;

beforeAll(async () => {
  await cryptoWaitReady();
  poolKey = keyring.addFromUri('//PoolNode');
  terms = {
    hotkey: poolKey.address,
    feeBps: 0,
    minimumPayoutRao: '1',
    leaseSeconds: 60,
    windowBlocks: null,
    scope: searchScope(config),
    config,
    tasks: [...searchTaskIds(2, 0), ...searchTaskIds(2, 2)],
  };
});

function node(file: string, chainConnected?: () => boolean | null) {
  const ledger = WorkLedger.open(file);
  const pool = new PoolNode({
    chainConnected,
    terms,
    ledger,
    seeds: [LINEAR_BASELINE],
    plan: { openUnits: 2, individualsPerUnit: 10, parents: 2, keep: 2, checkPrograms: 2 },
    checkTasks: [2, 3],
    ownerOf: (hotkey) => hotkey,
    log: silentLogger,
  });
  const post = async (pair: KeyringPair, url: string, body: unknown) => {
    const bytes = Buffer.from(JSON.stringify(body));
    const res = await pool.api.inject({
      method: 'POST',
      url,
      payload: bytes,
      headers: {
        'content-type': 'application/json',
        ...signRequest(pair, { method: 'POST', path: url, body: bytes, target: poolKey.address }),
      },
    });
    return { status: res.statusCode, json: res.body ? (JSON.parse(res.body) as unknown) : null };
  };
  return { ledger, pool, post };
}

const file = () => path.join(mkdtempSync(path.join(tmpdir(), 'pool-node-')), 'pool.db');

describe('PoolNode', () => {
  it('tells monitors when the chain it needs does not answer', async () => {
    let up = true;
    const { pool, ledger } = node(file(), () => up);
    const health = async () => {
      const res = await pool.api.inject({ method: 'GET', url: '/v1/health' });
      return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
    };
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, chainConnected: true } });
    up = false;
    expect(await health()).toMatchObject({
      status: 503,
      body: { ok: false, chainConnected: false, units: { open: 2, accepted: 0, failed: 0 } },
    });
    ledger.close();
  });

  it('finds a unit for every miner that asks, however many come', async () => {
    const { ledger, post } = node(file());
    const miners = Array.from({ length: 10 }, (_, i) => keyring.addFromUri(`//Miner${i}`));
    const leased = await Promise.all(miners.map((m) => post(m, '/v1/pool/lease', {})));
    expect(leased.map((r) => r.status)).toEqual(miners.map(() => 200));
    // Three replicas a unit, ten miners: four units leased, two more kept available.
    const ids = new Set(leased.map((r) => (r.json as { unit: { id: string } }).unit.id));
    expect(ids.size).toBe(4);
    expect(ledger.leasableUnits('evolve', Date.now())).toBe(2);
    ledger.close();
  });

  it('gives a fast miner more units, up to a bound, while the others catch up', async () => {
    const { ledger, post } = node(file());
    const fast = keyring.addFromUri('//Fast');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await post(fast, '/v1/pool/lease', {});
      statuses.push(res.status);
      if (res.status !== 200) break;
      const unit = WorkUnitSchema.parse((res.json as { unit: unknown }).unit);
      const answer: WorkResult = { kind: 'evolve', unit: unit.id, children: [], evaluated: 30 };
      expect((await post(fast, '/v1/pool/results', answer)).status).toBe(200);
    }
    // Two units planned, six spare (four times the plan's), then no more work for it.
    expect(statuses).toEqual([...Array<number>(8).fill(200), 204]);
    expect(ledger.openUnits('evolve')).toBe(8);
    ledger.close();
  });

  it('keeps its best programs across a restart, and sends the best to be checked once', async () => {
    const f = file();
    const first = node(f);
    const miners = ['//A', '//B', '//C'].map((u) => keyring.addFromUri(u));
    const units = await Promise.all(miners.map((m) => first.post(m, '/v1/pool/lease', {})));
    const unit = WorkUnitSchema.parse((units[0]!.json as { unit: unknown }).unit);
    expect(units.every((u) => (u.json as { unit: { id: string } }).unit.id === unit.id)).toBe(true);
    // Two agreeing answers (made up, but the same bytes) accept the unit.
    const children = [
      { program: LINEAR_BASELINE, fitness: 0.7 },
      { program: 'def Setup():\ndef Predict():\ndef Learn():\n', fitness: 0.5 },
    ];
    const answer: WorkResult = { kind: 'evolve', unit: unit.id, children, evaluated: 30 };
    for (const m of miners.slice(0, 2)) await first.post(m, '/v1/pool/results', answer);
    expect(first.pool.best()).toEqual(children);
    const checks = first.ledger.liveUnits('evaluate');
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ programs: children.map((c) => c.program), tasks: [2, 3] });
    first.ledger.close();

    const again = node(f);
    expect(again.pool.best()).toEqual(children);
    again.pool.plan();
    expect(again.ledger.liveUnits('evaluate')).toHaveLength(1); // not sent twice
    again.ledger.close();
  });

  it('checks a program again when its check found no agreement', async () => {
    const { ledger, pool, post } = node(file());
    const accept = async (
      unit: WorkUnit,
      result: WorkResult,
      miners: KeyringPair[],
      at?: number,
    ) => {
      for (const m of miners) {
        const lease = leaseOf(ledger, m.address, unit.id, at);
        expect(lease).toBe(true);
        await post(m, '/v1/pool/results', result);
      }
    };
    const evolve = ledger.liveUnits('evolve')[0]!;
    const children = [{ program: LINEAR_BASELINE, fitness: 0.7 }];
    await accept(evolve, { kind: 'evolve', unit: evolve.id, children, evaluated: 30 }, [
      keyring.addFromUri('//E1'),
      keyring.addFromUri('//E2'),
    ]);
    const [check] = ledger.liveUnits('evaluate');
    expect(check).toMatchObject({ programs: [LINEAR_BASELINE] });
    // Seven miners, seven different answers: the check fails.
    const dissenters = Array.from({ length: MAX_REPLICAS }, (_, i) =>
      keyring.addFromUri(`//D${i}`),
    );
    for (const [i, m] of dissenters.entries())
      await accept(check!, { kind: 'evaluate', unit: check!.id, fitnesses: [[i / 10, 0]] }, [m]);
    expect(ledger.unit(check!.id)?.state).toBe('failed');
    expect(ledger.liveUnits('evaluate')).toEqual([]);
    // The next accepted result plans the check anew (leased once the dissenters' leases on the
    // units they passed on their way have run out).
    const next = ledger.liveUnits('evolve')[1]!;
    const later = Date.now() + 61_000;
    await accept(
      next,
      { kind: 'evolve', unit: next.id, children, evaluated: 30 },
      [keyring.addFromUri('//E3'), keyring.addFromUri('//E4')],
      later,
    );
    expect(ledger.liveUnits('evaluate')).toMatchObject([{ programs: [LINEAR_BASELINE] }]);
    expect(pool.checked()).toEqual([]);
    ledger.close();
  });
});

/** Leases units to `miner` until it holds `unitId` (the ledger hands out the oldest first). */
function leaseOf(ledger: WorkLedger, miner: string, unitId: string, at = Date.now()): boolean {
  for (let i = 0; i < 50; i++) {
    const lease = ledger.lease(miner, at, 60_000);
    if (!lease) return false;
    if (lease.unit.id === unitId) return true;
  }
  return false;
}
