/**
 * SubtensorClient: the node's one handle on the chain. Connection (with reconnection state),
 * nonces shared by every transaction the node sends, feature detection, and the subnet operations
 * the miner and the validator need — each implemented in its own module and re-exposed here.
 */
import type { KeyringPair } from '@polkadot/keyring/types';

import { silentLogger, type Logger } from '../log/logger';
import { type AxonEndpoint, serveAxon } from './axon';
import { type BlockHead, subscribeBlocks } from './blocks';
import { type Commitment, readCommitment, setCommitment } from './commitments';
import { type BackoffOptions, ChainConnection, type ConnectionState } from './connection';
import type { ChainContext } from './context';
import { type AlphaPool, type NeuronEarnings, readAlphaPool, readEarnings } from './earnings';
import { type ChainFeatures, describeMissing, detectFeatures } from './features';
import { isLocalChain } from '../net/addresses';
import { markReachable, type Metagraph, readMetagraph } from './metagraph';
import { resolveEndpoints } from './networks';
import {
  burnedRegister,
  freeBalance,
  quoteBurnedRegister,
  type RegistrationQuote,
  uidOf,
} from './registration';
import { coldkeyAlpha, removeStake, type Unstaked } from './stake';
import { readSubnetOwnerHotkey, readSubnetSettings, type SubnetSettings } from './subnet';
import { NonceManager, type SubmitOptions, type TxResult } from './tx';
import {
  type PendingReveal,
  readWeights,
  revealWeights,
  type SetWeightsResult,
  setWeights,
} from './weights';

export interface ClientOptions {
  /** A network name (finney, test, local), a ws(s):// URL, or a list / comma-separated list. */
  network: string | readonly string[];
  backoff?: Partial<BackoffOptions>;
  connectTimeoutMs?: number;
  log?: Logger;
}

export class SubtensorClient implements ChainContext {
  readonly nonces: NonceManager;
  readonly log: Logger;

  private constructor(
    readonly connection: ChainConnection,
    log: Logger,
  ) {
    this.nonces = new NonceManager(connection.api);
    this.log = log;
  }

  static async connect(opts: ClientOptions): Promise<SubtensorClient> {
    const log = (opts.log ?? silentLogger).child('chain');
    const conn = await ChainConnection.connect({
      endpoints: resolveEndpoints(opts.network),
      backoff: opts.backoff,
      connectTimeoutMs: opts.connectTimeoutMs,
      log,
    });
    const client = new SubtensorClient(conn, log);
    const features = client.features();
    for (const line of describeMissing(features)) log.info(line);
    return client;
  }

  get api() {
    return this.connection.api;
  }

  get state(): ConnectionState {
    return this.connection.state;
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    return this.connection.onState(listener);
  }

  features(): ChainFeatures {
    return detectFeatures(this.api);
  }

  subscribeBlocks(onBlock: (head: BlockHead) => void): Promise<() => void> {
    return subscribeBlocks(this, onBlock);
  }

  subnet(netuid: number): Promise<SubnetSettings> {
    return readSubnetSettings(this, netuid);
  }

  subnetOwnerHotkey(netuid: number): Promise<string | null> {
    return readSubnetOwnerHotkey(this, netuid);
  }

  /** The number of the newest block the chain node knows. */
  async bestBlock(): Promise<number> {
    return (await this.api.rpc.chain.getHeader()).number.toNumber();
  }

  /**
   * The subnet's neurons. On a public chain an endpoint announced at a private, loopback or
   * link-local address (or an unusable one) is marked unreachable (logged once): followed, it
   * would make this node probe its own machine or LAN on a stranger's word. On a local chain
   * (every endpoint private, isLocalChain) private addresses are what nodes announce.
   */
  async metagraph(netuid: number, at?: string): Promise<Metagraph> {
    const mg = await readMetagraph(this, netuid, at);
    return markReachable(mg, isLocalChain(this.connection.endpoints), (n, scope) => {
      const key = `${n.hotkey}@${n.axon?.ip}`;
      if (this.skippedEndpoints.has(key)) return;
      if (this.skippedEndpoints.size >= 10_000) this.skippedEndpoints.clear();
      this.skippedEndpoints.add(key);
      this.log.info('endpoint skipped: not a public address', {
        hotkey: n.hotkey,
        ip: n.axon?.ip,
        scope,
      });
    });
  }

  /** Endpoints already logged as skipped (bounded). */
  private readonly skippedEndpoints = new Set<string>();

  balance(address: string): Promise<bigint> {
    return freeBalance(this, address);
  }

  /** The alpha `coldkey` owns of `hotkey`'s stake on the subnet (what it can unstake). */
  coldkeyAlpha(netuid: number, hotkey: string, coldkey: string): Promise<bigint> {
    return coldkeyAlpha(this, netuid, hotkey, coldkey);
  }

  removeStake(
    netuid: number,
    hotkey: string,
    coldkey: KeyringPair,
    alpha: bigint,
    opts?: SubmitOptions,
  ): Promise<Unstaked> {
    return removeStake(this, netuid, hotkey, coldkey, alpha, opts);
  }

  /** The subnet's pool (the price of its alpha in TAO), or null without one. */
  alphaPool(netuid: number): Promise<AlphaPool | null> {
    return readAlphaPool(this, netuid);
  }

  /** What the hotkey earns on the subnet (stake, incentive, emission), or null if unregistered. */
  earnings(netuid: number, hotkey: string, pool: AlphaPool | null): Promise<NeuronEarnings | null> {
    return readEarnings(this, netuid, hotkey, pool);
  }

  uidOf(netuid: number, hotkey: string): Promise<number | null> {
    return uidOf(this, netuid, hotkey);
  }

  quoteRegistration(netuid: number, hotkey: string, coldkey: string): Promise<RegistrationQuote> {
    return quoteBurnedRegister(this, netuid, hotkey, coldkey);
  }

  burnedRegister(netuid: number, hotkey: string, coldkey: KeyringPair, maxBurnRao: bigint) {
    return burnedRegister(this, netuid, hotkey, coldkey, maxBurnRao);
  }

  serveAxon(netuid: number, hotkey: KeyringPair, axon: AxonEndpoint): Promise<TxResult> {
    return serveAxon(this, netuid, hotkey, axon);
  }

  setWeights(
    netuid: number,
    hotkey: KeyringPair,
    uids: readonly number[],
    weights: readonly number[],
    versionKey?: bigint,
  ): Promise<SetWeightsResult> {
    return setWeights(this, netuid, hotkey, uids, weights, versionKey);
  }

  revealWeights(hotkey: KeyringPair, pending: PendingReveal): Promise<TxResult> {
    return revealWeights(this, hotkey, pending);
  }

  readWeights(netuid: number, uid: number): Promise<Array<[number, number]>> {
    return readWeights(this, netuid, uid);
  }

  setCommitment(netuid: number, hotkey: KeyringPair, data: Uint8Array): Promise<TxResult> {
    return setCommitment(this, netuid, hotkey, data);
  }

  readCommitment(netuid: number, hotkey: string): Promise<Commitment | null> {
    return readCommitment(this, netuid, hotkey);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
