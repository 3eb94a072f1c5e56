/**
 * A local Subtensor network: the real runtime (from the chain spec's genesis wasm) executed by
 * chopsticks on 127.0.0.1, with funded dev accounts, //Alice as sudo, a subnet whose limits are
 * relaxed for development (no rate limits, many registrations per block, short tempo), and an
 * optional block ticker. Used by `npm run localnet` and, in-process, by the chain tests.
 *
 * chopsticks is a devDependency and is imported lazily here, so the node never loads it unless a
 * local network is started.
 */
import type { KeyringPair } from '@polkadot/keyring/types';
import type { SubmittableExtrinsic } from '@polkadot/api/types';

import { silentLogger, type Logger } from '../log/logger';
import { locateChainSpec } from './chain-spec';
import { SubtensorClient } from './client';
import { RAO_PER_TAO } from './context';
import { DEV_BALANCE_RAO, devAccounts, type DevAccounts } from './dev-accounts';
import { ChainError, fromDispatchError } from './errors';
import { findEvent, submit, type TxResult } from './tx';

/** Chopsticks builds block #1 with this timestamp (see the chain README: an unset one can make
 * genesis-mode block building fail on "Timestamp slot must match CurrentSlot"). */
const GENESIS_TIMESTAMP = 1_700_000_000_000;

export interface SubnetLimits {
  tempo: number;
  commitReveal: boolean;
  weightsRateLimit: number;
  servingRateLimit: number;
  maxRegistrationsPerBlock: number;
  minAllowedWeights: number;
}

export const RELAXED_LIMITS: SubnetLimits = {
  tempo: 10,
  commitReveal: false,
  weightsRateLimit: 0,
  servingRateLimit: 0,
  maxRegistrationsPerBlock: 64,
  minAllowedWeights: 1,
};

export interface LocalnetOptions {
  chainSpec?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Build a block every this many ms (a "ticker"); default none. */
  blockTimeMs?: number | null;
  /** Build a block as soon as a transaction arrives (default true: tests and dev are faster). */
  instant?: boolean;
  /** Create the development subnet (default true). */
  subnet?: boolean;
  log?: Logger;
}

export interface LocalnetTimings {
  /** Start of startLocalnet → chopsticks serving RPC. */
  readonly rpcReadyMs: number;
  /** Start of startLocalnet → the harness's client connected (API ready). */
  readonly clientConnectedMs: number;
  /** Start of startLocalnet → accounts funded and subnet created. */
  readonly readyMs: number;
}

export interface Localnet {
  readonly endpoint: string;
  readonly timings: LocalnetTimings;
  readonly accounts: DevAccounts;
  /** The development subnet's netuid (null with subnet: false). */
  readonly netuid: number | null;
  /** A client connected to this network, used for set-up; tests may share it. */
  readonly client: SubtensorClient;
  newBlock(count?: number): Promise<number>;
  setHead(blockNumber: number): Promise<void>;
  headNumber(): Promise<number>;
  setBuildMode(mode: 'Instant' | 'Manual' | 'Batch'): Promise<void>;
  /** Dispatches calls as root through sudo (batched), failing on the inner call's error. */
  sudo(calls: SubmittableExtrinsic<'promise'>[]): Promise<TxResult>;
  /**
   * Fills the subnet's TAO and alpha reserves with `rao` each (price 1). A new subnet's pool holds
   * 1 RAO a side, so stake bought there is almost no alpha and validators weigh nothing; a deep
   * pool gives stake its ordinary meaning for tests of stake-weighted rules.
   */
  deepenPool(netuid: number, rao: bigint): Promise<void>;
  /** A fresh subnet owned by `owner` with the given limits: cheap isolation for tests. */
  createSubnet(
    limits?: Partial<SubnetLimits>,
    owner?: { coldkey: KeyringPair; hotkey: KeyringPair },
  ): Promise<number>;
  close(): Promise<void>;
}

interface ChopsticksServer {
  addr: string;
  chain: { head: { number: number } };
  close(): Promise<void>;
}

export async function startLocalnet(opts: LocalnetOptions = {}): Promise<Localnet> {
  const log = (opts.log ?? silentLogger).child('localnet');
  const specPath = await locateChainSpec({ path: opts.chainSpec, log });
  // chopsticks' own logger reads LOG_LEVEL when it is first imported.
  // Its genesis-mode start-up logs a harmless failed first block (see startLocalnet) at error level.
  process.env['LOG_LEVEL'] ??= 'fatal';
  const started = Date.now();
  const chopsticks = await import('@acala-network/chopsticks');
  const server = (await chopsticks.setupWithServer({
    genesis: specPath,
    port: opts.port ?? 0,
    host: '127.0.0.1',
    'build-block-mode': chopsticks.BuildBlockMode.Manual,
    timestamp: GENESIS_TIMESTAMP,
    'runtime-log-level': 0,
  } as Parameters<typeof chopsticks.setupWithServer>[0])) as unknown as ChopsticksServer;
  const endpoint = `ws://${server.addr}`;
  const rpcReadyMs = Date.now() - started;
  log.info('chopsticks ready', { endpoint, ms: Date.now() - started, spec: specPath });

  let client: SubtensorClient | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (ticker) clearInterval(ticker);
    await client?.close().catch(() => {});
    await server.close().catch(() => {});
    await chopsticks.destroyWorker().catch(() => {});
    log.info('stopped');
  };

  try {
    const accounts = await devAccounts();
    client = await SubtensorClient.connect({ network: endpoint, log: opts.log });
    const clientConnectedMs = Date.now() - started;
    const c = client;
    const rpc = <T>(method: string, params: unknown[]) => c.connection.send<T>(method, params);
    const newBlock = async (count = 1) => {
      await rpc('dev_newBlock', [{ count }]);
      return (await c.api.rpc.chain.getHeader()).number.toNumber();
    };
    // Mortal transactions need a parent block (see gotcha 1 in ../shared/chain/README.md).
    if (server.chain.head.number === 0) await newBlock();

    const account = { providers: 1, data: { free: DEV_BALANCE_RAO.toString() } };
    await rpc('dev_setStorage', [
      {
        Sudo: { Key: accounts.owner.address },
        System: { Account: Object.values(accounts).map((p) => [[p.address], account]) },
      },
    ]);
    const setBuildMode = async (mode: 'Instant' | 'Manual' | 'Batch') => {
      await rpc('dev_setBlockBuildMode', [mode]);
    };
    await setBuildMode('Instant');

    const tx = c.api.tx;
    const admin = tx['adminUtils']!;
    const sudo = async (calls: SubmittableExtrinsic<'promise'>[]) => {
      const batch = calls.length === 1 ? calls[0]! : tx['utility']!['batchAll']!(calls);
      const result = await submit(c, tx['sudo']!['sudo']!(batch), accounts.owner, {
        label: 'sudo',
      });
      const sudid = findEvent(result, 'sudo', 'Sudid');
      const outcome = sudid?.data[0] as { err?: unknown } | undefined;
      if (outcome && outcome.err !== undefined)
        throw fromDispatchError(c.api, c.api.registry.createType('DispatchError', outcome.err));
      return result;
    };

    // Network-wide limits that would slow development down.
    await sudo([
      admin['sudoSetNetworkRateLimit']!(0),
      admin['sudoSetTxRateLimit']!(0),
      admin['sudoSetNetworkMinLockCost']!(RAO_PER_TAO),
      admin['sudoSetWeightsMinStake']!(0),
    ]);

    const createSubnet = async (
      limits: Partial<SubnetLimits> = {},
      owner = { coldkey: accounts.owner, hotkey: accounts.ownerHotkey },
    ) => {
      const l = { ...RELAXED_LIMITS, ...limits };
      const result = await submit(
        c,
        tx['subtensorModule']!['registerNetwork']!(owner.hotkey.address, 1),
        owner.coldkey,
        {
          label: 'register_network',
        },
      );
      const added = findEvent(result, 'subtensorModule', 'NetworkAdded');
      if (!added) throw new ChainError('DISPATCH', 'register_network did not add a subnet.');
      const netuid = Number(added.data[0]);
      await sudo([
        admin['sudoSetTempo']!(netuid, l.tempo),
        admin['sudoSetCommitRevealWeightsEnabled']!(netuid, l.commitReveal),
        admin['sudoSetWeightsSetRateLimit']!(netuid, l.weightsRateLimit),
        admin['sudoSetServingRateLimit']!(netuid, l.servingRateLimit),
        admin['sudoSetMaxRegistrationsPerBlock']!(netuid, l.maxRegistrationsPerBlock),
        admin['sudoSetTargetRegistrationsPerInterval']!(netuid, l.maxRegistrationsPerBlock),
        admin['sudoSetMinAllowedWeights']!(netuid, l.minAllowedWeights),
        admin['sudoSetMaxWeightLimit']!(netuid, 65535),
        admin['sudoSetWeightsVersionKey']!(netuid, 0),
      ]);
      log.info('subnet created', { netuid, tempo: l.tempo, commitReveal: l.commitReveal });
      return netuid;
    };

    const netuid = opts.subnet === false ? null : await createSubnet();
    await setBuildMode(opts.instant === false ? 'Manual' : 'Instant');

    if (opts.blockTimeMs) {
      let building = false;
      ticker = setInterval(() => {
        if (building || closed) return;
        building = true;
        newBlock()
          .catch((err: unknown) => log.warn('ticker block failed', { err }))
          .finally(() => (building = false));
      }, opts.blockTimeMs);
    }

    return {
      endpoint,
      timings: { rpcReadyMs, clientConnectedMs, readyMs: Date.now() - started },
      accounts,
      netuid,
      client: c,
      newBlock,
      setHead: async (n) => {
        await rpc('dev_setHead', [n]);
      },
      headNumber: async () => (await c.api.rpc.chain.getHeader()).number.toNumber(),
      setBuildMode,
      sudo,
      createSubnet,
      deepenPool: async (netuid, rao) => {
        const value = rao.toString();
        await rpc('dev_setStorage', [
          {
            SubtensorModule: { SubnetTAO: [[[netuid], value]], SubnetAlphaIn: [[[netuid], value]] },
          },
        ]);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
