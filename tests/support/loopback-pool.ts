/**
 * A pool on loopback for tests of its miners: the real PoolNode and HTTP API, its ledger in a
 * real SQLite file in a temporary folder, no chain (it pays nothing, windows are booked by hand).
 * Every hotkey is its own owner, so replicas from two test keys may agree.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import type { PoolTerms } from '../../shared/pool/terms';
import { LINEAR_BASELINE } from '../../shared/protocol/track';
import type { SearchConfig } from '../../shared/search/config';
import { searchScope } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { silentLogger } from '../../src-main/log/logger';
import type { ProgramScore } from '../../src-main/pool/pool-node';
import { PoolNode } from '../../src-main/pool/pool-node';
import { WorkLedger } from '../../src-main/pool/work-ledger';

export interface LoopbackPool {
  readonly url: string;
  readonly pool: PoolNode;
  readonly ledger: WorkLedger;
  close(): Promise<void>;
}

/** A pool's terms for tests: a 5% fee, no chain (it pays nothing), 60-second leases. */
export function testPoolTerms(
  config: SearchConfig,
  hotkey: string,
  tasks: PoolTerms['tasks'],
): PoolTerms {
  return {
    hotkey,
    feeBps: 500,
    minimumPayoutRao: '100000000',
    leaseSeconds: 60,
    windowBlocks: null,
    scope: searchScope(config),
    config,
    tasks,
  };
}

/** Call after cryptoWaitReady(). The pool searches two tasks and checks on the next two. */
export async function startLoopbackPool(
  config: SearchConfig,
  onBest?: (best: ProgramScore) => void,
): Promise<LoopbackPool> {
  const ledger = WorkLedger.open(path.join(mkdtempSync(path.join(tmpdir(), 'pool-')), 'pool.db'));
  const poolKey = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//PoolNode');
  const pool = new PoolNode({
    // The search's two tasks, then two check tasks (the next projection seeds).
    terms: testPoolTerms(config, poolKey.address, [...searchTaskIds(2, 0), ...searchTaskIds(2, 2)]),
    checkTasks: [2, 3],
    ledger,
    seeds: [LINEAR_BASELINE],
    plan: { openUnits: 3, individualsPerUnit: 60, parents: 2, keep: 2, checkPrograms: 2 },
    ownerOf: (hotkey) => hotkey,
    onBest,
    log: silentLogger,
  });
  const url = await pool.api.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    pool,
    ledger,
    close: async () => {
      await pool.api.close();
      ledger.close();
    },
  };
}
