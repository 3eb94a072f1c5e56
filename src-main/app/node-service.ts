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
  IDLE_MINING_STATUS,
  NodeCommandError,
  type Commands,
  type CommandName,
  type Events,
  type EventName,
  type BtcliWalletView,
  type DatasetStatus,
  type KeystoreState,
  type Leaderboard,
  type LogLine,
  type MiningMode,
  type MiningStatus,
  type NodeInfo,
  type PoolListingView,
  type Settings,
  type UpdateStatus,
  type WalletOnChain,
  type SubmissionView,
  type WalletView,
} from '../../shared/ipc/contract';
import { COMMAND_ARGS, describeArgsError } from '../../shared/ipc/command-args';
import { makeTrack } from '../../shared/protocol/track';
import {
  ValidatorStatusSchema,
  type ValidatorStatus,
} from '../../shared/protocol/validator-status';
import type { TaskData } from '../../shared/task/types';
import { parseSearchConfig, type SearchConfig } from '../../shared/search/config';
import { SubtensorClient } from '../chain/client';
import { formatTao } from '../chain/context';
import { axonUrl, hasReachableAxon, isValidator } from '../chain/metagraph';
import { downloadCifar10 } from '../dataset/download';
import { cifar10CacheDir, locateCifar10, type LocateOptions } from '../dataset/locate';
import { selectionTaskIds } from '../../shared/search/selection';
import { loadSearchTasks } from '../dataset/tasks';
import type { Logger } from '../log/logger';
import { DirectClient } from '../miner/direct-client';
import { DirectMiner, type DirectEvent } from '../miner/direct-miner';
import { recordFromClient, type RecordSource } from '../miner/record-source';
import { MiningSession } from '../miner/mining-session';
import { PoolMiningSession } from '../miner/pool-mining-session';
import { getOkJson } from '../net/http-client';
import { discoverPools, listingView } from '../pool/discover';
import { SearchOrchestrator, defaultThreads } from '../search/orchestrator';
import { z } from 'zod';
import { UpdateGate, type UpdateFeed } from '../update/update-gate';
import { loadProbeTasks } from '../validator/probe-tasks';
import { loadAppSettings, saveAppSettings, type AppSettings } from './app-settings';
import { PowerGate, type PowerSource } from '../desktop/power-gate';
import { ChainWatch } from './chain-watch';
import { CpuMeter } from './cpu-meter';
import { quoteRegistration, readWalletOnChain } from './wallet-chain';
import { defaultBtcliWalletRoot, listBtcliWallets, readBtcliHotkey } from '../wallet/btcli';
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
  /**
   * A headless node's passphrase (absent in the desktop app, which asks the OS keychain):
   * whether its operator configured one, else the one the person gave in the UI for this run,
   * which openKeystore reads from `session`.
   */
  readonly passphrase?: {
    readonly configured: boolean;
    /** Whether keys with secrets are stored already (then a new passphrase must open them). */
    readonly secretsStored: () => Promise<boolean>;
    readonly session: { value?: Secret<string> };
  };
  /** Search settings (tests use small ones); default: AutoML-Zero's CIFAR set-up. */
  readonly searchConfig?: SearchConfig;
  /** Where btcli keeps its wallets; default ~/.bittensor/wallets. */
  readonly btcliRoot?: string;
  /** How the dataset is looked for (tests leave out the machine's shared copy). */
  readonly datasetLookup?: Pick<LocateOptions, 'projectRoot' | 'env'>;
  /** Where the dataset download comes from (tests serve an archive on loopback). */
  readonly datasetSource?: { readonly url?: string; readonly md5?: Record<string, string> };
  /** What only the desktop app has: login items and the update feed. */
  readonly desktop?: DesktopIntegration;
  /** A validator's API to show on the Validator screen (its dashboard), e.g. http://127.0.0.1:8091. */
  readonly validatorUrl?: string;
  /** How long a question to the chain waits for a connection (default CHAIN_TIMEOUT_MS). */
  readonly chainTimeoutMs?: number;
}

/** The desktop shell's part (Electron's app.setLoginItemSettings and electron-updater). */
export interface DesktopIntegration {
  getStartAtLogin(): boolean;
  setStartAtLogin(on: boolean): void;
  /** Null in a build without an update feed (a local build, an unsigned package). */
  readonly updates: UpdateFeed | null;
  /** Battery and the person's input (Electron's powerMonitor); absent: never paused for them. */
  readonly power?: PowerSource;
}

type Handler<K extends CommandName> = (args: Commands[K]['args']) => Promise<Commands[K]['result']>;
type Listener<E extends EventName> = (payload: Events[E]) => void;

/** How long a direct claim is followed (DirectMiner's default followMs, plus a margin). */
const FOLLOW_MS = 11 * 60_000;
/** How long a question to the chain waits for a connection before saying so (issue #17: < 15 s). */
const CHAIN_TIMEOUT_MS = 12_000;
/** How often the power settings are checked while a search runs. */
const POWER_CHECK_MS = 5000;

/** A pool's address as the person typed it, checked: http(s), no credentials. */
function checkPoolUrl(url: string | undefined): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url ?? '').trim());
  } catch {
    throw new NodeCommandError(
      'BAD_POOL_URL',
      'Enter the pool’s address, like http://pool.example:8092.',
    );
  }
  if (
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.username ||
    parsed.password
  )
    throw new NodeCommandError(
      'BAD_POOL_URL',
      'A pool address starts with http:// or https:// and holds no password.',
    );
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

export class NodeService {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>();
  private keystore: Promise<Keystore> | null = null;

  private search: SearchOrchestrator | null = null;
  /** The node's line to the chain, started when the UI first asks (see watchChain). */
  private chainWatch: ChainWatch | null = null;
  /** Direct mode: the claim logic, its chain connection and the address claims are signed by. */
  private direct: {
    miner: DirectMiner;
    client: SubtensorClient;
    address: string;
    record: RecordSource;
  } | null = null;
  private mining: MiningStatus = IDLE_MINING_STATUS;
  private submissions: SubmissionView[] = [];
  /** The Settings screen's choices, as saved in the data folder (app-settings.ts). */
  private appSettings: AppSettings;
  private poolRun: { session: PoolMiningSession; done: Promise<void> } | null = null;
  private dataset: DatasetStatus | null = null;
  private datasetDownload: Promise<void> | null = null;
  private readonly updates: UpdateGate | null;
  /** Pauses the search on battery or while the person is active (desktop app, if asked). */
  private readonly powerGate: PowerGate | null;
  private powerTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: NodeServiceOptions) {
    // Saved settings win over the start-up options: the person changed them in Settings.
    const saved = loadAppSettings(o.dataDir, (msg) => o.log.warn(msg));
    this.appSettings = {
      ...saved,
      network: saved.network ?? o.network ?? null,
      netuid: saved.netuid ?? o.netuid ?? null,
    };
    const power = o.desktop?.power;
    this.powerGate = power
      ? new PowerGate(
          power,
          () => this.appSettings,
          (reason) => {
            this.o.log.info('search paused by the power settings', { reason });
            this.publish({ pausedFor: reason });
          },
        )
      : null;
    const feed = o.desktop?.updates;
    this.updates = feed
      ? new UpdateGate(
          feed,
          () => this.submissionInFlight(),
          () => this.stopMining(),
          (status) => this.emit('update.status', status),
        )
      : null;
  }

  // --- the bridge side --------------------------------------------------------------------------

  /** Runs a command; a failure is always a NodeCommandError with a message for a person. */
  async call(command: string, args: unknown): Promise<unknown> {
    const handler = (this.handlers as Record<string, Handler<CommandName> | undefined>)[command];
    if (!handler) throw new NodeCommandError('UNKNOWN_COMMAND', `Unknown command ${command}.`);
    // Checked before any handler runs: a handler only ever sees arguments of its declared shape.
    const checked = COMMAND_ARGS[command as CommandName].safeParse(args);
    if (!checked.success) {
      this.o.log.warn('command refused: malformed arguments', { command });
      throw new NodeCommandError('BAD_ARGUMENT', `${command}: ${describeArgsError(checked.error)}`);
    }
    try {
      return await handler(checked.data as never);
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
    this.updates?.close();
    await this.chainWatch?.stop();
    await this.stopMining();
  }

  // --- commands ---------------------------------------------------------------------------------

  private readonly handlers: { [K in CommandName]: Handler<K> } = {
    'node.info': async () => this.info(),
    'wallet.preview': async ({ secret }) => {
      await cryptoReady();
      const pair = await pairFromMaterial(parseKeyInput(new Secret(secret)));
      return { address: pair.address };
    },
    'wallet.import': async ({ name, secret }) => {
      const keystore = await this.openKeystore();
      const info = await keystore.importKey(name, new Secret(secret));
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
    'wallet.keystore': async () => this.keystoreState(),
    'wallet.unlock': async ({ passphrase }) => this.unlockKeystore(passphrase),
    'wallet.chain': async () => this.walletOnChain(),
    'wallet.registerQuote': async ({ hotkey, payer }) => {
      const { netuid } = this.requireNetwork();
      const key = await this.payingKey(payer);
      return this.withChain((client) => quoteRegistration(client, netuid, hotkey, key));
    },
    'wallet.register': async ({ hotkey, payer, maxBurnRao }) => {
      const { netuid } = this.requireNetwork();
      const max = BigInt(maxBurnRao); // digits only: checked by its schema
      const key = await this.payingKey(payer);
      const pair = await (await this.openKeystore()).unlock(key.name);
      this.o.log.info('registration sent', { hotkey, payer: key.address, netuid });
      const result = await this.withChain((client) =>
        client.burnedRegister(netuid, hotkey, pair, max),
      );
      this.o.log.info('registered', { hotkey, netuid, uid: result.uid });
      return result;
    },
    'wallet.watch': async ({ name, address }) => {
      await cryptoReady();
      const keystore = await this.openKeystore();
      const info = await keystore.addWatchAddress(name, address);
      this.o.log.info('address added to view', { name: info.name, address: info.address });
      return { name: info.name, address: info.address, source: info.source };
    },
    'wallet.btcli.list': async () => this.btcliWallets(),
    'wallet.btcli.import': async ({ wallet, hotkey, name }) => {
      const keystore = await this.openKeystore();
      const info = await keystore.importBtcliHotkey(name, {
        root: this.btcliRoot(),
        wallet,
        hotkey,
      });
      this.o.log.info('btcli hotkey imported', { name: info.name, address: info.address });
      return { name: info.name, address: info.address, source: info.source };
    },
    'wallet.btcli.importColdkey': async ({ wallet, name, password }) => {
      const keystore = await this.openKeystore();
      const info = await keystore.importBtcliColdkey(
        name,
        { root: this.btcliRoot(), wallet },
        new Secret(password),
      );
      this.o.log.info('btcli coldkey imported', { name: info.name, address: info.address });
      return { name: info.name, address: info.address, source: info.source };
    },
    'mining.start': async ({ mode, threads, poolUrl, fresh }) =>
      this.startMining(mode, threads, poolUrl, fresh === true),
    'mining.threads': async ({ threads }) => {
      const search = this.search;
      if (!search || this.mining.state === 'starting')
        throw new NodeCommandError(
          'NOT_RUNNING',
          'The search is not running: choose the threads and press Start.',
        );
      if (threads > search.threads)
        throw new NodeCommandError(
          'BAD_THREADS',
          `This run started with ${search.threads} thread${search.threads === 1 ? '' : 's'}: to use more, stop and start again.`,
        );
      search.useThreads(threads);
      this.o.log.info('threads changed', { threads });
      this.publish({ threads });
      return this.status();
    },
    'mining.pause': async () => {
      if (this.poolRun)
        throw new NodeCommandError(
          'UNSUPPORTED',
          'Pool work comes in short units: stop, and start again later.',
        );
      this.powerGate?.forget();
      this.search?.pause();
      return this.status();
    },
    'mining.resume': async () => {
      this.powerGate?.forget();
      this.search?.resume();
      return this.status();
    },
    'mining.stop': async () => {
      await this.stopMining();
      return this.status();
    },
    'mining.status': async () => this.status(),
    'chain.status': async () => this.watchChain().current(),
    'mining.submissions': async () => [...this.submissions],
    'pool.discover': async () => this.discoverPools(),
    'sota.leaderboard': async () => this.leaderboard(),
    'validator.status': async () => this.validatorStatus(),
    'logs.recent': async ({ limit }) => this.o.recentLogs(Math.min(Math.max(1, limit), 2000)),
    'diagnostics.report': async () => this.diagnostics(),
    'dataset.status': async () => this.datasetStatus(),
    'dataset.download': async () => this.downloadDataset(),
    'settings.get': async () => this.settings(),
    'settings.set': async ({ startAtLogin, network, netuid, pauseOnBattery, pauseWhenActive }) => {
      if (pauseOnBattery !== undefined || pauseWhenActive !== undefined) {
        if (!this.powerGate)
          throw new NodeCommandError(
            'UNSUPPORTED',
            'Only the desktop app can see the battery and when you use the computer; a headless node mines whenever it runs.',
          );
        this.appSettings = saveAppSettings(this.o.dataDir, {
          ...this.appSettings,
          pauseOnBattery: pauseOnBattery ?? this.appSettings.pauseOnBattery,
          pauseWhenActive: pauseWhenActive ?? this.appSettings.pauseWhenActive,
        });
        this.o.log.info('power settings saved', {
          pauseOnBattery: this.appSettings.pauseOnBattery,
          pauseWhenActive: this.appSettings.pauseWhenActive,
        });
        if (this.search) this.checkPower(this.search);
      }
      if (startAtLogin !== undefined) {
        if (!this.o.desktop)
          throw new NodeCommandError(
            'UNSUPPORTED',
            'A headless node cannot start at login: run it from your service manager (systemd, launchd).',
          );
        this.o.desktop.setStartAtLogin(Boolean(startAtLogin));
        this.o.log.info('start at login', { on: Boolean(startAtLogin) });
      }
      if (network !== undefined || netuid !== undefined) {
        if (this.search || this.poolRun || this.mining.state === 'starting')
          throw new NodeCommandError('BUSY', 'Stop mining before changing the network.');
        const next = {
          ...this.appSettings,
          network: network === undefined ? this.appSettings.network : network?.trim() || null,
          netuid: netuid === undefined ? this.appSettings.netuid : netuid,
        };
        try {
          this.appSettings = saveAppSettings(this.o.dataDir, next);
        } catch (err) {
          const message =
            err instanceof z.ZodError
              ? 'The subnet must be a whole number from 1 to 65535.'
              : err instanceof Error
                ? err.message
                : String(err);
          throw new NodeCommandError('BAD_SETTING', message);
        }
        this.o.log.info('network settings saved', { ...this.appSettings });
        // Watch the new network (if anyone was watching the old one).
        if (this.chainWatch) {
          void this.chainWatch.stop();
          this.chainWatch = null;
          this.emit('chain.status', this.watchChain().current());
        }
      }
      return this.settings();
    },
    'update.status': async () => this.updateStatus(),
    'update.install': async () => {
      if (!this.updates) return this.updateStatus();
      return this.updates.install();
    },
  };

  // --- wallets, dataset, settings, updates ------------------------------------------------------

  private get network(): string | undefined {
    return this.appSettings.network ?? undefined;
  }

  private get netuid(): number | undefined {
    return this.appSettings.netuid ?? undefined;
  }

  private btcliRoot(): string {
    return this.o.btcliRoot ?? defaultBtcliWalletRoot();
  }

  private async btcliWallets(): Promise<BtcliWalletView[]> {
    const root = this.btcliRoot();
    const wallets = await listBtcliWallets(root);
    return Promise.all(
      wallets.map(async (w) => ({
        wallet: w.wallet,
        coldkeyAddress: w.coldkeyAddress,
        hotkeys: await Promise.all(
          w.hotkeys.map(async (hotkey) => {
            try {
              // Reading the file is the only way to show (and check) its address; the secret is
              // dropped here and read again at import.
              const { address } = await readBtcliHotkey({ root, wallet: w.wallet, hotkey });
              return { name: hotkey, address, problem: null };
            } catch (err) {
              return {
                name: hotkey,
                address: null,
                problem: err instanceof Error ? err.message : String(err),
              };
            }
          }),
        ),
      })),
    );
  }

  private datasetStatus(): DatasetStatus {
    // A download under way, or finished (its files were checked by MD5 as they landed). After a
    // failed one, look again: mining's own download or the person may have put the files there.
    if (this.dataset && this.dataset.state !== 'error') return this.dataset;
    let dir: string | null = null;
    let error: string | null = null;
    try {
      dir = this.o.cifarDir ?? locateCifar10({ dataDir: this.o.dataDir, ...this.o.datasetLookup });
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (!dir && !error && this.dataset) return this.dataset;
    return {
      state: dir ? 'ready' : error ? 'error' : 'missing',
      dir: dir ?? cifar10CacheDir({ dataDir: this.o.dataDir }),
      phase: null,
      receivedBytes: 0,
      totalBytes: null,
      error,
    };
  }

  private async downloadDataset(): Promise<DatasetStatus> {
    const current = this.datasetStatus();
    if (current.state === 'ready' || current.state === 'downloading') return current;
    const dest = cifar10CacheDir({ dataDir: this.o.dataDir });
    const set = (status: DatasetStatus) => {
      this.dataset = status;
      this.emit('dataset.status', status);
    };
    const base = { dir: dest, error: null, receivedBytes: 0, totalBytes: null, phase: null };
    set({ ...base, state: 'downloading', phase: 'download' });
    this.o.log.info('dataset download started', { dest });
    this.datasetDownload = downloadCifar10({
      dest,
      url: this.o.datasetSource?.url,
      md5: this.o.datasetSource?.md5,
      onProgress: (p) => set({ ...base, state: 'downloading', ...p }),
    }).then(
      () => {
        this.o.log.info('dataset ready', { dir: dest });
        set({ ...base, state: 'ready' });
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.o.log.error('dataset download failed', { error: message });
        set({ ...base, state: 'error', error: message });
      },
    );
    void this.datasetDownload.finally(() => (this.datasetDownload = null));
    return this.dataset!;
  }

  private settings(): Settings {
    return {
      network: this.appSettings.network,
      netuid: this.appSettings.netuid,
      startAtLogin: this.o.desktop?.getStartAtLogin() ?? false,
      startAtLoginSupported: this.o.desktop !== undefined,
      pauseOnBattery: this.appSettings.pauseOnBattery,
      pauseWhenActive: this.appSettings.pauseWhenActive,
      powerSupported: this.powerGate !== null,
    };
  }

  private updateStatus(): UpdateStatus {
    return (
      this.updates?.current() ?? {
        state: 'unsupported',
        version: null,
        waitingFor: null,
        error: null,
      }
    );
  }

  /**
   * A claim on its way to the validators, which a restart would abandon; null when none. Only
   * while the direct miner runs and follows it (it stops following after FOLLOW_MS), so a claim
   * that never got a clear verdict cannot hold an update back for ever.
   */
  private submissionInFlight(): string | null {
    if (!this.direct) return null;
    const since = Date.now() - FOLLOW_MS;
    const open = this.submissions.find(
      (s) => (s.status === 'committed' || s.status === 'submitted') && Date.parse(s.at) > since,
    );
    return open ? `the verdict on submission ${open.digest.slice(0, 8)}` : null;
  }

  private info(): NodeInfo {
    return {
      version,
      shell: this.o.shell,
      dataDir: this.o.dataDir,
      cores: availableParallelism(),
      defaultThreads: defaultThreads(),
      network: this.network ?? 'none',
      netuid: this.netuid ?? null,
      datasetReady: this.datasetStatus().state === 'ready',
      validator: this.o.validatorUrl !== undefined,
    };
  }

  /** The watched validator's GET /v1/status, checked against its schema before the UI sees it. */
  private async validatorStatus(): Promise<ValidatorStatus | null> {
    const url = this.o.validatorUrl;
    if (url === undefined) return null;
    const body = await getOkJson(`${url}/v1/status`, { timeoutMs: 5000 });
    return ValidatorStatusSchema.parse(body);
  }

  private async keystoreState(): Promise<KeystoreState> {
    const p = this.o.passphrase;
    if (!p) return { protection: 'os-keychain', state: 'ready' };
    if (p.configured || p.session.value) return { protection: 'passphrase', state: 'ready' };
    return {
      protection: 'passphrase',
      state: (await p.secretsStored()) ? 'enter-passphrase' : 'choose-passphrase',
    };
  }

  /** wallet.unlock: the passphrase for this run; the stored keys must open with it. */
  private async unlockKeystore(text: string): Promise<KeystoreState> {
    const p = this.o.passphrase;
    if (!p || p.configured)
      throw new NodeCommandError(
        'NOT_NEEDED',
        p
          ? "This node's passphrase is set where it was started."
          : 'The OS keychain holds your keys.',
      );
    const previous = p.session.value;
    // Once given, the passphrase of this run cannot be swapped for another (a second page still
    // showing "choose" would otherwise encrypt later keys with a different one).
    if (previous) {
      if (previous.reveal() === text) return this.keystoreState();
      throw new NodeCommandError(
        'WRONG_PASSPHRASE',
        'A passphrase is already set for this run; that one is different.',
      );
    }
    p.session.value = new Secret(text);
    this.keystore = null;
    try {
      const keystore = await this.openKeystore();
      await keystore.checkProtector();
    } catch (err) {
      p.session.value = previous;
      this.keystore = null;
      if (err instanceof WalletError && err.code === 'WRONG_PASSWORD')
        throw new NodeCommandError(
          'WRONG_PASSPHRASE',
          'That passphrase does not open the keys stored on this computer. Try again.',
        );
      if (err instanceof WalletError && err.code === 'NO_PASSPHRASE')
        throw new NodeCommandError('WEAK_PASSPHRASE', err.message);
      throw err;
    }
    this.o.log.info('keystore unlocked for this run');
    return this.keystoreState();
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

  private async startMining(
    mode: MiningMode,
    threads: number,
    poolUrl?: string,
    fresh = false,
  ): Promise<MiningStatus> {
    if (this.search || this.poolRun || this.mining.state === 'starting')
      throw new NodeCommandError('BUSY', 'Mining is already running; stop it first.');
    const cores = availableParallelism();
    if (!Number.isInteger(threads) || threads < 1 || threads > cores)
      throw new NodeCommandError(
        'BAD_THREADS',
        `Threads must be a whole number from 1 to ${cores}.`,
      );
    if (mode === 'direct' && (!this.network || this.netuid === undefined))
      throw new NodeCommandError(
        'NO_NETWORK',
        'Direct mining needs a network and a subnet: start the node with --network and --netuid.',
      );
    const pool = mode === 'pool' ? checkPoolUrl(poolUrl) : null;
    this.submissions = [];
    this.publish({
      state: 'starting',
      mode,
      threads,
      threadsMax: threads,
      error: null,
      target: null,
      evolvingFrom: null,
      claimNote: null,
      progress: null,
      pool: null,
      pausedFor: null,
      cpuPercent: null,
    });
    // The heavy part (dataset, chain) runs after the answer, reported through status events.
    const launching = pool ? this.launchPool(pool, threads) : this.launch(mode, threads, fresh);
    void launching.catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      this.o.log.error('mining could not start', { error: message });
      this.search = null;
      this.publish({ state: 'error', error: message });
    });
    return this.status();
  }

  private async launch(mode: MiningMode, threads: number, fresh: boolean): Promise<void> {
    const config = this.o.searchConfig ?? parseSearchConfig({});
    // One download at a time: a start while Settings downloads waits for that download.
    await this.datasetDownload?.catch(() => {});
    const tasks = await loadSearchTasks(config, { dir: this.o.cifarDir, dataDir: this.o.dataDir });
    if (mode === 'direct') this.direct = await this.connectDirect(config, tasks);
    const cpu = new CpuMeter();
    let session: MiningSession;
    try {
      session = await MiningSession.prepare({
        config,
        tasks,
        stateDir: path.join(this.o.dataDir, mode),
        threads,
        fresh,
        record: this.direct?.record,
        direct: this.direct?.miner,
        say: (line) => this.o.log.info(line),
        log: this.o.log,
        progressIntervalMs: 1000,
        onProgress: () => this.publish({ cpuPercent: cpu.sample() }),
      });
    } catch (err) {
      // No search starts: let go of the chain connection made for it.
      await this.direct?.client.close();
      this.direct = null;
      throw err;
    }
    this.publish({ evolvingFrom: session.plan.summary });
    const search = session.search;
    this.search = search;
    this.watchPower(search);
    this.o.log.info('mining started', { mode, threads });
    this.publish({ state: 'running' });
    void session.run().then((final) => {
      this.stopWatchingPower();
      this.o.log.info('mining stopped', { individuals: final.individuals });
      this.search = null;
      this.publish({ state: 'stopped', progress: final, cpuPercent: null });
    });
  }

  private async launchPool(url: string, threads: number): Promise<void> {
    await this.datasetDownload?.catch(() => {});
    const keystore = await this.openKeystore();
    const key = keystore.list().find((k) => k.kind !== 'public');
    if (!key) throw new NodeCommandError('NO_KEY', 'Pool mining needs a key: add one first.');
    const pair = await keystore.unlock(key.name);
    const session = await PoolMiningSession.join({
      url,
      pair,
      threads,
      cifarDir: this.o.cifarDir,
      dataDir: this.o.dataDir,
      log: this.o.log.child('pool'),
      onStanding: (pool) => this.publish({ pool }),
    });
    this.poolRun = { session, done: session.run() };
    this.o.log.info('pool mining started', { pool: url, threads, feeBps: session.terms.feeBps });
    this.publish({
      state: 'running',
      pool: session.standing(),
      // The pool leases parents (its best programs, the record before them); each unit evolves them.
      evolvingFrom: 'Evolving from the programs the pool hands out',
    });
  }

  private async connectDirect(
    config: SearchConfig,
    tasks: readonly TaskData[],
  ): Promise<{
    miner: DirectMiner;
    client: SubtensorClient;
    address: string;
    record: RecordSource;
  }> {
    const keystore = await this.openKeystore();
    const key = keystore.list().find((k) => k.kind !== 'public');
    if (!key) throw new NodeCommandError('NO_KEY', 'Direct mining needs a key: add one first.');
    const pair: KeyringPair = await keystore.unlock(key.name);
    const client = await SubtensorClient.connect({
      network: this.network!,
      log: this.o.log.child('chain'),
    });
    try {
      // A claim from an unregistered hotkey is refused by every validator: say so before mining.
      if ((await client.uidOf(this.netuid!, pair.address)) === null) {
        const { burnRao } = await client.subnet(this.netuid!);
        throw new NodeCommandError(
          'NOT_REGISTERED',
          `Your key "${key.name}" is not registered on subnet ${this.netuid}, so validators would refuse its claims. Register it in Wallet (it costs ${formatTao(burnRao)}, burned), or mine Solo.`,
        );
      }
      const direct = new DirectClient({
        client,
        netuid: this.netuid!,
        pair,
        track: makeTrack(),
        log: this.o.log.child('direct'),
      });
      const probeTasks = await loadProbeTasks(direct.track.features, {
        dir: this.o.cifarDir,
        dataDir: this.o.dataDir,
      });
      // A claim stands on tasks the search never saw (the search's best flatters itself).
      const claimTasks = await loadSearchTasks(
        config,
        { dir: this.o.cifarDir, dataDir: this.o.dataDir },
        selectionTaskIds(config),
      );
      const miner = new DirectMiner({
        direct,
        config,
        tasks,
        claimTasks,
        probeTasks,
        log: this.o.log.child('direct'),
        onEvent: (e) => this.onDirectEvent(e),
      });
      // The holder comes with the seeds (chooseSeeds): named by the validators, or kept.
      return {
        miner,
        client,
        address: pair.address,
        record: recordFromClient(direct, this.network!, this.netuid!),
      };
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  private onDirectEvent(e: DirectEvent): void {
    const now = new Date().toISOString();
    const update = (digest: string, status: SubmissionView['status'], detail: string) => {
      const i = this.submissions.findIndex((s) => s.digest === digest);
      if (i >= 0) this.submissions[i] = { ...this.submissions[i]!, status, detail };
    };
    switch (e.type) {
      case 'target':
        this.publish({
          target: {
            digest: e.holderDigest,
            holderScore: e.holderLocalScore,
            needed: e.needed,
            miner: e.holderMiner,
            byYou: e.holderMiner !== null && e.holderMiner === this.direct?.address,
          },
        });
        break;
      case 'claim':
        this.publish({ claimNote: null });
        this.submissions.unshift({
          digest: e.digest,
          // What the claim stands on: the deterministic score, not a lucky search draw.
          fitness: e.score,
          at: now,
          status: 'committed',
          detail: `committed at block ${e.commitmentBlock}`,
        });
        break;
      case 'submitted':
        update(
          e.digest,
          'submitted',
          e.outcomes.length === 1
            ? 'sent to 1 validator'
            : `sent to ${e.outcomes.length} validators`,
        );
        break;
      case 'verdict':
        update(
          e.digest,
          e.reached ? 'accepted' : e.rejecting > 0 && e.accepting === 0 ? 'rejected' : 'submitted',
          `${e.accepting} accepted, ${e.rejecting} did not; validators holding ${Math.round(e.share * 100)}% of the stake accepted`,
        );
        break;
      case 'skipped':
        this.publish({ claimNote: e.message });
        break;
      case 'error':
        break;
    }
    void this.updates?.recheck();
  }

  /** Checks the power settings every POWER_CHECK_MS while `search` runs. */
  private watchPower(search: SearchOrchestrator): void {
    if (!this.powerGate) return;
    this.stopWatchingPower();
    this.checkPower(search);
    this.powerTimer = setInterval(() => this.checkPower(search), POWER_CHECK_MS);
  }

  private checkPower(search: SearchOrchestrator): void {
    this.powerGate?.check({
      running: () => search.progress().state === 'running',
      pause: () => search.pause(),
      resume: () => search.resume(),
    });
  }

  private stopWatchingPower(): void {
    if (this.powerTimer) clearInterval(this.powerTimer);
    this.powerTimer = null;
    this.powerGate?.forget();
  }

  private async stopMining(): Promise<void> {
    this.stopWatchingPower();
    const pool = this.poolRun;
    if (pool) {
      this.publish({ state: 'stopping' });
      await pool.session.stop();
      await pool.done;
      this.poolRun = null;
      this.o.log.info('pool mining stopped');
      this.publish({ state: 'stopped' });
    }
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
    // Nothing is followed any more: a restart that waited for it may go ahead.
    void this.updates?.recheck();
  }

  // --- the network ------------------------------------------------------------------------------

  /** The node's network and subnet, or a sentence saying where to choose them. */
  private requireNetwork(): { network: string; netuid: number } {
    if (!this.network || this.netuid === undefined)
      throw new NodeCommandError(
        'NO_NETWORK',
        'This node has no network: choose one and a subnet in Settings (or start it with --network and --netuid).',
      );
    return { network: this.network, netuid: this.netuid };
  }

  /**
   * A short-lived connection for one question. A chain that does not answer fails within
   * chainTimeoutMs with a sentence, not after the client's minute of retries.
   */
  private async withChain<T>(fn: (client: SubtensorClient) => Promise<T>): Promise<T> {
    const { network } = this.requireNetwork();
    const timeoutMs = this.o.chainTimeoutMs ?? CHAIN_TIMEOUT_MS;
    let client: SubtensorClient;
    try {
      client = await SubtensorClient.connect({
        network,
        connectTimeoutMs: timeoutMs,
        log: this.o.log.child('chain'),
      });
    } catch (err) {
      this.o.log.warn('chain unreachable', { network, error: String(err) });
      throw new NodeCommandError(
        'CHAIN_DOWN',
        `The chain (${network}) did not answer within ${timeoutMs / 1000} s. Check your connection, or the network in Settings, and try again.`,
      );
    }
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }

  /** The chain watch for the current network, started on first use. */
  private watchChain(): ChainWatch {
    this.chainWatch ??= new ChainWatch({
      network: this.network ?? null,
      log: this.o.log.child('chain-watch'),
      connectTimeoutMs: this.o.chainTimeoutMs ?? CHAIN_TIMEOUT_MS,
      onChange: (status) => this.emit('chain.status', status),
    });
    return this.chainWatch;
  }

  /** A key of the node's that can sign (pay for) a transaction, by name. */
  private async payingKey(name: string): Promise<{ name: string; address: string }> {
    const keystore = await this.openKeystore();
    const key = keystore.list().find((k) => k.name === name);
    if (!key)
      throw new NodeCommandError('NO_KEY', `There is no key called "${name}" on this node.`);
    if (key.kind === 'public')
      throw new NodeCommandError(
        'WATCH_ONLY',
        `"${name}" is an address to watch: this node holds no secret for it and cannot pay with it.`,
      );
    return { name: key.name, address: key.address };
  }

  private async walletOnChain(): Promise<WalletOnChain> {
    const { network, netuid } = this.requireNetwork();
    const keystore = await this.openKeystore().catch(() => null);
    const addresses = (keystore?.list() ?? []).map((k) => k.address);
    return this.withChain((client) =>
      readWalletOnChain(client, network, netuid, addresses, makeTrack().winnerShare),
    );
  }

  private async discoverPools(): Promise<PoolListingView[]> {
    const { netuid } = this.requireNetwork();
    return this.withChain(async (client) =>
      (await discoverPools(client, netuid, this.o.log.child('pool'))).map(listingView),
    );
  }

  private async leaderboard(): Promise<Leaderboard> {
    if (!this.network || this.netuid === undefined)
      return { source: null, holder: null, history: [] };
    const netuid = this.netuid;
    return this.withChain(async (client) => {
      const mg = await client.metagraph(netuid);
      const urls = mg.neurons
        .filter(isValidator)
        .filter(hasReachableAxon)
        .sort((a, b) => (b.stake > a.stake ? 1 : b.stake < a.stake ? -1 : 0))
        .map((n) => axonUrl(n.axon));
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
    });
  }

  private diagnostics(): string {
    const info = this.info();
    const lines = [
      `sota-miner ${info.version} (${info.shell})`,
      `node ${process.version}, ${platform()} ${release()}, ${info.cores} cores`,
      `data folder: ${info.dataDir}`,
      `network: ${info.network}${info.netuid !== null ? `, netuid ${info.netuid}` : ''}`,
      `dataset: ${info.datasetReady ? 'ready' : 'not downloaded yet'}`,
      `update: ${this.updateStatus().state}`,
      `mining: ${this.status().state}${this.mining.error ? ` (${this.mining.error})` : ''}`,
      '',
      'recent log lines (secrets redacted by the logger):',
      ...this.o.recentLogs(200).map((l) => `${l.time} ${l.level} [${l.scope}] ${l.msg}`),
    ];
    return lines.join('\n');
  }
}
