/**
 * `sota-miner --pool`: a headless pool node (issue #7). Serves the pool API and keeps its ledger
 * in <data dir>/pool/pool.db. With --network/--netuid it lets only hotkeys registered on the
 * subnet work (the metagraph is read every minute) and claims the pool's best program through
 * the direct flow under the pool's hotkey, as a direct miner would; without a network the pool is
 * open to any hotkey and claims nothing, which it says in its log. SIGTERM or SIGINT stops it;
 * the ledger keeps every credit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow } from '../../shared/algorithm/dsl';
import { LINEAR_BASELINE, makeTrack } from '../../shared/protocol/track';
import { parseSearchConfig, searchScope } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { SubtensorClient } from '../chain/client';
import { loadSearchTasks } from '../dataset/tasks';
import { createLogger } from '../log/logger';
import { DirectClient } from '../miner/direct-client';
import { DirectMiner } from '../miner/direct-miner';
import { pairFromKeyFile } from '../wallet/headless';
import { cryptoReady } from '../wallet/keypair';
import { Secret } from '../wallet/secret';
import { DEFAULT_PLAN, PoolNode } from './pool-node';
import { WorkLedger } from './work-ledger';

const METAGRAPH_EVERY_MS = 60_000;

export interface PoolOptions {
  readonly hotkeyFile: string;
  readonly dataDir: string;
  readonly host: string;
  readonly port: number;
  /** The pool's fee in basis points (announced in its terms). */
  readonly feeBps: number;
  readonly minimumPayoutRao: bigint;
  readonly leaseSeconds: number;
  /** Individuals per evolve unit (default DEFAULT_PLAN's). */
  readonly unitIndividuals?: number;
  /** Search settings as JSON (defaults: AutoML-Zero's CIFAR set-up). */
  readonly configFile?: string;
  readonly network?: string;
  readonly netuid?: number;
  readonly cifarDir?: string;
}

export async function runPoolUntilSignal(o: PoolOptions): Promise<void> {
  const log = createLogger({ write: (l) => void process.stdout.write(`${l}\n`) }, 'pool');
  await cryptoReady();
  const password = process.env['SOTA_HOTKEY_PASSWORD'];
  const pair = await pairFromKeyFile(o.hotkeyFile, password ? new Secret(password) : undefined);
  const config = parseSearchConfig(
    o.configFile ? (JSON.parse(readFileSync(o.configFile, 'utf8')) as unknown) : {},
  );
  const ledger = WorkLedger.open(path.join(o.dataDir, 'pool', 'pool.db'), { log });

  let registered = new Set<string>();
  let client: SubtensorClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  if (o.network && o.netuid !== undefined) {
    const chain = await SubtensorClient.connect({ network: o.network, log: log.child('chain') });
    client = chain;
    const refresh = async () => {
      const mg = await chain.metagraph(o.netuid!);
      registered = new Set(mg.neurons.map((n) => n.hotkey));
    };
    await refresh();
    timer = setInterval(
      () =>
        void refresh().catch((err: unknown) =>
          log.warn('metagraph read failed', { error: String(err) }),
        ),
      METAGRAPH_EVERY_MS,
    );
  } else {
    log.warn('no --network: the pool is open to any hotkey');
  }

  // The pool's own claims: its best program, judged against the holder on the pool's tasks.
  let direct: DirectMiner | null = null;
  if (client) {
    const tasks = await loadSearchTasks(config, { dir: o.cifarDir, dataDir: o.dataDir });
    direct = new DirectMiner({
      direct: new DirectClient({
        client,
        netuid: o.netuid!,
        pair,
        track: makeTrack(),
        log: log.child('direct'),
      }),
      config,
      tasks,
      log: log.child('direct'),
    });
    await direct.refreshTarget();
  }

  const pool = new PoolNode({
    terms: {
      hotkey: pair.address,
      feeBps: o.feeBps,
      minimumPayoutRao: o.minimumPayoutRao.toString(),
      leaseSeconds: o.leaseSeconds,
      scope: searchScope(config),
      config,
      tasks: searchTaskIds(config.tasks.count, config.tasks.firstSeed),
    },
    ledger,
    seeds: [LINEAR_BASELINE],
    plan: {
      ...DEFAULT_PLAN,
      individualsPerUnit: o.unitIndividuals ?? DEFAULT_PLAN.individualsPerUnit,
    },
    allowed: client ? (hotkey) => registered.has(hotkey) : () => true,
    onBest: direct
      ? (best) => {
          const program = parseProgramOrThrow(best.program);
          void direct.consider({ program, digest: programDigest(program), fitness: best.fitness });
        }
      : undefined,
    log,
  });
  const url = await pool.api.listen({ host: o.host, port: o.port });
  log.info('pool ready', { url, hotkey: pair.address, feeBps: o.feeBps });
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  if (timer) clearInterval(timer);
  await pool.api.close();
  await direct?.stop();
  await client?.close();
  ledger.close();
  log.info('pool stopped');
}
