/**
 * The node as the UI sees it: every command of shared/ipc/contract.ts, implemented once, and the
 * event streams. The WebSocket bridge (ws-bridge.ts) and the Electron main process both hand
 * commands to this class; neither holds logic of its own.
 */
import { availableParallelism, platform, release } from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import { version } from '../../package.json';
import {
  NodeCommandError,
  type Commands,
  type CommandName,
  type Events,
  type EventName,
  type Leaderboard,
  type LogLine,
  type MiningMode,
  type MiningStatus,
  type NodeInfo,
  type SubmissionView,
  type WalletView,
} from '../../shared/ipc/contract';
import { makeTrack } from '../../shared/protocol/track';
import { parseSearchConfig, searchScope, type SearchConfig } from '../../shared/search/config';
import { searchTaskIds } from '../../shared/task/pairs';
import { SubtensorClient } from '../chain/client';
import { locateCifar10 } from '../dataset/locate';
import { loadTasks } from '../dataset/tasks';
import type { Logger } from '../log/logger';
import { DirectClient } from '../miner/direct-client';
import { DirectMiner, type DirectEvent } from '../miner/direct-miner';
import { getOkJson } from '../net/http-client';
import { SearchOrchestrator, defaultThreads } from '../search/orchestrator';
import { loadSearch, saveSearch } from '../search/store';
import { WalletError } from '../wallet/errors';
import { parseKeyInput } from '../wallet/key-input';
import { cryptoReady, pairFromMaterial } from '../wallet/keypair';
import type { Keystore } from '../wallet/keystore';
import { Secret } from '../wallet/secret';

export interface NodeServiceOptions {
  readonly shell: 'desktop' | 'headless';
  readonly dataDir: string;
  readonly cifarDir?: string;
  /** Direct mode and the leaderboard need a network. */
  readonly network?: string;
  readonly netuid?: number;
  readonly log: Logger;
  /** Recent log lines (newest last), e.g. from a LogBuffer. */
  readonly recentLogs: (limit: number) => LogLine[];
  /** Opens the keystore (asks the OS or a passphrase); null when keys cannot be stored here. */
  readonly openKeystore: () => Promise<Keystore>;
  /** Search settings (tests use small ones); default: AutoML-Zero's CIFAR set-up. */
  readonly searchConfig?: SearchConfig;
}

type Handler<K extends CommandName> = (args: Commands[K]['args']) => Promise<Commands[K]['result']>;
type Listener<E extends EventName> = (payload: Events[E]) => void;

const SAVE_EVERY_MS = 60_000;

export class NodeService {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private keystore: Promise<Keystore> | null = null;
  private search: SearchOrchestrator | null = null;
  private direct: { miner: DirectMiner; client: SubtensorClient } | null = null;
  private mining: MiningStatus = {
    state: 'idle',
    mode: null,
    threads: 0,
    progress: null,
    target: null,
    error: null,
  };
  private submissions: SubmissionView[] = [];
  private saver: NodeJS.Timeout | null = null;

  constructor(private readonly o: NodeServiceOptions) {}

  // --- the bridge side --------------------------------------------------------------------------

  /** Runs a command; a failure is always a NodeCommandError with a message for a person. */
  async call(command: string, args: unknown): Promise<unknown> {
    const handler = (this.handlers as Record<string, Handler<CommandName> | undefined>)[command];
    if (!handler) throw new NodeCommandError('UNKNOWN_COMMAND', `Unknown command ${command}.`);
    try {
      return await handler(args as never);
    } catch (err) {
      if (err instanceof NodeCommandError) throw err;
      if (err instanceof WalletError) throw new NodeCommandError(err.code, err.message);
      this.o.log.error('command failed', { command, error: String(err) });
      throw new NodeCommandError('FAILED', err instanceof Error ? err.message : String(err));
    }
  }

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch {
        // A listener (a closed socket) must not stop the others.
      }
    }
  }

  async close(): Promise<void> {
    await this.stopMining();
  }

  // --- commands ---------------------------------------------------------------------------------

  private readonly handlers: { [K in CommandName]: Handler<K> } = {
    'node.info': async () => this.info(),
    'wallet.preview': async ({ secret }) => {
      await cryptoReady();
      const pair = await pairFromMaterial(parseKeyInput(new Secret(String(secret ?? ''))));
      return { address: pair.address };
    },
    'wallet.import': async ({ name, secret }) => {
      const keystore = await this.openKeystore();
      const info = await keystore.importKey(String(name ?? ''), new Secret(String(secret ?? '')));
      this.o.log.info('key imported', { name: info.name, address: info.address });
      return { name: info.name, address: info.address, source: info.source };
    },
    'wallet.list': async () => {
      const keystore = await this.openKeystore().catch(() => null);
      return (keystore?.list() ?? []).map((k): WalletView => ({
        name: k.name,
        address: k.address,
        source: k.source,
      }));
    },
    'mining.start': async ({ mode, threads }) => this.startMining(mode, threads),
    'mining.pause': async () => {
      this.search?.pause();
      return this.status();
    },
    'mining.resume': async () => {
      this.search?.resume();
      return this.status();
    },
    'mining.stop': async () => {
      await this.stopMining();
      return this.status();
    },
    'mining.status': async () => this.status(),
    'mining.submissions': async () => [...this.submissions],
    'sota.leaderboard': async () => this.leaderboard(),
    'logs.recent': async ({ limit }) => this.o.recentLogs(Math.min(Math.max(1, limit), 2000)),
    'diagnostics.report': async () => this.diagnostics(),
  };

  private info(): NodeInfo {
    return {
      version,
      shell: this.o.shell,
      dataDir: this.o.dataDir,
      cores: availableParallelism(),
      defaultThreads: defaultThreads(),
      network: this.o.network ?? 'none',
      netuid: this.o.netuid ?? null,
      datasetReady: Boolean(this.o.cifarDir ?? locateCifar10({ dataDir: this.o.dataDir })),
    };
  }

  private openKeystore(): Promise<Keystore> {
    this.keystore ??= this.o.openKeystore();
    this.keystore.catch(() => (this.keystore = null));
    return this.keystore;
  }

  // --- mining -----------------------------------------------------------------------------------

  private status(): MiningStatus {
    const progress = this.search?.progress() ?? this.mining.progress;
    const state =
      this.mining.state === 'error' || this.mining.state === 'starting' || !this.search
        ? this.mining.state
        : progress?.state === 'paused'
          ? 'paused'
          : progress?.state === 'stopping'
            ? 'stopping'
            : progress?.state === 'stopped'
              ? 'stopped'
              : 'running';
    return { ...this.mining, state, progress };
  }

  private publish(patch: Partial<MiningStatus> = {}): void {
    this.mining = { ...this.mining, ...patch };
    this.emit('mining.status', this.status());
  }

  private async startMining(mode: MiningMode, threads: number): Promise<MiningStatus> {
    if (this.search || this.mining.state === 'starting')
      throw new NodeCommandError('BUSY', 'Mining is already running; stop it first.');
    if (mode === 'pool')
      throw new NodeCommandError('UNAVAILABLE', 'Pool mining is not available yet.');
    const cores = availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > cores)
      throw new NodeCommandError(
        'BAD_THREADS',
        `Threads must be a whole number from 1 to ${cores}.`,
      );
    if (mode === 'direct' && (!this.o.network || this.o.netuid === undefined))
      throw new NodeCommandError(
        'NO_NETWORK',
        'Direct mining needs a network and a subnet: start the node with --network and --netuid.',
      );
    this.submissions = [];
    this.publish({ state: 'starting', mode, threads, error: null, target: null, progress: null });
    // The heavy part (dataset, chain) runs after the answer, reported through status events.
    void this.launch(mode, threads).catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log.error('mining could not start', { error: message });
      this.search = null;
      this.publish({ state: 'error', error: message });
    });
    return this.status();
  }

  private async launch(mode: MiningMode, threads: number): Promise<void> {
    const config = this.o.searchConfig ?? parseSearchConfig({});
    const scope = searchScope(config);
    const stateDir = path.join(this.o.dataDir, mode);
    const tasks = await loadTasks(searchTaskIds(config.tasks.count, config.tasks.firstSeed), {
      dir: this.o.cifarDir,
      dataDir: this.o.dataDir,
      download: true,
      features: config.tasks.features,
      train: config.tasks.train,
      valid: config.tasks.valid,
    });
    const loaded = await loadSearch(stateDir, scope, config);
    this.o.log.info(loaded.message);
    if (mode === 'direct') this.direct = await this.connectDirect(config, tasks);
    const search = new SearchOrchestrator({
      config,
      tasks,
      threads,
      scope,
      resume: loaded.snapshot ?? undefined,
      seedPrograms: loaded.seedPrograms,
      progressIntervalMs: 1000,
      log: (line) => this.o.log.warn(line),
      onProgress: () => {
        this.publish();
        const best = search.snapshot().hallOfFame[0];
        if (this.direct && best) void this.direct.miner.consider(best);
      },
    });
    this.search = search;
    const save = () =>
      saveSearch(stateDir, scope, config, search.snapshot()).catch((err: unknown) =>
        this.o.log.warn('could not save the search', { error: String(err) }),
      );
    this.saver = setInterval(() => void save(), SAVE_EVERY_MS);
    this.o.log.info('mining started', { mode, threads });
    this.publish({ state: 'running' });
    void search.start().then(async () => {
      if (this.saver) clearInterval(this.saver);
      await save();
      this.o.log.info('mining stopped', { individuals: search.progress().individuals });
      this.search = null;
      this.publish({ state: 'stopped', progress: search.progress() });
    });
  }

  private async connectDirect(
    config: SearchConfig,
    tasks: Awaited<ReturnType<typeof loadTasks>>,
  ): Promise<{ miner: DirectMiner; client: SubtensorClient }> {
    const keystore = await this.openKeystore();
    const key = keystore.list().find((k) => k.kind !== 'public');
    if (!key) throw new NodeCommandError('NO_KEY', 'Direct mining needs a key: add one first.');
    const pair: KeyringPair = await keystore.unlock(key.name);
    const client = await SubtensorClient.connect({
      network: this.o.network!,
      log: this.o.log.child('chain'),
    });
    const direct = new DirectClient({
      client,
      netuid: this.o.netuid!,
      pair,
      track: makeTrack(),
      log: this.o.log.child('direct'),
    });
    const miner = new DirectMiner({
      direct,
      config,
      tasks,
      log: this.o.log.child('direct'),
      onEvent: (e) => this.onDirectEvent(e),
    });
    await miner.refreshTarget();
    return { miner, client };
  }

  private onDirectEvent(e: DirectEvent): void {
    const now = new Date().toISOString();
    const update = (digest: string, status: SubmissionView['status'], detail: string) => {
      const i = this.submissions.findIndex((s) => s.digest === digest);
      if (i >= 0) this.submissions[i] = { ...this.submissions[i]!, status, detail };
    };
    switch (e.type) {
      case 'target':
        this.publish({ target: { digest: e.holderDigest, needed: e.needed } });
        break;
      case 'claim':
        this.submissions.unshift({
          digest: e.digest,
          fitness: e.fitness,
          at: now,
          status: 'committed',
          detail: `committed at block ${e.commitmentBlock}`,
        });
        break;
      case 'submitted':
        update(e.digest, 'submitted', `sent to ${e.outcomes.length} validators`);
        break;
      case 'verdict':
        update(
          e.digest,
          e.reached ? 'accepted' : e.rejecting > 0 && e.accepting === 0 ? 'rejected' : 'submitted',
          `${e.accepting} accept, ${e.rejecting} reject (stake share ${e.share.toFixed(2)})`,
        );
        break;
      case 'error':
        break;
    }
  }

  private async stopMining(): Promise<void> {
    const search = this.search;
    if (search) {
      this.publish({ state: 'stopping' });
      await search.stop();
    }
    if (this.direct) {
      await this.direct.miner.stop();
      await this.direct.client.close();
      this.direct = null;
    }
  }

  // --- the network ------------------------------------------------------------------------------

  private async leaderboard(): Promise<Leaderboard> {
    if (!this.o.network || this.o.netuid === undefined)
      return { source: null, holder: null, history: [] };
    const client = await SubtensorClient.connect({
      network: this.o.network,
      log: this.o.log.child('chain'),
    });
    try {
      const mg = await client.metagraph(this.o.netuid);
      const urls = mg.neurons
        .filter((n) => n.validatorPermit && n.axon)
        .sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : 0))
        .map((n) => `http://${n.axon!.ip}:${n.axon!.port}`);
      for (const url of urls) {
        try {
          const body = (await getOkJson(`${url}/v1/leaderboard`, { timeoutMs: 5000 })) as {
            holder: Leaderboard['holder'];
            history: Array<{
              digest: string;
              miner: string;
              becameAt: number;
              challengerScore: number;
              holderScore: number;
              share: number;
              receipts: unknown[];
            }>;
          };
          return {
            source: url,
            holder: body.holder,
            history: body.history.map((h) => ({
              digest: h.digest,
              miner: h.miner,
              becameAt: h.becameAt,
              challengerScore: h.challengerScore,
              holderScore: h.holderScore,
              share: h.share,
              validators: h.receipts.length,
            })),
          };
        } catch (err) {
          this.o.log.debug('validator unreachable', { url, error: String(err) });
        }
      }
      return { source: null, holder: null, history: [] };
    } finally {
      await client.close();
    }
  }

  private diagnostics(): string {
    const info = this.info();
    const lines = [
      `sota-miner ${info.version} (${info.shell})`,
      `node ${process.version}, ${platform()} ${release()}, ${info.cores} cores`,
      `data folder: ${info.dataDir}`,
      `network: ${info.network}${info.netuid !== null ? `, netuid ${info.netuid}` : ''}`,
      `dataset: ${info.datasetReady ? 'ready' : 'not downloaded yet'}`,
      `mining: ${this.status().state}${this.mining.error ? ` (${this.mining.error})` : ''}`,
      '',
      'recent log lines (secrets redacted by the logger):',
      ...this.o.recentLogs(200).map((l) => `${l.time} ${l.level} [${l.scope}] ${l.msg}`),
    ];
    return lines.join('\n');
  }
}
