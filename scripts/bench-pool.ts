/**
 * `npm run bench:pool -- [--seconds S] [--threads N] [--individuals I] [--json]`
 *
 * Pool mining's speed on this machine: a pool node and one miner in this process, talking signed
 * HTTP over loopback, on the baseline search configuration (10 CIFAR-10 tasks, 8000/1000). Prints
 * work units per second, the individuals per second they contain, and the ratio to solo mining's
 * figure (bench:search) measured the same way right after, on the same threads. The miner's
 * units are not accepted here (a unit needs 3 agreeing miners); this measures the work, not the
 * shares.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { LINEAR_BASELINE } from '../shared/protocol/track';
import { parseSearchConfig, searchScope } from '../shared/search/config';
import { searchTaskIds } from '../shared/task/pairs';
import { loadTasks } from '../src-main/dataset/tasks';
import { silentLogger } from '../src-main/log/logger';
import { PoolClient } from '../src-main/pool/pool-client';
import { DEFAULT_PLAN, PoolNode } from '../src-main/pool/pool-node';
import { WorkLedger } from '../src-main/pool/work-ledger';
import { SearchOrchestrator } from '../src-main/search/orchestrator';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    threads: { type: 'string', default: '1' },
    individuals: { type: 'string', default: String(DEFAULT_PLAN.individualsPerUnit) },
    json: { type: 'boolean', default: false },
  },
});

async function main(): Promise<void> {
  await cryptoWaitReady();
  const seconds = Number(values.seconds);
  const threads = Number(values.threads);
  const config = parseSearchConfig({});
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const ledger = WorkLedger.open(
    path.join(mkdtempSync(path.join(tmpdir(), 'bench-pool-')), 'p.db'),
  );
  const taskIds = searchTaskIds(config.tasks.count, config.tasks.firstSeed);
  const pool = new PoolNode({
    terms: {
      hotkey: keyring.addFromUri('//BenchPool').address,
      feeBps: 500,
      minimumPayoutRao: '0',
      leaseSeconds: 600,
      windowBlocks: null,
      scope: searchScope(config),
      config,
      tasks: taskIds,
    },
    ledger,
    seeds: [LINEAR_BASELINE],
    plan: { ...DEFAULT_PLAN, openUnits: 64, individualsPerUnit: Number(values.individuals) },
    ownerOf: (hotkey) => hotkey,
    log: silentLogger,
  });
  const url = await pool.api.listen({ host: '127.0.0.1', port: 0 });
  const client = new PoolClient({
    url,
    pair: keyring.addFromUri('//BenchMiner'),
    threads,
    log: silentLogger,
  });
  await client.connect();
  const stop = new AbortController();
  const started = performance.now();
  const working = client.work(stop.signal);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  stop.abort();
  await working;
  const elapsed = (performance.now() - started) / 1000;
  await client.close();
  await pool.api.close();
  ledger.close();
  const units = client.stats.units;
  const perUnit = config.populationSize + Number(values.individuals);
  const poolRate = (units * perUnit) / elapsed;

  // Solo on the same threads, same time, same configuration.
  const tasks = await loadTasks(taskIds, { download: true });
  const solo = new SearchOrchestrator({ config, tasks, threads, scope: searchScope(config) });
  const soloStarted = performance.now();
  const done = solo.start();
  setTimeout(() => void solo.stop(), seconds * 1000);
  await done;
  const soloRate = solo.progress().individuals / ((performance.now() - soloStarted) / 1000);

  const result = {
    bench: 'pool',
    seconds: +elapsed.toFixed(1),
    threads,
    individualsPerUnit: Number(values.individuals),
    units,
    unitsPerSecPerMiner: +(units / elapsed).toFixed(3),
    individualsPerSec: +poolRate.toFixed(1),
    soloIndividualsPerSec: +soloRate.toFixed(1),
    ratioToSolo: +(poolRate / soloRate).toFixed(3),
    node: process.version,
  };
  process.stdout.write(
    values.json ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:pool: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
