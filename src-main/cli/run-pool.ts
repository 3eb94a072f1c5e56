/**
 * `sota-miner --pool`: a headless pool node (issue #7). Serves the pool API and keeps its ledger
 * in <data dir>/pool/pool.db. With --network/--netuid it:
 * - lets only hotkeys registered on the subnet work (the metagraph is read every minute);
 * - announces its API on chain as a pool (serve_axon), where miners find it;
 * - starts its search from the current record (the holder's program, named by the validators,
 *   checked by its digest, kept in <data dir>/pool for restarts while none answers) and any --from
 *   programs, as direct miners do (miner/seed-programs.ts);
 * - claims the pool's best program through the direct flow under the pool's hotkey, as a direct
 *   miner would;
 * - with --coldkey-file (the coldkey that owns the pool hotkey), closes reward windows once the
 *   pool has won and pays its miners (rewards.ts), to the coldkeys that own their hotkeys.
 * Without a network the pool is open to any hotkey, claims and pays nothing, and says so in its
 * log. SIGTERM or SIGINT stops it; the ledger keeps every credit.
 */
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { programDigest } from '../../shared/algorithm/canonical';
import { parseProgramOrThrow, printProgram } from '../../shared/algorithm/dsl';
import { LINEAR_BASELINE } from '../../shared/protocol/track';
import { searchScope } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { announceEndpoint } from '../chain/announce';
import { SubtensorClient } from '../chain/client';
import { readProgramFile } from '../search/program-file';
import { loadSearchTasks } from '../dataset/tasks';
import { createLogger } from '../log/logger';
import { DirectClient } from '../miner/direct-client';
import { DirectMiner } from '../miner/direct-miner';
import { recordFromClient } from '../miner/record-source';
import { standOnRecord } from '../miner/seed-programs';
import { loadProbeTasks } from '../validator/probe-tasks';
import { hotkeyFromFile, pairFromKeyFile } from '../wallet/headless';
import { cryptoReady } from '../wallet/keypair';
import { secretFromEnv } from '../wallet/secret';
import type { PoolConfig } from '../pool/config';
import { DEFAULT_PLAN, PoolNode } from '../pool/pool-node';
import { spotCheckRunner, unitWorkers } from '../pool/unit-workers';
import { RewardWindows } from '../pool/rewards';
import { lockDataFolder } from '../storage/folder-lock';
import { WorkLedger } from '../pool/work-ledger';

const METAGRAPH_EVERY_MS = 60_000;

export async function runPoolUntilSignal(o: PoolConfig): Promise<void> {
  const log = createLogger({ write: (l) => void process.stdout.write(`${l}\n`) }, 'pool');
  await cryptoReady();
  const pair = await hotkeyFromFile(o.hotkeyFile);
  const coldkey = o.coldkeyFile
    ? await pairFromKeyFile(o.coldkeyFile, secretFromEnv('SOTA_COLDKEY_PASSWORD'))
    : null;
  const config = o.search;
  const fromFiles = await Promise.all(
    o.from.map(async (f) => printProgram(await readProgramFile(f))),
  );
  // Without a network there is no record to learn: the files, else the genesis program.
  let seeds = fromFiles.length ? fromFiles : [LINEAR_BASELINE];
  // One pool per data folder: a second one would write the same ledger (folder-lock.ts).
  const folder = lockDataFolder(path.join(o.dataDir, 'pool'), 'pool');
  const ledger = WorkLedger.open(path.join(o.dataDir, 'pool', 'pool.db'), { log });
  // The search's tasks, then the check tasks: the next window of projection seeds.
  const { count, firstSeed } = config.tasks;
  const searchTasks = searchTaskIds(count, firstSeed);
  const checkTasks = o.checkTasks > 0 ? searchTaskIds(o.checkTasks, firstSeed + count) : [];

  /** Registered hotkeys → the coldkeys that own them (who may work, and where pay goes). */
  let owners = new Map<string, string>();
  let client: SubtensorClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopBlocks: (() => void) | null = null;
  let direct: DirectMiner | null = null;
  let rewards: RewardWindows | null = null;
  if (o.network && o.netuid !== undefined) {
    const netuid = o.netuid;
    const chain = await SubtensorClient.connect({ network: o.network, log: log.child('chain') });
    client = chain;
    const refresh = async () => {
      const mg = await chain.metagraph(netuid);
      owners = new Map(mg.neurons.map((n) => [n.hotkey, n.coldkey]));
    };
    await refresh();
    timer = setInterval(
      () =>
        void refresh().catch((err: unknown) =>
          log.warn('metagraph read failed', { error: String(err) }),
        ),
      METAGRAPH_EVERY_MS,
    );
    if (!owners.has(pair.address))
      log.warn('the pool hotkey is not registered on the subnet: it cannot claim or earn', {
        hotkey: pair.address,
        netuid,
      });

    // The pool's own claims: its best program, judged against the holder on the pool's tasks.
    const { direct: directClient, note } = await DirectClient.onValidatorsTrack({
      client: chain,
      netuid,
      pair,
      log: log.child('direct'),
    });
    if (note) log.warn(note);
    // A pool's work units are CIFAR-10 tasks (shared/pool/units.ts): it cannot work for a track
    // of another family, and says so rather than claim on tasks the validators do not judge.
    if (directClient.track.task.family !== 'cifar10-binary')
      throw new Error(
        `the validators run ${directClient.track.id}, a ${directClient.track.task.family} track: pools work on CIFAR-10 tracks only`,
      );
    // The holder is scored on the tasks the pool claims by: the check tasks when there are any.
    const tasks = await loadSearchTasks(
      config,
      { dir: o.cifarDir, dataDir: o.dataDir },
      checkTasks.length > 0 ? checkTasks : searchTasks,
    );
    const probeTasks = await loadProbeTasks(directClient.track, {
      dir: o.cifarDir,
      dataDir: o.dataDir,
    });
    direct = new DirectMiner({
      direct: directClient,
      config,
      tasks,
      probeTasks,
      log: log.child('direct'),
    });
    // The search starts from the record (and the files): miners evolve from the parents the pool
    // leases, so they stand on it too. A restarted pool's parents are its own best (its ledger).
    const record = await standOnRecord({
      source: recordFromClient(directClient, o.network, netuid),
      stateDir: path.join(o.dataDir, 'pool'),
      config,
      log: log.child('seeds'),
    });
    direct.useTarget(record.view);
    const recordText = printProgram(record.program);
    seeds = [recordText, ...fromFiles.filter((p) => p !== recordText)];
    const which =
      record.origin === 'validators'
        ? 'the current record'
        : 'the last record the validators named';
    log.info(`the search starts from ${which}${o.from.length ? ' and the --from programs' : ''}`, {
      record: record.name,
      digest: record.view.digest,
      from: o.from,
    });
    rewards = coldkey
      ? rewardWindows({
          o,
          chain,
          netuid,
          pair,
          coldkey,
          ledger,
          directClient,
          owners: () => owners,
          log,
        })
      : null;
    if (!rewards) log.warn('no --coldkey-file: the pool books shares but pays nothing');
  } else {
    log.warn('no --network: the pool is open to any hotkey, and claims and pays nothing');
  }

  // Spot checks run on one worker thread of the pool's own, on the tasks units name.
  const checkWorkers =
    o.spotCheckRate > 0
      ? unitWorkers(
          config,
          await loadSearchTasks(config, { dir: o.cifarDir, dataDir: o.dataDir }, [
            ...searchTasks,
            ...checkTasks,
          ]),
          1,
        )
      : null;
  const pool = new PoolNode({
    terms: {
      hotkey: pair.address,
      feeBps: o.feeBps,
      minimumPayoutRao: o.minPayoutRao.toString(),
      leaseSeconds: o.leaseSeconds,
      windowBlocks: rewards ? o.windowBlocks : null,
      scope: searchScope(config),
      config,
      tasks: [...searchTasks, ...checkTasks],
    },
    ledger,
    seeds,
    checkTasks: checkTasks.map((_, i) => count + i),
    plan: { ...DEFAULT_PLAN, individualsPerUnit: o.unitIndividuals },
    // Without a chain (a local test pool) every hotkey stands for itself.
    ownerOf: client ? (hotkey) => owners.get(hotkey) : (hotkey) => hotkey,
    chainConnected: () => (client ? client.state.status === 'connected' : null),
    onBest: direct
      ? (best) => {
          const program = parseProgramOrThrow(best.program);
          void direct.consider({ program, digest: programDigest(program), fitness: best.fitness });
        }
      : undefined,
    spotChecks: checkWorkers
      ? { rate: o.spotCheckRate, run: spotCheckRunner(checkWorkers) }
      : undefined,
    log,
  });
  const url = await pool.api.listen({ host: o.host, port: o.port });
  log.info('pool ready', { url, hotkey: pair.address, feeBps: o.feeBps });
  if (client && o.netuid !== undefined) {
    await announceEndpoint(
      client,
      o.netuid,
      pair,
      { ip: o.externalIp, port: o.externalPort ?? o.port, role: 'pool' },
      log,
    ).catch((err: unknown) =>
      log.warn('could not announce the pool on chain', { error: String(err) }),
    );
    if (rewards) {
      const windows = rewards;
      stopBlocks = await client.subscribeBlocks((head) => void windows.onBlock(head.number));
    }
  }
  await new Promise<void>((resolve) => {
    const onSignal = () => resolve();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  stopBlocks?.();
  if (timer) clearInterval(timer);
  await pool.api.close();
  await pool.settled();
  await checkWorkers?.close();
  await direct?.stop();
  // An unstake or payout under way finishes and is booked before the ledger closes.
  await rewards?.stop();
  await client?.close();
  ledger.close();
  folder.release();
  log.info('pool stopped');
}

/** The pool's reward windows: it has won when the validators name its hotkey as the holder. */
function rewardWindows(a: {
  o: PoolConfig;
  chain: SubtensorClient;
  netuid: number;
  pair: KeyringPair;
  coldkey: KeyringPair;
  ledger: WorkLedger;
  directClient: DirectClient;
  owners: () => ReadonlyMap<string, string>;
  log: ReturnType<typeof createLogger>;
}): RewardWindows {
  const owner = a.owners().get(a.pair.address);
  if (owner && owner !== a.coldkey.address)
    throw new Error(
      `--coldkey-file holds ${a.coldkey.address}, but the pool hotkey is owned by ${owner}: ` +
        'only the owning coldkey can unstake the pool’s rewards',
    );
  return new RewardWindows({
    client: a.chain,
    ledger: a.ledger,
    netuid: a.netuid,
    hotkey: a.pair.address,
    coldkey: a.coldkey,
    feeBps: a.o.feeBps,
    minimumPayoutRao: a.o.minPayoutRao,
    windowBlocks: a.o.windowBlocks,
    holdsSota: async () => (await a.directClient.sota())?.miner === a.pair.address,
    payee: (miner) => a.owners().get(miner) ?? miner,
    log: a.log.child('rewards'),
  });
}
